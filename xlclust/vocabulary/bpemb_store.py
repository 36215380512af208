"""BPEmb's published files, downloaded by the project's verified client and checked by SHA-256.

The cache keeps BPEmb's own layout (``{lang}/{lang}.wiki.bpe.vs{vs}.model`` and
``.d{dim}.w2v.bin``, the latter published as ``.tar.gz``), so a cache the ``bpemb`` package filled
works as is. Every file is checked each time it is used, cached or fresh, against the SHA-256
pinned in config (``vocabulary.bpemb.sha256``). A file with no pin is refused, unless the user
opted in to trusting the first download (``vocabulary.bpemb.record_sha256``): its sum is then
recorded in ``{lang}/SHA256SUMS`` beside it and enforced from then on.
"""

from __future__ import annotations

import logging
import os
import shutil
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from xlclust.atomic import atomic_path
from xlclust.download import download, file_digest
from xlclust.errors import XlclustError
from xlclust.locations import local_path
from xlclust.vocabulary.settings import BPEmbSettings

log = logging.getLogger(__name__)

SUMS = "SHA256SUMS"
ARCHIVE_SUFFIX = ".tar.gz"


def model_file(lang: str, vs: int) -> str:
    return f"{lang}/{lang}.wiki.bpe.vs{vs}.model"


def vectors_file(lang: str, vs: int, dim: int) -> str:
    return f"{lang}/{lang}.wiki.bpe.vs{vs}.d{dim}.w2v.bin"


def needed_files(lang: str, settings: BPEmbSettings, dim: int) -> list[str]:
    """The files ICEBERT's cut of ``lang`` reads."""
    large, small = settings.large_vocab, settings.small_vocab
    return [model_file(lang, large), vectors_file(lang, large, dim), model_file(lang, small)]


def unpinned_files(languages: list[str], settings: BPEmbSettings, dim: int) -> list[str]:
    """Of the files these languages need, those with no pin and no recorded sum: refused when a job
    reaches them unless ``record_sha256`` is on (said before the run starts, not hours into it)."""
    store = BPEmbStore.from_settings(settings)
    return [f for lang in languages for f in needed_files(lang, settings, dim) if f not in store.sha256 and store.recorded(f) is None]


@dataclass(frozen=True)
class BPEmbStore:
    base_url: str
    cache_dir: Path
    sha256: Mapping[str, str] = field(default_factory=dict)  # config vocabulary.bpemb.sha256: relative path -> hex
    record_sha256: bool = False

    @classmethod
    def from_settings(cls, settings: BPEmbSettings) -> BPEmbStore:
        return cls(settings.base_url, Path(settings.cache_dir), dict(settings.sha256), settings.record_sha256)

    def verified(self, relative: str, archive: bool = False) -> Path:
        """The cache's file at ``relative``, downloaded first when missing, checked by SHA-256."""
        target = self.cache_dir / relative
        expected = self.sha256.get(relative) or self.recorded(relative)
        if expected is None and not self.record_sha256:
            raise XlclustError(
                f"{target}: no SHA-256 pinned for {relative!r} under config key 'vocabulary.bpemb.sha256', so it is "
                "not used. Pin it, or trust the first download and record its sum (vocabulary.bpemb.record_sha256: true)"
            )
        fresh = not target.exists()
        if fresh:
            self._download(relative, archive, target)
        actual = file_digest(target, "sha256")
        if expected is None:
            self._record(relative, actual)
        elif actual != expected:
            if fresh:
                target.unlink()
            consequence = (
                "the download was deleted" if fresh else "the file is not used. Delete it to download it again, or correct the pin"
            )
            raise XlclustError(
                f"{target}: SHA-256 {actual} is not the {expected} pinned for {relative!r} ({self._pinned_where(relative)}); {consequence}"
            )
        return target

    def recorded(self, relative: str) -> str | None:
        return self._read_sums(self._sums_path(relative)).get(relative)

    def _pinned_where(self, relative: str) -> str:
        return "config key 'vocabulary.bpemb.sha256'" if relative in self.sha256 else f"recorded in {self._sums_path(relative)}"

    def _sums_path(self, relative: str) -> Path:
        return self.cache_dir / Path(relative).parent / SUMS

    @staticmethod
    def _read_sums(path: Path) -> dict[str, str]:
        if not path.exists():
            return {}
        sums = {}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            fields = line.split()
            if len(fields) != 2 or len(fields[0]) != 64:
                raise XlclustError(f"{path}:{number}: not a '<sha256>  <file>' line: {line!r}")
            sums[fields[1]] = fields[0]
        return sums

    def _record(self, relative: str, digest: str) -> None:
        path = self._sums_path(relative)
        sums = self._read_sums(path) | {relative: digest}
        with atomic_path(path) as tmp:
            tmp.write_text("".join(f"{value}  {name}\n" for name, value in sorted(sums.items())), encoding="utf-8")
        log.warning(
            "%s: no pinned SHA-256; trusted this copy and recorded %s in %s. Pin it in config: vocabulary.bpemb.sha256: {%s: %s}",
            relative,
            digest,
            path,
            relative,
            digest,
        )

    def _download(self, relative: str, archive: bool, target: Path) -> None:
        """The file into the cache (unverified: :meth:`verified` checks it, as it checks every use)."""
        url = f"{self.base_url.rstrip('/')}/{relative}{ARCHIVE_SUFFIX if archive else ''}"
        partial = target.with_name(target.name + (ARCHIVE_SUFFIX if archive else "") + ".partial")
        partial.parent.mkdir(parents=True, exist_ok=True)
        local = local_path(url)
        if local is None:
            download(url, partial, where="vocabulary.bpemb.base_url")
        elif local.exists():
            shutil.copyfile(local, partial)
        else:
            raise XlclustError(f"{local}: file not found (config key 'vocabulary.bpemb.base_url')")
        log.info("%s: fetched into %s", url, target.parent)
        if not archive:
            os.replace(partial, target)  # complete: the partial file is the file
            return
        try:
            with atomic_path(target, suffix=target.suffix) as tmp:
                _extract_single_file(partial, target.name, tmp, url)
        finally:  # extracted, or not an archive we can read: either way the archive is done with
            partial.unlink(missing_ok=True)


def _extract_single_file(archive_path: Path, name: str, output: Path, url: str) -> None:
    """Copy the archive's one regular file (named ``name``, in any folder) to ``output``; its own
    path is never used, so no member can write outside the cache."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            members = [member for member in archive.getmembers() if member.isfile()]
            if len(members) != 1 or Path(members[0].name).name != name:
                raise XlclustError(f"{url}: expected an archive of the one file {name}, found {[m.name for m in members]}")
            with archive.extractfile(members[0]) as source, open(output, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise XlclustError(f"{url}: not a readable .tar.gz archive: {error}") from error
