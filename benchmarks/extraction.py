"""Extraction throughput and peak memory: xlclust's extract_wikipedia against WikiExtractor.

Input: the real enwiki sample of the gensim wheel, its pages repeated 1x, 4x and 16x (new page
ids), written as a multistream dump like Wikimedia's (100 pages a stream). Both tools read the
same bz2 file, pinned to one core with taskset: xlclust extracts it as one part; WikiExtractor
runs with --processes 1 --no-templates (its reader, worker and writer processes share the core).
Writes benchmarks/results/extraction.csv.
"""

from __future__ import annotations

import platform
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import measure  # noqa: E402

from xlclust.demo.world import gensim_enwiki_sample, read_pages  # noqa: E402
from xlclust.wiki.multistream import read_namespaces  # noqa: E402
from xlclust.wiki.writer import write_multistream_dump  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
OURS = """
import sys
from xlclust.wiki.extract import extract_part, plan_extraction
(byte_range,) = plan_extraction(sys.argv[1], sys.argv[2], 1)["parts"]
extract_part(sys.argv[1], byte_range, "en", sys.argv[3], disambiguation_templates=["disambiguation"])
"""


def repeated_dump(directory: Path, times: int) -> tuple[Path, Path, int]:
    sample = gensim_enwiki_sample()
    pages = read_pages(sample)
    copies = [replace(p, id=p.id + k * 10_000_000, title=f"{p.title} {k}" if k else p.title) for k in range(times) for p in pages]
    dump, index = directory / f"enwiki-x{times}.xml.bz2", directory / f"enwiki-x{times}-index.txt.bz2"
    write_multistream_dump(copies, dump, index, dbname="enwiki", lang="en", namespaces=read_namespaces(sample), pages_per_stream=100)
    return dump, index, len(copies)


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        for times in (1, 4, 16):
            dump, index, pages = repeated_dump(scratch, times)
            size_mb = dump.stat().st_size / 2**20
            runs = {
                "xlclust": [sys.executable, "-c", OURS, str(dump), str(index), str(scratch / f"out-{times}.parquet")],
                "wikiextractor": [
                    sys.executable,
                    "-m",
                    "wikiextractor.WikiExtractor",
                    str(dump),
                    "-o",
                    str(scratch / f"wx-{times}"),
                    "--processes",
                    "1",
                    "--no-templates",
                    "-q",
                ],
            }
            for tool, command in runs.items():
                result = measure(["taskset", "-c", "0", *command])
                rows.append(
                    {
                        "tool": tool,
                        "input": f"{times}x",
                        "pages": pages,
                        "compressed_mb": round(size_mb, 2),
                        **result,
                        "pages_per_s": round(pages / result["wall_s"], 1),
                        "compressed_mb_per_s": round(size_mb / result["wall_s"], 3),
                        "pages_per_cpu_s": round(pages / result["cpu_s"], 1),
                        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
                    }
                )
                print(rows[-1], flush=True)
    RESULTS.mkdir(exist_ok=True)
    pd.DataFrame(rows).to_csv(RESULTS / "extraction.csv", index=False)


if __name__ == "__main__":
    main()
