"""The evaluation tasks' data for the semantic-grouping pipelines ("Tomato, Tomahto, Tomate" Table 2):
MasakhaNER's CoNLL files and XNLI's pairs, local or downloaded once and checked against pinned sums."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pandas as pd
import pyarrow as pa

from xlclust.download import fetch_verified
from xlclust.nli.data import SPLITS, XnliFiles, read_files, read_hub
from xlclust.settings import settings_from
from xlclust.subsample import subsample
from xlclust.token_classification.data import NerFiles

log = logging.getLogger(__name__)


def fetcher(cache_dir: str, sha256: dict, where: str):
    """A location → local file function: local paths as they are, downloads once and verified."""

    def fetch(location: str) -> Path:
        return fetch_verified(location, cache_dir, sha256.get(location), f"{where} (grouping.evaluation.sha256)")

    return fetch


def localized_ner_files(files: dict, language: str, cache_dir: str, sha256: dict, where: str) -> NerFiles:
    """A language's NER files (locations with ``{lang}``) as local paths."""
    spec = settings_from(NerFiles, files, where)
    fetch = fetcher(cache_dir, sha256, where)
    return dataclasses.replace(spec, **{split: str(fetch(getattr(spec, split).format(lang=language))) for split in SPLITS})


def prepare_xnli(spec: dict, language: str, cache_dir: str, sha256: dict, seed: int) -> tuple[dict[str, pa.Table], list[dict]]:
    """A language's XNLI splits (config ``grouping.evaluation.xnli``; the training set limited to
    ``limit.train`` pairs drawn with ``seed``) and their counts."""
    tables, counts = {}, []
    for split in SPLITS:
        if spec["source"] == "hub":
            examples = read_hub(spec["hub"]["name"], spec["hub"]["revision"], language, split, cache_dir)
        else:
            files = settings_from(XnliFiles, spec["files"], "grouping.evaluation.xnli.files")
            examples = read_files(files, language, split, fetcher(cache_dir, sha256, "grouping.evaluation.xnli.files"))
        used = subsample(examples, spec["limit"]["train"], seed) if split == "train" else examples
        tables[split] = pa.Table.from_pylist(used)
        labels = pd.Series([e["label"] for e in used]).value_counts().reindex(range(3), fill_value=0)
        counts.append(
            {"language": language, "split": split, "pairs_read": len(examples), "pairs_used": len(used), **labels.add_prefix("label_")}
        )
        log.info("%s %s: %d pairs (of %d)", language, split, len(used), len(examples))
    return tables, counts


def training_rows(paths, languages: list[str], key: str | None = None) -> list[dict]:
    """A training's examples: each language's training table (``paths``, one per language, in the order
    of ``languages``; a single path for one language) read and concatenated, each row with its
    ``language``. ``key`` (MIRACL's ``qid``) is prefixed with the language (``sw:123``): ids are unique
    within a language's files only, and the trainers seed each example's draws by it. The languages'
    tables were each limited on their own (XNLI's ``limit.train`` pairs per language); the Trainer
    shuffles the whole with the run's seed (App. A: all of a data set's training data, one model)."""
    import pyarrow.parquet as pq

    paths = [paths] if isinstance(paths, str | Path) else list(paths)
    if len(paths) != len(languages):
        raise ValueError(f"{len(paths)} training tables for {len(languages)} languages ({', '.join(languages)})")
    rows = []
    for lang, path in zip(languages, paths):
        table = pq.read_table(path).to_pylist()
        for row in table:
            row["language"] = lang
            if key is not None and len(languages) > 1:
                row[key] = f"{lang}:{row[key]}"
        rows += table
        log.info("training %s: %d examples of %s", lang, len(table), path)
    return rows


def write_pair_tables(tables: dict[str, pa.Table], counts: list[dict], outputs) -> None:
    import pyarrow.parquet as pq

    from xlclust.atomic import atomic_path, write_csv_atomic

    for split in SPLITS:
        with atomic_path(getattr(outputs, split), suffix=".parquet") as tmp:
            pq.write_table(tables[split], tmp)
    write_csv_atomic(pd.DataFrame(counts), outputs.counts)
