"""A SentencePiece model as a Hugging Face ``tokenizers`` backend that segments as SentencePiece does.

The backend replays the model's own normalization (its precompiled character map and whitespace
rules), its word-boundary marker and its pieces: BPE models become a ``tokenizers`` BPE model whose
merges are ordered by the merged piece's score, unigram models a ``tokenizers`` Unigram model with
the same scores. Pieces marked unused (a vocabulary cut to fewer pieces, see
``xlclust.vocabulary.bpemb_source.restrict_segmenter``) are left out, so they are never produced.
Offsets are tracked through every normalization step, so they point into the caller's text.
``workflow_tests/test_tokenization.py`` checks piece-for-piece agreement on real text in 75 languages.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from sentencepiece import sentencepiece_model_pb2 as model_pb2
from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers
from tokenizers.models import BPE, Unigram

from xlclust.errors import XlclustError
from xlclust.vocabulary.segmenter_files import load_model_proto
from xlclust.vocabulary.space import WORD_START

Piece = model_pb2.ModelProto.SentencePiece


def _check_supported(proto: model_pb2.ModelProto, path) -> None:
    spec, normalizer = proto.trainer_spec, proto.normalizer_spec
    unsupported = []
    if spec.model_type not in (model_pb2.TrainerSpec.BPE, model_pb2.TrainerSpec.UNIGRAM):
        unsupported.append(f"model type {model_pb2.TrainerSpec.ModelType.Name(spec.model_type)}")
    if spec.byte_fallback:
        unsupported.append("byte fallback")
    if spec.treat_whitespace_as_suffix:
        unsupported.append("whitespace as suffix")
    if not spec.split_by_whitespace:
        unsupported.append("pieces across whitespace (split_by_whitespace false)")
    if any(p.type == Piece.USER_DEFINED for p in proto.pieces):
        unsupported.append("user-defined symbols")
    if normalizer.escape_whitespaces is False:
        unsupported.append("unescaped whitespace")
    if unsupported:
        raise XlclustError(f"{path}: cannot convert a SentencePiece model with {', '.join(unsupported)}")


def kept_pieces(proto: model_pb2.ModelProto) -> list[Piece]:
    """The pieces a segmentation can produce or needs, in model order (unused ones left out)."""
    return [p for p in proto.pieces if p.type != Piece.UNUSED]


def bpe_merges(pieces: Sequence[Piece]) -> list[tuple[str, str]]:
    """Every way to build a normal piece from two kept pieces, best merged piece first.

    SentencePiece's BPE repeatedly joins the adjacent pair whose concatenation scores highest,
    leftmost first; a BPE model ranked by the merged piece's score joins the same pairs."""
    vocab = {p.piece for p in pieces if p.type == Piece.NORMAL}
    ranked = sorted((p for p in pieces if p.type == Piece.NORMAL), key=lambda p: -p.score)
    merges = []
    for piece in ranked:
        text = piece.piece
        merges.extend((text[:i], text[i:]) for i in range(1, len(text)) if text[:i] in vocab and text[i:] in vocab)
    return merges


def sentencepiece_normalizers(proto: model_pb2.ModelProto) -> list:
    """SentencePiece's normalization: its character map, then (by default) no leading, trailing
    or repeated spaces."""
    steps = []
    if proto.normalizer_spec.name.startswith(("nmt_nfkc", "nfkc")):
        # the charsmap holds NFKC's compositions, which SentencePiece matches across characters
        # but ``Precompiled`` only inside one grapheme (a decomposed Bengali ো stays two); NFKC
        # first makes both agree. It also orders combining marks canonically, which SentencePiece
        # alone does not: such models read NFKC text (fast_encoder does the same).
        steps.append(normalizers.NFKC())
    if proto.normalizer_spec.precompiled_charsmap:
        steps.append(normalizers.Precompiled(proto.normalizer_spec.precompiled_charsmap))
    if proto.normalizer_spec.remove_extra_whitespaces:
        steps += [normalizers.Strip(left=True, right=True), normalizers.Replace(Regex(" {2,}"), " ")]
    return steps


def sentencepiece_backend(model_path: str | os.PathLike, *, before: Sequence = (), specials: Sequence[str] = ()) -> Tokenizer:
    """The model at ``model_path`` as a ``tokenizers.Tokenizer``.

    ``before``: normalizers applied to the text before SentencePiece's own (ICEBERT's lowercasing
    and digit mapping); ``specials``: special tokens added after the pieces (``[CLS]``, …), never
    produced from text."""
    proto = load_model_proto(model_path)
    _check_supported(proto, model_path)
    pieces = kept_pieces(proto)
    unknown = [p.piece for p in pieces if p.type == Piece.UNKNOWN]
    if len(unknown) != 1:
        raise XlclustError(f"{model_path}: expected one unknown piece, found {len(unknown)}")
    if proto.trainer_spec.model_type == model_pb2.TrainerSpec.BPE:
        vocab = {p.piece: i for i, p in enumerate(pieces)}
        model = BPE(vocab=vocab, merges=bpe_merges(pieces), unk_token=unknown[0], fuse_unk=True, dropout=None)
    else:
        scores = [(p.piece, p.score if p.type == Piece.NORMAL else 0.0) for p in pieces]
        unk_id = next(i for i, p in enumerate(pieces) if p.type == Piece.UNKNOWN)
        model = Unigram(scores, unk_id=unk_id, byte_fallback=False)
    backend = Tokenizer(model)
    backend.normalizer = normalizers.Sequence([*before, *sentencepiece_normalizers(proto)])
    prepend = "always" if proto.normalizer_spec.add_dummy_prefix else "never"
    backend.pre_tokenizer = pre_tokenizers.Metaspace(replacement=WORD_START, prepend_scheme=prepend, split=True)
    backend.decoder = decoders.Metaspace(replacement=WORD_START, prepend_scheme=prepend, split=True)
    if specials:
        backend.add_special_tokens(list(specials))
    return backend
