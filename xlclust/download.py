"""The project's one HTTP client for files others publish (dumps, BPEmb).

Every request verifies TLS (``requests``' default, never turned off; a cluster's own CA bundle
comes in through ``REQUESTS_CA_BUNDLE``) and has a timeout. A connection that breaks or a
server that answers 5xx/429 is retried with back-off, and each retry continues the
``.partial`` file with an HTTP Range request, so a killed job resumes too. Plain ``http://`` is
refused except on this machine's loopback: a checksum fetched over plain HTTP from the same host
as the file protects against nothing.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import requests
from tqdm import tqdm

from xlclust.errors import DownloadError, XlclustError
from xlclust.locations import local_path
from xlclust.textfiles import read_text

log = logging.getLogger(__name__)

CHUNK = 1 << 20
NETWORK_CHUNK = 1 << 16  # what a broken connection can lose of the block being read
ATTEMPTS = 4
BACKOFF_SECONDS = 2.0
RETRIED_STATUS = {408, 425, 429, 500, 502, 503, 504}
# the most a zip member may declare (uncompressed) before it is read: the published archives read here
# (parallel corpora, XNLI, PanLex) hold members of a few hundred MB at most; a zip bomb declares more
ZIP_MEMBER_LIMIT = 8 << 30


class TransientError(Exception):
    """A failure worth another attempt: a broken connection, a timeout, a busy server."""


def file_digest(path: str | os.PathLike, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def plain_http(url: str) -> bool:
    """Whether ``url`` is plain http:// to another machine (loopback is exempt: nobody is on that path)."""
    parts = urlsplit(url)
    return parts.scheme == "http" and not is_loopback(parts.hostname)


INSECURE = (
    "plain http:// is refused: anyone on the path could change the file and a checksum "
    "fetched from the same host alike; use the https:// address"
)


def require_secure(url: str, where: str) -> None:
    """Refuse a URL that is not https:// (or http:// on loopback); ``where`` names the config key or file."""
    if plain_http(url):
        raise DownloadError(f"{where}: {url}: {INSECURE}")
    if urlsplit(url).scheme not in ("https", "http"):
        raise DownloadError(f"{where}: {url}: not an https:// URL")


def get_text(url: str, where: str, timeout: float = 60) -> str:
    """A small text file (a checksum listing), verified TLS, retried like downloads."""
    require_secure(url, where)

    return _with_retries(lambda: _get(url, {}, timeout, stream=False).text, url)


def download(url: str, partial: Path, *, where: str, timeout: float = 60) -> None:
    """Fetch ``url`` into ``partial``, continuing what a previous attempt or job left there.

    ``where`` names what asked for the file (a config key) in errors. The caller verifies the
    bytes and renames ``partial`` into place; on a final failure ``partial`` is kept for resuming.
    """
    require_secure(url, where)
    partial.parent.mkdir(parents=True, exist_ok=True)
    try:
        _with_retries(lambda: _fetch_once(url, partial, timeout), url)
    except DownloadError as error:
        kept = f" (partial download kept in {partial}; rerun to resume)" if partial.exists() else ""
        raise DownloadError(f"{where}: {error}{kept}") from error


def _with_retries(action, url: str):
    """``action()``, attempted up to ATTEMPTS times while it fails transiently."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return action()
        except TransientError as error:
            if attempt == ATTEMPTS:
                raise DownloadError(f"{url}: {error} (gave up after {ATTEMPTS} attempts)") from error
            wait = BACKOFF_SECONDS * 2 ** (attempt - 1)
            log.warning("%s: %s; attempt %d of %d in %.0f s", url, error, attempt + 1, ATTEMPTS, wait)
            time.sleep(wait)


def _get(url: str, headers: dict, timeout: float, stream: bool) -> requests.Response:
    try:
        response = requests.get(url, headers=headers, stream=stream, timeout=timeout)
    except requests.exceptions.SSLError as error:  # a failed certificate check is no accident: never retried
        raise DownloadError(f"{url}: TLS verification failed: {error}") from error
    except (requests.ConnectionError, requests.Timeout) as error:
        raise TransientError(str(error)) from error
    if response.status_code in RETRIED_STATUS:
        response.close()
        raise TransientError(f"HTTP {response.status_code}")
    if response.status_code not in (200, 206, 416):
        response.close()
        raise DownloadError(f"{url}: HTTP {response.status_code}")
    return response


def _fetch_once(url: str, partial: Path, timeout: float) -> None:
    offset = partial.stat().st_size if partial.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    with _get(url, headers, timeout, stream=True) as response:
        if response.status_code == 416:  # nothing after the bytes we have: complete
            return
        if response.status_code == 200 and offset:
            log.info("server ignored the Range request; restarting %s from byte 0", url)
            offset = 0
        total = int(response.headers.get("Content-Length", 0)) + offset or None
        with (
            open(partial, "ab" if offset else "wb") as out,
            tqdm(total=total, initial=offset, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1], mininterval=10) as bar,
        ):
            try:
                for block in response.iter_content(NETWORK_CHUNK):
                    out.write(block)
                    bar.update(len(block))
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as error:
                raise TransientError(f"connection broke at byte {bar.n}: {error}") from error  # bar.n counts from offset


def read_location_text(location: str, timeout: float = 60) -> str:
    path = local_path(location)
    if path is not None:
        if not path.exists():
            raise DownloadError(f"{path}: file not found")
        return read_text(path)
    return get_text(location, location, timeout)


def fetch_verified(location: str, cache_dir: str | os.PathLike, sha256: str | None, where: str) -> Path:
    """A local file as it is; a remote one downloaded once into ``cache_dir`` and checked against
    ``sha256`` (required: the first download is refused, with its sum to pin, until one is given)."""
    path = local_path(location)
    if path is not None:
        if not path.is_file():
            raise XlclustError(f"{where}: {path}: file not found")
        return path
    target = Path(cache_dir) / location.split("://", 1)[1].replace("/", "_")
    if not target.is_file():
        partial = target.with_name(target.name + ".partial")
        download(location, partial, where=where)
        os.replace(partial, target)
    digest = file_digest(target, "sha256")
    if sha256 is None or digest != sha256.lower():
        problem = "has no SHA-256 pinned" if sha256 is None else f"does not match its pinned SHA-256 {sha256}"
        raise DownloadError(f"{where}: {location} {problem}; the file in {target} has {digest}. Check it and pin that sum under {where}")
    return target


def read_verified_text(location: str, cache_dir: str | os.PathLike, sha256: str | None, where: str, pin_key: str | None = None) -> str:
    """The text of a local file, or of a remote one downloaded once into ``cache_dir`` and checked
    against its pinned ``sha256`` (:func:`fetch_verified`). ``where`` names the location's config key,
    ``pin_key`` the key its sum is pinned under (by default ``where``)."""
    remote = local_path(location) is None
    return read_text(fetch_verified(location, cache_dir, sha256, (pin_key or where) if remote else where))


def zip_member_info(archive: zipfile.ZipFile, member: str, where: str, limit: int | None = None) -> zipfile.ZipInfo:
    """``member``'s entry, refused before extraction where it declares more than ``limit`` bytes
    uncompressed (``where`` names the archive and its config key). zipfile stops at the declared
    size, so a member cannot inflate past what this checked."""
    limit = ZIP_MEMBER_LIMIT if limit is None else limit
    info = archive.getinfo(member)
    if info.file_size > limit:
        raise XlclustError(
            f"{where}: {archive.filename}#{member} declares {info.file_size} bytes uncompressed, more than the {limit} "
            "read from a zip archive; check the archive (download.ZIP_MEMBER_LIMIT)"
        )
    return info


def read_zip_member(archive: zipfile.ZipFile, member: str, where: str, limit: int | None = None) -> bytes:
    """``member``'s bytes once its declared size is checked (:func:`zip_member_info`)."""
    return archive.read(zip_member_info(archive, member, where, limit))
