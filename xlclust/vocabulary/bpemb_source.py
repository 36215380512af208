"""Real BPEmb vocabularies (fetched and verified by :mod:`xlclust.vocabulary.bpemb_store`), cut to ICEBERT's size.

BPEmb has lists of 25k and 50k pieces but none of 30k. A SentencePiece BPE list holds the merged
pieces in merge (frequency) order followed by the single characters it backs off to. ICEBERT's
notebook therefore took the frequency-ordered 50k list and kept its first pieces plus the back-off
characters, found as the single characters that close the 25k list; :func:`cut_vocabulary` does
the same, and reports what it kept.
"""

from __future__ import annotations

import logging
from pathlib import Path

import sentencepiece as spm

from xlclust.errors import XlclustError
from xlclust.vocabulary.bpemb_store import BPEmbStore, model_file, vectors_file
from xlclust.vocabulary.space import SubwordSpace, load_space

log = logging.getLogger(__name__)
CONTROL = ("<unk>", "<s>", "</s>")


def trailing_characters(pieces: list[str]) -> list[str]:
    """The single-character pieces after the last longer piece: the back-off characters."""
    end = len(pieces)
    start = end
    while start > 0 and len(pieces[start - 1]) == 1:
        start -= 1
    return pieces[start:end]


def cut_vocabulary(large: list[str], small: list[str], size: int) -> tuple[list[int], dict]:
    """Rows of ``large`` to keep: control symbols, then its first merged pieces, then the back-off
    characters of ``small`` (those ``large`` has), ``size`` in all, in ``large``'s order."""
    position = {piece: i for i, piece in enumerate(large)}
    characters = [position[c] for c in trailing_characters(small) if c in position]
    control = [position[c] for c in CONTROL if c in position]
    budget = size - len(characters) - len(control)
    if budget <= 0:
        raise XlclustError(
            f"vocabulary size {size} is smaller than the {len(characters) + len(control)} characters and control symbols to keep"
        )
    taken = set(characters) | set(control)
    merges = [i for i, piece in enumerate(large) if i not in taken and len(piece) > 1][:budget]
    keep = sorted(set(control) | set(merges) | set(characters))
    report = {
        "large_list": len(large),
        "small_list": len(small),
        "size": len(keep),
        "control": len(control),
        "merges": len(merges),
        "backoff_characters": len(characters),
        "last_merge_kept": large[merges[-1]] if merges else None,
    }
    return keep, report


def load_bpemb(lang: str, *, vs: int, dim: int, store: BPEmbStore) -> SubwordSpace:
    return load_space(store.verified(model_file(lang, vs)), store.verified(vectors_file(lang, vs, dim), archive=True))


def restrict_segmenter(model_path, kept: set[str], output) -> None:
    """A copy of a SentencePiece model whose pieces outside ``kept`` are marked unused, so that
    segmenting never emits them (BPE then stops at the kept pieces they were merged from)."""
    from sentencepiece import sentencepiece_model_pb2 as model_pb2

    from xlclust.atomic import atomic_path

    model = model_pb2.ModelProto()
    model.ParseFromString(Path(model_path).read_bytes())
    for piece in model.pieces:
        if piece.piece not in kept and piece.type == model_pb2.ModelProto.SentencePiece.NORMAL:
            piece.type = model_pb2.ModelProto.SentencePiece.UNUSED
    with atomic_path(output, suffix=".model") as tmp:
        tmp.write_bytes(model.SerializeToString())


def bpemb_vocabulary(
    lang: str, *, size: int, large_vs: int, small_vs: int, dim: int, store: BPEmbStore, work_dir
) -> tuple[SubwordSpace, dict]:
    """ICEBERT's vocabulary: the ``large_vs`` BPEmb list cut to ``size`` pieces (see module doc),
    with a segmenter restricted to them written under ``work_dir``."""
    large = load_bpemb(lang, vs=large_vs, dim=dim, store=store)
    if size >= len(large.pieces):
        return large, {"large_list": len(large.pieces), "size": len(large.pieces), "cut": False}
    small_model = store.verified(model_file(lang, small_vs))
    processor = spm.SentencePieceProcessor(model_file=str(small_model))
    small = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    keep, report = cut_vocabulary(large.pieces, small, size)
    pieces = [large.pieces[i] for i in keep]
    restricted = Path(work_dir) / lang / f"{lang}.wiki.bpe.vs{large_vs}.cut{size}.model"
    restrict_segmenter(large.model_path, set(pieces), restricted)
    report.update(cut=True, segmenter="the large list's model with the cut pieces marked unused")
    log.info("%s: cut BPEmb vs%d to %d pieces: %s", lang, large_vs, len(keep), report)
    return SubwordSpace(pieces, large.vectors[keep], restricted), report
