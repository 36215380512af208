"""Masked-LM and task models whose input embeddings keep only their first d dimensions.

"Tomato, Tomahto, Tomate" §2.3: the embedding matrix is cut to its first d columns and padded
with zeros on the fly to the hidden size; positional and token-type embeddings are untouched. The
matrix is stored as (V, d), so the model really shrinks (the paper's Table 3). A masked-LM decoder
tied to the input embeddings reads the hidden state's first d dimensions against the same (V, d)
rows: exactly the tied decoder over the zero-padded matrix.

This module is saved beside the model and its config names its classes (``auto_map``), so it
imports nothing from xlclust: ``AutoModelFor….from_pretrained(path, trust_remote_code=True)``
loads a reduced model anywhere, for pretraining and for each task head.
"""

from __future__ import annotations

import transformers
from torch import nn

DIM_KEY = "reduced_embedding_dim"
HEADS = ("ForMaskedLM", "ForTokenClassification", "ForSequenceClassification", "ForQuestionAnswering", "Model")
FAMILIES = {"bert": "Bert", "xlm-roberta": "XLMRoberta"}  # config.model_type → class-name stem


class PaddedEmbedding(nn.Embedding):
    """(V, d) rows read as (V, hidden): the first d dimensions, zeros after."""

    def __init__(self, num_embeddings: int, embedding_dim: int, hidden_size: int, padding_idx=None):
        super().__init__(num_embeddings, embedding_dim, padding_idx=padding_idx)
        self.hidden_size = hidden_size

    def forward(self, input_ids):
        rows = super().forward(input_ids)
        return nn.functional.pad(rows, (0, self.hidden_size - self.embedding_dim))


class SlicedDecoder(nn.Linear):
    """A masked-LM decoder over (V, d) rows: the logits of the hidden state's first d dimensions."""

    def forward(self, hidden):
        return super().forward(hidden[..., : self.in_features])


def _backbone_embeddings(model):
    return getattr(model, model.base_model_prefix, model).embeddings


def install_reduced_embeddings(model, dim: int) -> None:
    """Replace ``model``'s word embeddings (and a masked-LM decoder) by (V, ``dim``) modules with
    fresh weights; loading or :func:`reduce_model` fills them."""
    config = model.config
    if not 0 < dim <= config.hidden_size:
        raise ValueError(f"{DIM_KEY} {dim} must lie in 1..{config.hidden_size} (the hidden size)")
    embeddings = _backbone_embeddings(model)
    old = embeddings.word_embeddings
    embeddings.word_embeddings = PaddedEmbedding(old.num_embeddings, dim, config.hidden_size, old.padding_idx)
    output = model.get_output_embeddings()
    if output is not None:
        model.set_output_embeddings(SlicedDecoder(dim, output.out_features, bias=output.bias is not None))


def _reduced_class(base):
    class Reduced(base):
        def __init__(self, config, *args, **kwargs):
            super().__init__(config, *args, **kwargs)
            install_reduced_embeddings(self, getattr(config, DIM_KEY))
            self.tie_weights()

    Reduced.__name__ = Reduced.__qualname__ = f"Reduced{base.__name__}"
    return Reduced


def auto_map(model_type: str) -> dict[str, str]:
    """The config's ``auto_map``: every head of the model's family, from this module."""
    if model_type not in FAMILIES:
        raise ValueError(f"dimension reduction supports the model types {sorted(FAMILIES)}, not {model_type!r}")
    stem = FAMILIES[model_type]
    return {f"AutoModel{'' if head == 'Model' else head}": f"reduced.Reduced{stem}{head}" for head in HEADS}


for _stem in FAMILIES.values():
    for _head in HEADS:
        _class = _reduced_class(getattr(transformers, f"{_stem}{_head}"))
        globals()[_class.__name__] = _class
