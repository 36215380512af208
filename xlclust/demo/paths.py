"""Where the demo world's files go: a path layout only, so that every Snakemake invocation can plan
the demo's files without importing the demo world (gensim, scipy) itself."""

from __future__ import annotations

import os
from pathlib import Path


def demo_dump_paths(root: str | os.PathLike, lang: str) -> dict[str, Path]:
    """Where the demo world puts a language's dump files (mirrors a Wikimedia dump directory)."""
    base = Path(root) / lang / f"{lang}wiki-demo"
    return {
        "dump": Path(f"{base}-pages-articles-multistream.xml.bz2"),
        "multistream_index": Path(f"{base}-pages-articles-multistream-index.txt.bz2"),
        "checksums": Path(f"{base}-sha1sums.txt"),
    }


def demo_parallel_paths(root: str | os.PathLike, lang: str) -> dict[str, Path]:
    """Where the demo puts a fake language's parallel corpus with English (OPUS's layout) and its links."""
    stem = Path(root) / "parallel" / f"en-{lang}"
    return {"english": stem.with_suffix(".en"), "other": stem.with_suffix(f".{lang}"), "links": stem.with_suffix(".links")}
