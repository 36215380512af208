"""Fetch a dump and its index, resumably, and verify it against the published sha1.

Remote files come through :mod:`xlclust.download` (verified TLS, retries, a ``<output>.partial``
file continued with Range requests); a local dump is copied, never linked, so that editing the
original cannot change the verified copy. The output appears only once the bytes verify.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from xlclust.atomic import atomic_path
from xlclust.download import download, file_digest, read_location_text
from xlclust.errors import DownloadError
from xlclust.locations import local_path
from xlclust.wiki.sources import DumpSource

log = logging.getLogger(__name__)


def sha1_of(path: str | os.PathLike) -> str:
    return file_digest(path, "sha1")


def parse_sha1sums(text: str, filename: str, where: str) -> str:
    """The sha1 of ``filename`` in a ``<sha1>  <name>`` listing (the dumps' sha1sums.txt)."""
    for line_number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if len(fields) != 2:
            if line.strip():
                raise DownloadError(f"{where}:{line_number}: not a '<sha1>  <file name>' line: {line!r}")
            continue
        if fields[1].lstrip("*") == filename:
            return fields[0].lower()
    raise DownloadError(f"{where}: no checksum listed for {filename}")


def expected_sha1(source: DumpSource, location: str) -> str | None:
    """The sha1 a file must have: from the config, or from the dump's sha1sums file."""
    if location == source.dump and source.sha1:
        return source.sha1
    if source.checksums:
        name = Path(local_path(location) or location.rsplit("/", 1)[-1]).name
        return parse_sha1sums(read_location_text(source.checksums), name, source.checksums)
    return None


def fetch(location: str, output: str | os.PathLike, sha1: str | None, timeout: float = 60) -> str:
    """Fetch ``location`` to ``output``, verify ``sha1`` if given, return the file's sha1.

    A checksum mismatch is final (not retried): a local source is left as it is and nothing is
    written; fetched bytes are deleted, the resumable partial file included.
    """
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    source_path = local_path(location)
    if source_path is not None:
        if not source_path.exists():
            raise DownloadError(f"{source_path}: file not found (configured dump source)")
        with atomic_path(output, suffix=output.suffix) as tmp:
            shutil.copyfile(source_path, tmp)
            _verify(tmp, sha1, str(source_path), "the configured file is left as it is and nothing was copied")
        return sha1 or sha1_of(output)
    partial = output.with_name(output.name + ".partial")
    download(location, partial, where=location, timeout=timeout)
    try:
        _verify(partial, sha1, location, "the download was deleted")
    except DownloadError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, output)
    return sha1 or sha1_of(output)


def _verify(path: Path, sha1: str | None, where: str, consequence: str) -> None:
    if sha1 is None:
        log.warning("%s: no published checksum given; not verified", where)
        return
    actual = sha1_of(path)
    if actual != sha1.lower():
        raise DownloadError(f"{where}: sha1 mismatch: expected {sha1}, got {actual}; {consequence}")
    log.info("%s: sha1 %s verified", where, actual)
