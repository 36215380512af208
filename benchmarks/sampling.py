"""Throughput and peak memory of pack_corpus and sample_corpus over growing corpora.

Sentences are real English text (the gensim enwiki sample, extracted once), repeated to 1x, 4x
and 16x of a base size for three languages of very different sizes (1 : 1/10 : 1/100), so
the up-sampling factors are large as in the paper. The shuffle bucket is fixed (8 MB) so that
peak memory must stay flat while the corpus grows. Writes benchmarks/results/sampling.csv.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import measure  # noqa: E402

from xlclust.corpus.schema import SENTENCES  # noqa: E402
from xlclust.demo.world import gensim_enwiki_sample  # noqa: E402
from xlclust.wiki.extract import extract_part, plan_extraction  # noqa: E402
from xlclust.wiki.multistream import build_index  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
BASE_SENTENCES = 100_000
LANGUAGES = {"aa": 1.0, "bb": 0.1, "cc": 0.01}
PACK = """
import json
import sys
from xlclust.corpus.packing import pack_sentence_table
pack_sentence_table(sys.argv[1], sys.argv[2], 512)
"""
MIX = """
import sys, json
from xlclust.corpus.mix import build_mix
tables = json.loads(sys.argv[1])
build_mix(tables, sys.argv[2], alpha=0.3, seed=1, bucket_mb=8)
"""


def real_sentences(scratch: Path) -> pa.Table:
    index = scratch / "index.txt.bz2"
    build_index(gensim_enwiki_sample(), index)
    out = scratch / "sample.parquet"
    (byte_range,) = plan_extraction(gensim_enwiki_sample(), index, 1)["parts"]
    extract_part(gensim_enwiki_sample(), byte_range, "en", out, disambiguation_templates=[])
    return pq.read_table(out)


def repeated(table: pa.Table, n_rows: int, path: Path) -> Path:
    with pq.ParquetWriter(path, SENTENCES) as writer:
        written, copy = 0, 0
        while written < n_rows:
            chunk = table.slice(0, min(table.num_rows, n_rows - written))
            doc_ids = pa.compute.add(chunk.column("doc_id"), copy * 10_000_000)
            writer.write_table(chunk.set_column(0, "doc_id", doc_ids).cast(SENTENCES))
            written += chunk.num_rows
            copy += 1
    return path


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        sentences = real_sentences(scratch)
        for times in (1, 4, 16):
            lines = {}
            for lang, share in LANGUAGES.items():
                n = int(BASE_SENTENCES * times * share)
                source = repeated(sentences, n, scratch / f"{lang}-{times}-sentences.parquet")
                lines[lang] = scratch / f"{lang}-{times}-lines.parquet"
                result = measure([sys.executable, "-c", PACK, str(source), str(lines[lang])])
                rows.append(
                    {
                        "step": "pack_corpus",
                        "input": f"{times}x",
                        "language": lang,
                        "sentences": n,
                        **result,
                        "sentences_per_s": round(n / result["wall_s"]),
                    }
                )
                print(rows[-1], flush=True)

            mix = scratch / f"mix-{times}.parquet"
            result = measure([sys.executable, "-c", MIX, json.dumps({k: str(v) for k, v in lines.items()}), str(mix)])
            out_lines = pq.ParquetFile(mix).metadata.num_rows
            rows.append(
                {
                    "step": "sample_corpus",
                    "input": f"{times}x",
                    "language": "all",
                    "lines_out": out_lines,
                    "mix_mb": round(mix.stat().st_size / 2**20, 1),
                    **result,
                    "lines_per_s": round(out_lines / result["wall_s"]),
                }
            )
            print(rows[-1], flush=True)
    RESULTS.mkdir(exist_ok=True)
    pd.DataFrame(rows).to_csv(RESULTS / "sampling.csv", index=False)


if __name__ == "__main__":
    main()
