"""Dimension reduction of a model's input embeddings ("Tomato, Tomahto, Tomate" §2.3), saved as a
Hugging Face model directory: the model's own classes with their word embeddings replaced by the
(V, d) modules of :mod:`xlclust.grouping.reduced`, whose code travels with the model."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from xlclust.atomic import atomic_directory
from xlclust.errors import XlclustError

log = logging.getLogger(__name__)


def reduce_model(model, dim: int) -> None:
    """Keep the first ``dim`` columns of ``model``'s input embeddings (in place). A tied masked-LM
    decoder stays tied to them; an untied one keeps its rows' first ``dim`` columns, so that it reads
    the same dimensions of the hidden state."""
    import torch

    from xlclust.grouping import reduced  # transformers and torch: imported when a model is reduced

    if getattr(model.config, reduced.DIM_KEY, None) is not None:
        raise XlclustError(f"the model is already reduced to {getattr(model.config, reduced.DIM_KEY)} dimensions")
    try:
        classes = reduced.auto_map(model.config.model_type)
    except ValueError as error:
        raise XlclustError(str(error)) from error
    if not 0 < dim <= model.config.hidden_size:
        raise XlclustError(f"cannot keep {dim} dimensions of a model with hidden size {model.config.hidden_size}")
    inputs = model.get_input_embeddings().weight.detach()
    output = model.get_output_embeddings()
    tied = output is not None and output.weight.data_ptr() == inputs.data_ptr()
    output_rows = None if output is None else output.weight.detach()
    output_bias = None if output is None or output.bias is None else output.bias.detach()
    reduced.install_reduced_embeddings(model, dim)
    setattr(model.config, reduced.DIM_KEY, dim)
    model.config.tie_word_embeddings = tied
    with torch.no_grad():
        model.get_input_embeddings().weight.copy_(inputs[:, :dim])
        if output is not None:
            decoder = model.get_output_embeddings()
            if tied:
                model.tie_weights()
            else:
                decoder.weight.copy_(output_rows[:, :dim])
            if output_bias is not None:
                decoder.bias.copy_(output_bias)
    model.config.auto_map = classes
    model.config.architectures = [f"Reduced{type(model).__name__}"]


def load_reduced_back(directory):
    from transformers import AutoModelForMaskedLM

    from xlclust.models import load_local_model

    return load_local_model(directory, AutoModelForMaskedLM)  # its reduced.py goes through the own-code check


def save_reduced_model(tokenizer, model, dim: int, out_dir, metadata: dict) -> dict:
    """Reduce ``model`` to ``dim`` dimensions and write it, its code and ``tokenizer`` into one
    Hugging Face model directory (atomically), checked by loading it back. Returns the sizes."""
    import torch

    from xlclust.grouping import reduced

    before = sum(p.numel() for p in model.parameters())
    reduce_model(model, dim)
    after = sum(p.numel() for p in model.parameters())
    sizes = {"dim": dim, "parameters_before": before, "parameters_after": after}
    with atomic_directory(out_dir) as tmp:
        model.save_pretrained(tmp)
        shutil.copyfile(reduced.__file__, Path(tmp) / "reduced.py")
        tokenizer.save_pretrained(tmp)
        loaded = load_reduced_back(tmp).state_dict()
        for name, tensor in model.state_dict().items():
            if name not in loaded or not torch.equal(loaded[name], tensor):
                raise XlclustError(f"the reduced model does not load back as written: parameter {name} differs")
        (Path(tmp) / "reduction.json").write_text(json.dumps(metadata | sizes, indent=2) + "\n", encoding="utf-8")
    log.info("input embeddings cut to %d dimensions: %d → %d parameters, written to %s", dim, before, after, out_dir)
    return sizes
