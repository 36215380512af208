"""Hugging Face masked-LM models as a grouping source, and the grouped model they become.

A model is loaded by Hub name or local path, through :mod:`xlclust.models` (the Hub cache is the
normal path, a local directory works offline). Its input-embedding rows are grouped; the grouped model
has one embedding row per group — the mean of its members' rows, as in "Tomato, Tomahto, Tomate"
§2.1 (First-k: the kept token's own row; dropped tokens read as the unknown token) — and the
same for an untied output layer and its bias. Its tokenizer is a ``GroupedTokenizer`` over the
original one, saved with its code, so both load as Hugging Face directories. A dimension-reduced model
(:mod:`xlclust.grouping.reduced`, pipelines ``d{dim}/…/kmeans{r}``) stays one: its padded embedding and
sliced decoder are resized in place, one d-dimensional row per group, and its ``reduced.py`` travels on.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile

import numpy as np
import pandas as pd

from xlclust.atomic import atomic_directory
from xlclust.errors import XlclustError
from xlclust.grouping.groups import representatives
from xlclust.models import ModelSource, load_local_model

log = logging.getLogger(__name__)


def load_masked_lm(source: ModelSource):
    """Tokenizer and masked-LM model of a Hub model or a local directory."""
    from transformers import AutoModelForMaskedLM

    try:
        tokenizer, model = source.load(AutoModelForMaskedLM)
    except (OSError, ValueError) as error:
        raise XlclustError(f"cannot load the masked-LM model {source.location!r}: {error}") from error
    if not hasattr(tokenizer, "backend_tokenizer"):
        raise XlclustError(f"{source.location!r}: grouping needs a fast (tokenizers) tokenizer, got {type(tokenizer).__name__}")
    return tokenizer, model


def model_vocabulary(tokenizer, model) -> tuple[pd.DataFrame, np.ndarray]:
    """The token table (token, language '', is_special, is_unknown, token_id, frequency_rank: the
    First-k order of :mod:`xlclust.grouping.emergence`, and first_k_order: its kind) and the embedding
    rows of the groupable (non-special) tokens: a reduced model's (V, d) rows, the ones it groups."""
    from xlclust.grouping.emergence import emergence_ranks

    size = len(tokenizer)
    weights = model.get_input_embeddings().weight.detach().float().cpu().numpy()
    if weights.shape[0] < size:
        raise XlclustError(f"the tokenizer has {size} tokens but the input embeddings only {weights.shape[0]} rows")
    special = np.zeros(size, dtype=bool)
    special[[i for i in tokenizer.all_special_ids if i is not None and i < size]] = True
    ranks, order = emergence_ranks(tokenizer)
    tokens = pd.DataFrame(
        {
            "token": tokenizer.convert_ids_to_tokens(list(range(size))),
            "language": "",
            "is_special": special,
            "is_unknown": np.arange(size) == tokenizer.unk_token_id,
            "token_id": np.arange(size),
            "frequency_rank": np.where(special, -1, ranks),
            "first_k_order": order,
        }
    )
    return tokens, weights[:size][~special]


def _group_means(matrix, groups: np.ndarray, use: np.ndarray, n_groups: int):
    """Per group, the mean of its rows of ``matrix`` that ``use`` marks."""
    import torch

    rows = matrix[: len(groups)][torch.from_numpy(use)].float()
    index = torch.from_numpy(groups[use])
    sums = torch.zeros((n_groups, *rows.shape[1:]), dtype=torch.float32).index_add_(0, index, rows)
    counts = torch.bincount(index, minlength=n_groups).clamp(min=1).reshape(-1, *([1] * (rows.dim() - 1)))
    return (sums / counts).to(matrix.dtype)


def _shared_parameters(model) -> set[frozenset[str]]:
    """Sets of parameter names that share one tensor."""
    by_tensor: dict[int, list[str]] = {}
    for name, parameter in model.named_parameters(remove_duplicate=False):
        by_tensor.setdefault(parameter.data_ptr(), []).append(name)
    return {frozenset(names) for names in by_tensor.values() if len(names) > 1}


def _keep_parameters_apart(model, shared_before: set[frozenset[str]]) -> None:
    """``resize_token_embeddings`` can leave two parameters that were apart sharing one tensor
    (BERT's untied decoder bias and head bias): saving would keep one and loading re-initialize
    the other. Give each its own copy again."""
    import torch

    for names in _shared_parameters(model) - shared_before:
        for name in sorted(names)[1:]:
            module_name, _, leaf = name.rpartition(".")
            module = model.get_submodule(module_name)
            setattr(module, leaf, torch.nn.Parameter(getattr(module, leaf).detach().clone()))


def group_model_embeddings(model, table: pd.DataFrame) -> None:
    """Shrink ``model``'s vocabulary to the groups of ``table`` (in place)."""
    import torch

    table = table.sort_values("token_id")
    if not np.array_equal(table["token_id"].to_numpy(), np.arange(len(table))):
        raise XlclustError("the group map must hold every token ID of the model exactly once")
    groups = table["cluster_id"].to_numpy(np.int64)
    use = (table["kind"] != "dropped").to_numpy(copy=True)  # writable: torch shares its memory
    n_groups = int(groups.max()) + 1
    input_rows = model.get_input_embeddings().weight.detach().clone()
    output = model.get_output_embeddings()
    tied = output is not None and output.weight.data_ptr() == model.get_input_embeddings().weight.data_ptr()
    output_rows = None if output is None or tied else output.weight.detach().clone()
    # every per-token vector: the decoder's bias and a head bias apart from it (XLM-R's lm_head.bias
    # after CLSA untied the head, which resize_token_embeddings leaves at the old size)
    decoder = next((name for name, module in model.named_modules() if output is not None and module is output), None)
    head_biases = {f"{decoder}.bias", f"{decoder.rpartition('.')[0]}.bias"} if decoder else set()
    vocab_vectors = {
        name: parameter.detach().clone()
        for name, parameter in model.named_parameters(remove_duplicate=False)
        if name in head_biases and parameter.shape == (len(table),)
    }
    shared_before = _shared_parameters(model)
    model.resize_token_embeddings(n_groups, mean_resizing=False)
    with torch.no_grad():
        model.get_input_embeddings().weight.copy_(_group_means(input_rows, groups, use, n_groups))
        output = model.get_output_embeddings()
        if output_rows is not None:
            output.weight.copy_(_group_means(output_rows, groups, use, n_groups))
        for name, vector in vocab_vectors.items():
            module_name, _, leaf = name.rpartition(".")
            module, grouped = model.get_submodule(module_name), _group_means(vector, groups, use, n_groups)
            if getattr(module, leaf).shape[0] == n_groups:
                getattr(module, leaf).copy_(grouped)
            else:
                setattr(module, leaf, torch.nn.Parameter(grouped))
    model.config.vocab_size = n_groups
    _keep_parameters_apart(model, shared_before)


def _check_saved(model, directory) -> None:  # also CLSA's (xlclust.grouping.clsa)
    """Load the saved model back: every tensor must come back as it was written."""
    import torch
    from transformers import AutoModelForMaskedLM

    loaded = load_local_model(directory, AutoModelForMaskedLM).state_dict()
    for name, tensor in model.state_dict().items():
        if name not in loaded or not torch.equal(loaded[name], tensor):
            raise XlclustError(f"the grouped model does not load back as written: parameter {name} differs")


def grouped_tokenizer(tokenizer, table: pd.DataFrame, work_dir):
    """A GroupedTokenizer over ``tokenizer`` with every setting of the original kept."""
    from xlclust.tokenization.grouped import GroupedTokenizer

    tokenizer.save_pretrained(work_dir)
    with open(os.path.join(work_dir, "tokenizer_config.json"), encoding="utf-8") as handle:
        settings = json.load(handle)
    for key in ("tokenizer_class", "auto_map", "backend", "added_tokens_decoder"):
        settings.pop(key, None)
    table = table.sort_values("token_id").reset_index(drop=True)
    grouped = GroupedTokenizer(
        tokenizer_file=os.path.join(work_dir, "tokenizer.json"),
        groups=table["cluster_id"].to_numpy(),
        representatives=table.loc[representatives(table), "token_id"].to_numpy(),
        **settings,
    )
    grouped.register_for_auto_class("AutoTokenizer")
    return grouped


def save_grouped_model(tokenizer, model, table: pd.DataFrame, out_dir, metadata: dict) -> None:
    """The grouped model and tokenizer in one Hugging Face model directory, written atomically."""
    group_model_embeddings(model, table)
    with tempfile.TemporaryDirectory() as work_dir, atomic_directory(out_dir) as tmp:
        grouped_tokenizer(tokenizer, table, work_dir).save_pretrained(tmp)
        model.save_pretrained(tmp)
        _check_saved(model, tmp)
        (tmp / "grouping.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    log.info("grouped model with %d groups written to %s", model.config.vocab_size, out_dir)
