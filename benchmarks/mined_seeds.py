"""BLI of a finished demo run (or any run with the low-resource system's mined pairs and a test
dictionary) under different seeds of ICEBERT's Procrustes alignment: the configured dictionary,
identical pieces, and the word pairs the low-resource system mined (all, and mined three times or
more). Same vocabularies, normalization and BLI protocol (CSLS, k = 10) as the workflow's. Writes
benchmarks/results/mined_seeds.csv.

    snakemake all --configfile demo/config.yaml && python benchmarks/mined_seeds.py --workdir .
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from xlclust.alignment.bli import bli_scores
from xlclust.alignment.dictionaries import DictionarySpec, read_pairs, seed_dictionary
from xlclust.alignment.procrustes import align, normalize
from xlclust.search import Retriever
from xlclust.vocabulary.build import read_pieces

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, default=Path("."), help="a finished run's directory")
    parser.add_argument("--languages", nargs="+", default=["qcy", "qgr"])
    parser.add_argument("--pivot", default="en")
    parser.add_argument("--output", type=Path, default=RESULTS / "mined_seeds.csv")
    args = parser.parse_args()
    results, steps = args.workdir / "results", ["unit", "center", "unit"]
    pivot_pieces = read_pieces(results / f"vocab/{args.pivot}/pieces.parquet")
    target = normalize(np.load(results / f"vocab/{args.pivot}/embeddings.npy"), steps)
    rows = []
    for lang in args.languages:
        pieces = read_pieces(results / f"vocab/{lang}/pieces.parquet")
        source = normalize(np.load(results / f"vocab/{lang}/embeddings.npy"), steps)
        types = pd.read_csv(
            results / f"lowres/layers/mined/{lang}/mined_types.csv", keep_default_na=False, dtype={"source_word": str, "target_word": str}
        )
        mined = list(zip(types["source_word"], types["target_word"], types["count"]))
        seeds = {"dictionary": read_pairs(results / f"dictionaries/{lang}/train.tsv")}
        for name, spec in (
            ("identical", DictionarySpec(unsupervised="identical")),
            ("mined", DictionarySpec(unsupervised="mined")),
            ("mined, min_count 3", DictionarySpec(unsupervised="mined", min_count=3)),
        ):
            seeds[name] = seed_dictionary(lang, spec, pieces, pivot_pieces, mined)[0]
        test = read_pairs(results / f"dictionaries/{lang}/test.tsv")
        for name, seed in seeds.items():
            mapping = align(source, target, seed).mapping
            scores = bli_scores(Retriever(source @ mapping, target, "csls", 10), test)
            rows.append(
                {
                    "language": lang,
                    "seed": name,
                    "seed_pairs": len(seed),
                    **{k: round(100 * scores[k], 1) for k in ("P@1", "P@5")},
                    "n": scores["n"],
                }
            )
            print(rows[-1], flush=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(args.output, index=False)
    print(f"written {args.output}")


if __name__ == "__main__":
    main()
