"""A string hash that is the same in every process, for gensim's seeded vector initialization."""

import zlib


def stable_hash(text: str) -> int:
    """A hash that does not change between processes (Python's str hash does)."""
    return zlib.crc32(text.encode("utf-8"))
