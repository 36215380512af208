"""Streaming pages out of a MediaWiki XML export with flat memory.

Feeds decompressed bytes to an expat pull parser and clears each <page> once read, so memory
holds one page at a time however large the dump. A part cut from the middle of a multistream
dump has no <mediawiki> root of its own; one is supplied around it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from xlclust.errors import DumpError


@dataclass(frozen=True)
class Page:
    id: int
    ns: int
    title: str
    redirect: bool
    text: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _page_from_element(element: ET.Element, where: str) -> Page:
    fields: dict[str, ET.Element] = {}
    for child in element:
        fields.setdefault(_local(child.tag), child)
    title = fields.get("title")
    page_id = fields.get("id")
    ns = fields.get("ns")
    if title is None or page_id is None or ns is None or not (page_id.text or "").strip().isdigit():
        shown = title.text if title is not None else "?"
        raise DumpError(f"{where}: malformed <page> {shown!r}: it needs <title>, <ns> and a numeric <id>")
    text = ""
    revision = fields.get("revision")
    if revision is not None:
        for child in revision:
            if _local(child.tag) == "text":
                text = child.text or ""
    return Page(
        id=int(page_id.text),
        ns=int(ns.text or 0),
        title=title.text or "",
        redirect="redirect" in fields,
        text=text,
    )


def iter_pages(chunks: Iterable[bytes], where: str, *, has_root_start: bool, has_root_end: bool) -> Iterator[Page]:
    """Parse <page> elements from decompressed XML bytes.

    ``has_root_start``/``has_root_end``: whether the bytes contain the <mediawiki> opening and
    closing tags themselves (the first and last part of a dump); otherwise they are supplied.
    ``where`` names the file and byte range in error messages.
    """
    parser = ET.XMLPullParser(events=("start", "end"))
    if not has_root_start:
        parser.feed(b"<mediawiki>")
    root = None
    depth = 0
    last = "the start of the range"

    def events():
        nonlocal root, depth, last
        for event, element in parser.read_events():
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                continue
            depth -= 1
            if depth == 1 and _local(element.tag) == "page":
                page = _page_from_element(element, f"{where} (after {last})")
                last = f"page {page.id} {page.title!r}"
                root.remove(element)
                yield page
            elif depth == 1:
                root.remove(element)  # siteinfo

    try:
        for data in chunks:
            parser.feed(data)
            yield from events()
        if not has_root_end:
            parser.feed(b"</mediawiki>")
        parser.close()
        yield from events()
    except ET.ParseError as error:
        line, column = error.position
        raise DumpError(f"{where}: malformed XML after {last} (line {line}, column {column} of the decompressed text): {error}") from error
