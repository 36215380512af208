"""Where a configured file is: a local path, a ``file://`` URL or a remote URL (no network code here,
so that any stage can ask without importing an HTTP client)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse


def local_path(location: str) -> Path | None:
    """The filesystem path of a local path or file:// URL; None for a remote URL."""
    parsed = urlparse(location)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise ValueError(f"{location}: a file:// URL needs an absolute path (file:///data/...)")
        return Path(unquote(parsed.path))
    if parsed.scheme in ("http", "https", "ftp"):
        return None
    return Path(location)


def pinned_key(location_key: str) -> str:
    """Where a dictionary location's SHA-256 is pinned: ``dictionaries.ar.train`` → ``dictionaries.ar.sha256.train``."""
    parent, _, name = location_key.rpartition(".")
    return f"{parent}.sha256.{name}"
