"""Building the pretraining tokenizers: cluster-ID (ICEBERT §2–3.2) and the SentencePiece baseline (§3.2)."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from tokenizers import Tokenizer, processors

from xlclust.errors import XlclustError
from xlclust.tokenization.cluster import ClusterTokenizer
from xlclust.tokenization.sentencepiece_backend import sentencepiece_backend
from xlclust.tokenmap import BERT_SPECIALS as CLUSTER_SPECIALS
from xlclust.vocabulary.joint import CONTROL, marked
from xlclust.vocabulary.normalization import backend_normalizers
from xlclust.vocabulary.segmenter_training import train_model_file

log = logging.getLogger(__name__)

# the cluster map's BERT specials by their Hugging Face role
BERT_SPECIALS = dict(zip(("pad_token", "unk_token", "cls_token", "sep_token", "mask_token"), CLUSTER_SPECIALS))


def add_bert_template(backend: Tokenizer) -> None:
    """``[CLS] A [SEP]`` and ``[CLS] A [SEP] B [SEP]`` (segment 1 for B), as BERT."""
    cls, sep = BERT_SPECIALS["cls_token"], BERT_SPECIALS["sep_token"]
    backend.post_processor = processors.TemplateProcessing(
        single=f"{cls} $A {sep}",
        pair=f"{cls} $A {sep} $B:1 {sep}:1",
        special_tokens=[(cls, backend.token_to_id(cls)), (sep, backend.token_to_id(sep))],
    )


def read_names(path: str | os.PathLike) -> list[str]:
    names = Path(path).read_text(encoding="utf-8").split("\n")
    return names[:-1] if names and names[-1] == "" else names


def language_cluster_ids(backend: Tokenizer, lang: str, cluster_map: pd.DataFrame, unk_id: int) -> tuple[np.ndarray, list[str]]:
    """The cluster of every segmenter token of ``lang``: its language-marked piece (``▁the_en``),
    else the piece as a language-agnostic token, else ``[UNK]``; returns the IDs and the pieces
    the map lacks (control pieces aside)."""
    ids_by_token = dict(zip(cluster_map["token"], cluster_map["cluster_id"].astype(np.int64)))
    vocab = backend.get_vocab(with_added_tokens=True)
    cluster_ids = np.full(len(vocab), unk_id, dtype=np.int64)
    missing = []
    for piece, index in vocab.items():
        cluster = ids_by_token.get(marked(piece, lang), ids_by_token.get(piece))
        if cluster is not None:
            cluster_ids[index] = cluster
        elif piece not in CONTROL:  # SentencePiece's control pieces are no subwords
            missing.append(piece)
    return cluster_ids, missing


def build_cluster_tokenizer(
    cluster_map: pd.DataFrame,
    names: list[str],
    segmenters: Mapping[str, str | os.PathLike],
    *,
    model_max_length: int,
    max_missing: float = 0.01,
) -> tuple[ClusterTokenizer, dict]:
    """A :class:`ClusterTokenizer` for any token → cluster map over the joint vocabulary (ICEBERT
    clusters, semantic groups, First-k): ``names`` is its vocabulary (``vocab.txt``), ``segmenters``
    each language's SentencePiece model. More than ``max_missing`` of a language's pieces absent
    from the map means map and segmenters do not belong together, and is an error."""
    if cluster_map["cluster_id"].max() >= len(names):
        raise XlclustError(f"the cluster map has IDs up to {cluster_map['cluster_id'].max()} but its vocabulary names {len(names)}")
    specials = list(BERT_SPECIALS.values())
    missing_specials = [s for s in specials if s not in set(cluster_map["token"])]
    if missing_specials:
        raise XlclustError(f"the cluster map lacks the BERT specials {missing_specials}")
    unk_id = int(cluster_map.loc[cluster_map["token"] == BERT_SPECIALS["unk_token"], "cluster_id"].iloc[0])
    languages, report = {}, {"vocab_size": len(names), "languages": {}}
    for lang, segmenter in segmenters.items():
        backend = sentencepiece_backend(segmenter, before=backend_normalizers(), specials=specials)
        add_bert_template(backend)
        cluster_ids, missing = language_cluster_ids(backend, lang, cluster_map, unk_id)
        share = len(missing) / max(1, len(cluster_ids))
        if share > max_missing:
            raise XlclustError(
                f"{segmenter}: {len(missing)} of {lang}'s {len(cluster_ids)} pieces are not in the cluster map "
                f"(e.g. {missing[:5]}); was the map built from this vocabulary?"
            )
        languages[lang] = {"segmenter": json.loads(backend.to_str()), "cluster_ids": cluster_ids.tolist()}
        report["languages"][lang] = {
            "segmenter_tokens": len(cluster_ids),
            "pieces_not_in_map": len(missing),
            "clusters_used": int(len(np.unique(cluster_ids))),
        }
        log.info(
            "%s: %d segmenter tokens → %d clusters; %d pieces not in the map read as [UNK]",
            lang,
            len(cluster_ids),
            len(np.unique(cluster_ids)),
            len(missing),
        )
    tokenizer = ClusterTokenizer(clusters={"names": names, "languages": languages}, model_max_length=model_max_length, **BERT_SPECIALS)
    tokenizer.register_for_auto_class("AutoTokenizer")
    return tokenizer, report


def balanced_sample(tables: Mapping[str, str | os.PathLike], total: int, seed: int) -> Iterable[str]:
    """``total`` sentences, the same number from every language, drawn uniformly with ``seed``
    (ICEBERT §3.2's 100k sentences over the nine languages)."""
    import pyarrow.parquet as pq

    from xlclust.corpus.parquet import iter_batches

    per_language = total // len(tables)
    rng = np.random.default_rng(seed)
    for lang, path in tables.items():
        rows = pq.ParquetFile(path).metadata.num_rows
        if rows == 0:
            raise XlclustError(f"{path}: no sentences to sample for the baseline tokenizer")
        chosen = np.sort(rng.choice(rows, size=min(per_language, rows), replace=False))
        start = 0
        for batch in iter_batches(path, columns=["text"]):
            texts = batch.column("text").to_pylist()
            wanted = chosen[(chosen >= start) & (chosen < start + len(texts))] - start
            yield from (texts[i] for i in wanted)
            start += len(texts)
        log.info("%s: %d of %d sentences in the baseline sample", lang, len(chosen), rows)


def train_baseline_segmenter(
    sentences: Iterable[str],
    model_path: str | os.PathLike,
    *,
    vocab_size: int,
    model_type: str,
    character_coverage: float,
    seed: int,
    threads: int = 1,
) -> None:
    """A cased SentencePiece model (its default NFKC-based normalization, no lowercasing)."""
    train_model_file(
        sentences,
        model_path,
        seed=seed,
        failure=f"baseline SentencePiece training failed (vocab_size {vocab_size}, model_type {model_type})",
        model_type=model_type,
        vocab_size=vocab_size,
        character_coverage=character_coverage,
        num_threads=threads,
        unk_id=0,
        bos_id=-1,
        eos_id=-1,
    )


def build_baseline_tokenizer(model_path: str | os.PathLike, *, model_max_length: int):
    """The baseline SentencePiece model as a Hugging Face fast tokenizer with BERT's specials."""
    from transformers import PreTrainedTokenizerFast

    backend = sentencepiece_backend(model_path, specials=list(BERT_SPECIALS.values()))
    add_bert_template(backend)
    return PreTrainedTokenizerFast(tokenizer_object=backend, model_max_length=model_max_length, **BERT_SPECIALS)


def save_tokenizer(tokenizer, directory: str | os.PathLike, segmenters: Mapping[str, str | os.PathLike] | str | os.PathLike) -> None:
    """``save_pretrained`` plus the SentencePiece models behind the tokenizer, which corpus
    encoding runs directly (:mod:`xlclust.tokenization.fast_encoder`): one per language for a
    cluster tokenizer, one for the baseline."""
    import shutil

    from xlclust.tokenization.fast_encoder import BASELINE_MODEL, SEGMENTERS

    directory = Path(directory)
    tokenizer.save_pretrained(directory)
    if isinstance(segmenters, Mapping):
        (directory / SEGMENTERS).mkdir(exist_ok=True)
        for lang, path in segmenters.items():
            shutil.copyfile(path, directory / SEGMENTERS / f"{lang}.model")
    elif Path(segmenters) != directory / BASELINE_MODEL:
        shutil.copyfile(segmenters, directory / BASELINE_MODEL)
