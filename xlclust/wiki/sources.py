"""Where a language's dump comes from: the configured mirror, or a per-language override."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DumpSource:
    """The files of one dump: locations are URLs (http, https, file) or local paths."""

    lang: str
    dump: str
    multistream_index: str | None  # offset:page_id:title lines; None: built from the dump
    sha1: str | None = None
    checksums: str | None = None


def mirror_source(lang: str, date: str, mirror: str) -> DumpSource:
    """The pages-articles-multistream dump, its index and its sha1sums file on a dumps mirror."""
    base = f"{mirror.rstrip('/')}/{lang}wiki/{date}/{lang}wiki-{date}"
    return DumpSource(
        lang=lang,
        dump=f"{base}-pages-articles-multistream.xml.bz2",
        multistream_index=f"{base}-pages-articles-multistream-index.txt.bz2",
        checksums=f"{base}-sha1sums.txt",
    )


def source_for(lang: str, wikipedia_config: dict) -> DumpSource:
    override = wikipedia_config.get("sources", {}).get(lang)
    if override is None:
        return mirror_source(lang, wikipedia_config["dump_date"], wikipedia_config["mirror"])
    return DumpSource(
        lang=lang,
        dump=override["dump"],
        multistream_index=override.get("multistream_index"),
        sha1=override.get("sha1"),
        checksums=override.get("checksums"),
    )
