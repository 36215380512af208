"""Writing MediaWiki XML exports as bz2 multistream dumps with their index and sha1sums.

The offline demo world and the tests build their dumps with this, in exactly the layout
Wikimedia publishes, so that they go through the same download and extraction code.
"""

from __future__ import annotations

import bz2
import os
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from xlclust.atomic import atomic_path, write_text_atomic
from xlclust.wiki.download import sha1_of
from xlclust.wiki.xmldump import Page

EXPORT_NS = "http://www.mediawiki.org/xml/export-0.11/"
DEFAULT_NAMESPACES = {-2: "Media", -1: "Special", 0: "", 1: "Talk", 2: "User", 4: "Wikipedia", 6: "File", 10: "Template", 14: "Category"}


def siteinfo_xml(dbname: str, lang: str, namespaces: dict[int, str]) -> str:
    entries = "\n".join(
        f'      <namespace key="{key}" case="first-letter">{escape(name)}</namespace>'
        if name
        else f'      <namespace key="{key}" case="first-letter" />'
        for key, name in sorted(namespaces.items())
    )
    return (
        f'<mediawiki xmlns="{EXPORT_NS}" version="0.11" xml:lang="{lang}">\n'
        f"  <siteinfo>\n    <sitename>Wikipedia</sitename>\n    <dbname>{dbname}</dbname>\n"
        f"    <namespaces>\n{entries}\n    </namespaces>\n  </siteinfo>\n"
    )


def page_xml(page: Page) -> str:
    redirect = f"    <redirect title={quoteattr(page.title)} />\n" if page.redirect else ""
    return (
        f"  <page>\n    <title>{escape(page.title)}</title>\n    <ns>{page.ns}</ns>\n    <id>{page.id}</id>\n"
        f"{redirect}    <revision>\n      <id>{page.id}</id>\n"
        f'      <text bytes="{len(page.text.encode())}" xml:space="preserve">{escape(page.text)}</text>\n'
        f"    </revision>\n  </page>\n"
    )


def write_multistream_dump(
    pages: Iterable[Page],
    dump_path: str | os.PathLike,
    index_path: str | os.PathLike,
    *,
    dbname: str,
    lang: str,
    namespaces: dict[int, str] | None = None,
    pages_per_stream: int = 100,
) -> int:
    """Write ``pages`` as ``*-pages-articles-multistream.xml.bz2`` plus its ``-index.txt.bz2``.

    Like Wikimedia's dumps: the siteinfo header is a stream of its own, then one stream per
    ``pages_per_stream`` pages, then the closing tag. Returns the number of pages.
    """
    namespaces = DEFAULT_NAMESPACES if namespaces is None else namespaces
    count = 0
    with atomic_path(dump_path, suffix=".bz2") as dump_tmp, atomic_path(index_path, suffix=".bz2") as index_tmp:
        with open(dump_tmp, "wb") as dump, bz2.open(index_tmp, "wt", encoding="utf-8") as index:
            dump.write(bz2.compress(siteinfo_xml(dbname, lang, namespaces).encode()))
            batch: list[Page] = []

            def flush():
                offset = dump.tell()
                dump.write(bz2.compress("".join(page_xml(p) for p in batch).encode()))
                index.writelines(f"{offset}:{p.id}:{p.title}\n" for p in batch)
                batch.clear()

            for page in pages:
                batch.append(page)
                count += 1
                if len(batch) == pages_per_stream:
                    flush()
            if batch:
                flush()
            dump.write(bz2.compress(b"</mediawiki>\n"))
    return count


def write_sha1sums(files: Iterable[str | os.PathLike], output: str | os.PathLike) -> None:
    """A ``<sha1>  <file name>`` listing, as each dump directory publishes it."""
    lines = [f"{sha1_of(path)}  {Path(path).name}\n" for path in files]
    write_text_atomic(output, "".join(lines))
