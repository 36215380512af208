"""Fetch a dump and its index, resumably, and verify it against the published sha1.

A partial download survives a killed job as ``<output>.partial`` next to the output and is
continued with an HTTP Range request; the output file appears only once the bytes verify.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from pathlib import Path

import requests
from tqdm import tqdm

from xlclust.atomic import atomic_path
from xlclust.errors import DownloadError
from xlclust.textfiles import read_text
from xlclust.wiki.sources import DumpSource, local_path

log = logging.getLogger(__name__)

CHUNK = 1 << 20


def sha1_of(path: str | os.PathLike) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def read_location_text(location: str, timeout: float = 60) -> str:
    path = local_path(location)
    if path is not None:
        if not path.exists():
            raise DownloadError(f"{path}: file not found")
        return read_text(path)
    response = requests.get(location, timeout=timeout)
    if response.status_code != 200:
        raise DownloadError(f"{location}: HTTP {response.status_code}")
    return response.text


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


def _http_fetch(url: str, partial: Path, timeout: float) -> None:
    """Download ``url`` into ``partial``, continuing from its current size when it exists."""
    offset = partial.stat().st_size if partial.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    with requests.get(url, headers=headers, stream=True, timeout=timeout) as response:
        if response.status_code == 416:  # already complete
            return
        if response.status_code == 200 and offset:
            log.info("server ignored the Range request; restarting %s from byte 0", url)
            offset = 0
        elif response.status_code not in (200, 206):
            raise DownloadError(f"{url}: HTTP {response.status_code}")
        total = int(response.headers.get("Content-Length", 0)) + offset or None
        mode = "ab" if offset else "wb"
        with open(partial, mode) as out, tqdm(
            total=total, initial=offset, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1], mininterval=10
        ) as bar:
            for block in response.iter_content(CHUNK):
                out.write(block)
                bar.update(len(block))


def fetch(location: str, output: str | os.PathLike, sha1: str | None, timeout: float = 60) -> str:
    """Fetch ``location`` to ``output``, verify ``sha1`` if given, return the file's sha1.

    Local paths and file:// URLs are hard-linked when possible, else copied. On a checksum
    mismatch the fetched bytes are deleted (including the resumable partial file).
    """
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    source_path = local_path(location)
    if source_path is not None:
        if not source_path.exists():
            raise DownloadError(f"{source_path}: file not found (configured dump source)")
        with atomic_path(output, suffix=output.suffix) as tmp:
            tmp.unlink()
            try:
                os.link(source_path, tmp)
            except OSError:
                shutil.copyfile(source_path, tmp)
            _verify(tmp, sha1, str(source_path))
        return sha1 or sha1_of(output)
    partial = output.with_name(output.name + ".partial")
    try:
        _http_fetch(location, partial, timeout)
    except requests.RequestException as error:
        raise DownloadError(f"{location}: {error} (partial download kept in {partial}; rerun to resume)") from error
    try:
        _verify(partial, sha1, location)
    except DownloadError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, output)
    return sha1 or sha1_of(output)


def _verify(path: Path, sha1: str | None, where: str) -> None:
    if sha1 is None:
        log.warning("%s: no published checksum given; not verified", where)
        return
    actual = sha1_of(path)
    if actual != sha1.lower():
        raise DownloadError(f"{where}: sha1 mismatch: expected {sha1}, got {actual}; the file was removed")
    log.info("%s: sha1 %s verified", where, actual)
