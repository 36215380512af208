"""bz2 multistream dumps: stream-by-stream decompression of byte ranges, the index, part plans.

A ``pages-articles-multistream`` dump is a concatenation of bz2 streams of about 100 pages each;
its index lists ``offset:page_id:title`` per page, the offset being the page's stream start.
Cutting the file at stream starts gives parts that decompress independently.
"""

from __future__ import annotations

import bisect
import bz2
import os
import re
from collections.abc import Iterator
from pathlib import Path

from xlclust.errors import DumpError

CHUNK = 1 << 20


def iter_stream_chunks(path: str | os.PathLike, start: int = 0, end: int | None = None) -> Iterator[tuple[int, bytes]]:
    """Decompress the bz2 streams in bytes [start, end) of ``path``.

    Yields ``(stream_offset, data)``: decompressed bytes and the compressed offset of the stream
    they belong to. ``start`` must be a stream start. Raises DumpError naming the file and
    offset for corrupt data, and for a range that ends inside a stream (a truncated file).
    """
    path = Path(path)
    size = path.stat().st_size
    end = size if end is None else end
    if end > size:
        raise DumpError(f"{path}: truncated: expected at least {end} bytes, the file has {size}")
    with open(path, "rb") as handle:
        handle.seek(start)
        position = start  # absolute offset of the next byte to read
        stream_offset = start
        decompressor = bz2.BZ2Decompressor()
        fed = False
        while position < end:
            block = handle.read(min(CHUNK, end - position))
            if not block:
                raise DumpError(f"{path}: truncated at byte {position}")
            data_start, data = position, block
            position += len(block)
            while data:
                fed = True
                try:
                    out = decompressor.decompress(data)
                except (OSError, EOFError, ValueError) as error:
                    raise DumpError(f"{path}: corrupt bz2 data in the stream starting at byte {stream_offset}: {error}") from error
                if out:
                    yield stream_offset, out
                if not decompressor.eof:
                    break
                unused = decompressor.unused_data
                stream_offset = data_start + len(data) - len(unused)
                data_start, data = stream_offset, unused
                decompressor = bz2.BZ2Decompressor()
                fed = False
        if fed and not decompressor.eof:
            where = "the end of the file" if end == size else f"byte {end}"
            raise DumpError(f"{path}: truncated bz2 stream: the stream starting at byte {stream_offset} does not end before {where}")


def iter_chunks(path: str | os.PathLike, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    """The decompressed bytes of [start, end), without the stream offsets."""
    for _, data in iter_stream_chunks(path, start, end):
        yield data


def is_bz2(path: str | os.PathLike) -> bool:
    with open(path, "rb") as handle:
        return handle.read(3) == b"BZh"


def require_bz2(path: str | os.PathLike) -> None:
    if not is_bz2(path):
        raise DumpError(f"{path}: not a bz2 file; dumps are read as the bz2 files Wikimedia publishes")


INDEX_LINE = re.compile(r"^(\d+):(\d+):(.*)$")


def open_text(path: str | os.PathLike):
    path = Path(path)
    if is_bz2(path):
        return bz2.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def read_stream_offsets(index_path: str | os.PathLike) -> list[int]:
    """The sorted distinct stream offsets of a multistream index (``offset:page_id:title``)."""
    offsets: list[int] = []
    try:
        with open_text(index_path) as lines:
            for line_number, line in enumerate(lines, 1):
                match = INDEX_LINE.match(line)
                if match is None:
                    if line.strip():
                        raise DumpError(f"{index_path}:{line_number}: not an 'offset:page_id:title' line: {line[:80]!r}")
                    continue
                offset = int(match.group(1))
                if not offsets or offset != offsets[-1]:
                    offsets.append(offset)
    except (OSError, EOFError) as error:
        raise DumpError(f"{index_path}: cannot read the multistream index: {error}") from error
    return sorted(set(offsets))


def plan_parts(offsets: list[int], file_size: int, n_parts: int) -> list[tuple[int, int]]:
    """Cut [0, file_size) at stream offsets into ``n_parts`` byte ranges of about equal size.

    Part 0 starts at byte 0 (the siteinfo header); parts may be empty when the dump has fewer
    streams than parts. The ranges are contiguous and cover the file.
    """
    if n_parts < 1:
        raise ValueError("n_parts must be at least 1")
    cut_points = [o for o in offsets if 0 < o < file_size]
    bounds = [0]
    for k in range(1, n_parts):
        target = k * file_size / n_parts
        i = bisect.bisect_right(cut_points, target)
        candidates = cut_points[max(i - 1, 0) : i + 1]
        best = min(candidates, key=lambda o: abs(o - target)) if candidates else 0
        bounds.append(max(best, bounds[-1]))
    bounds.append(file_size)
    return [(bounds[k], bounds[k + 1]) for k in range(n_parts)]


NAMESPACE = re.compile(rb'<namespace key="(-?\d+)"[^>]*?(?:/>|>([^<]*)</namespace>)')


def read_namespaces(path: str | os.PathLike, limit: int = 1 << 24) -> dict[int, str]:
    """Namespace numbers and local names from the dump's <siteinfo> header."""
    head = b""
    for data in iter_chunks(path):
        head += data
        if b"</siteinfo>" in head or len(head) > limit:
            break
    if b"</siteinfo>" not in head:
        raise DumpError(f"{path}: no <siteinfo> header in the first {len(head)} bytes; not a MediaWiki XML export")
    return {int(k): (name or b"").decode("utf-8") for k, name in NAMESPACE.findall(head)}


def build_index(dump_path: str | os.PathLike, index_path: str | os.PathLike) -> int:
    """Write a multistream index for a dump that came without one; return the page count.

    Pages are attributed to the last stream start at which the XML stood between pages, so a
    plain single-stream dump gets one offset (0) and a dump compressed by a parallel bzip2, whose
    streams can cut through pages, is only ever split where that is safe.
    """
    import xml.etree.ElementTree as ET

    from xlclust.atomic import atomic_path

    parser = ET.XMLPullParser(events=("start", "end"))
    depth = 0
    clean_offset = 0
    current_stream = 0
    page_offset = 0
    tail = b""
    pages = 0
    root = None
    with atomic_path(index_path, suffix=".bz2") as tmp, bz2.open(tmp, "wt", encoding="utf-8") as out:

        def drain():
            nonlocal depth, page_offset, pages, root
            for event, element in parser.read_events():
                name = element.tag.rsplit("}", 1)[-1]
                if event == "start":
                    depth += 1
                    root = element if root is None else root
                    if depth == 2 and name == "page":
                        page_offset = clean_offset
                    continue
                depth -= 1
                if depth == 1:
                    if name == "page":
                        fields = {child.tag.rsplit("}", 1)[-1]: child.text for child in element}
                        out.write(f"{page_offset}:{fields.get('id')}:{fields.get('title') or ''}\n")
                        pages += 1
                    root.remove(element)

        try:
            for stream_offset, data in iter_stream_chunks(dump_path):
                if stream_offset != current_stream:
                    if depth == 1 and tail.rstrip().endswith(b">"):
                        clean_offset = stream_offset
                    current_stream = stream_offset
                parser.feed(data)
                drain()
                tail = data[-64:]
            parser.close()
            drain()
        except ET.ParseError as error:
            raise DumpError(f"{dump_path}: malformed XML while indexing: {error}") from error
    return pages
