import bz2

import pytest

from xlclust.errors import DumpError
from xlclust.wiki.multistream import (
    build_index,
    iter_chunks,
    iter_stream_chunks,
    plan_parts,
    read_namespaces,
    read_stream_offsets,
)
from xlclust.wiki.writer import write_multistream_dump
from xlclust.wiki.xmldump import Page, iter_pages


def pages(n, text="Some text."):
    return [Page(id=i + 1, ns=0, title=f"Page {i}", redirect=False, text=f"{text} {i}") for i in range(n)]


@pytest.fixture
def dump(tmp_path):
    path, index = tmp_path / "x.xml.bz2", tmp_path / "x-index.txt.bz2"
    write_multistream_dump(pages(25), path, index, dbname="xxwiki", lang="xx", pages_per_stream=4)
    return path, index


def test_index_offsets_are_stream_starts(dump):
    path, index = dump
    offsets = read_stream_offsets(index)
    assert len(offsets) == 7  # 25 pages, 4 a stream
    starts = sorted({offset for offset, _ in iter_stream_chunks(path)})
    assert starts[1:-1] == offsets  # header stream first, closing tag stream last


def test_plan_parts_covers_the_file_at_stream_offsets():
    offsets = [100, 250, 400, 900, 1000]
    for n in range(1, 9):
        parts = plan_parts(offsets, 1200, n)
        assert len(parts) == n
        assert parts[0][0] == 0 and parts[-1][1] == 1200
        assert all(a[1] == b[0] for a, b in zip(parts, parts[1:]))
        assert all(start in [0, *offsets] for start, _ in parts)
    assert plan_parts(offsets, 1200, 2) == [(0, 400), (400, 1200)]
    assert plan_parts([], 500, 3) == [(0, 0), (0, 0), (0, 500)]


def test_parts_together_give_every_page_once(dump):
    path, index = dump
    size = path.stat().st_size
    for n in (1, 2, 3, 5, 11):
        seen = []
        for start, end in plan_parts(read_stream_offsets(index), size, n):
            if start == end:
                continue
            chunks = iter_chunks(path, start, end)
            seen += [p.id for p in iter_pages(chunks, "x", has_root_start=start == 0, has_root_end=end == size)]
        assert seen == list(range(1, 26)), n


def test_truncated_bz2_names_the_file(tmp_path, dump):
    path, _ = dump
    truncated = tmp_path / "truncated.xml.bz2"
    truncated.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(DumpError, match=r"truncated.xml.bz2: truncated bz2 stream"):
        list(iter_stream_chunks(truncated))


def test_corrupt_bz2_names_the_file_and_offset(tmp_path, dump):
    path, index = dump
    data = bytearray(path.read_bytes())
    offset = read_stream_offsets(index)[2]
    data[offset + 40 : offset + 60] = b"\x00" * 20
    corrupt = tmp_path / "corrupt.xml.bz2"
    corrupt.write_bytes(bytes(data))
    with pytest.raises(DumpError, match=rf"corrupt.xml.bz2: corrupt bz2 data in the stream starting at byte {offset}"):
        list(iter_stream_chunks(corrupt))


def test_namespaces_come_from_siteinfo(dump):
    names = read_namespaces(dump[0])
    assert names[6] == "File" and names[14] == "Category" and names[0] == ""


def test_build_index_for_a_single_stream_dump(tmp_path, dump):
    path, _ = dump
    single = tmp_path / "single.xml.bz2"
    single.write_bytes(bz2.compress(b"".join(iter_chunks(path))))
    index = tmp_path / "single-index.txt.bz2"
    assert build_index(single, index) == 25
    assert read_stream_offsets(index) == [0]
    lines = bz2.open(index, "rt").read().splitlines()
    assert lines[0] == "0:1:Page 0" and len(lines) == 25


def test_build_index_splits_only_between_pages(tmp_path, dump):
    """A parallel bzip2 cuts streams at arbitrary bytes; only cuts between pages may be used."""
    path, _ = dump
    xml = b"".join(iter_chunks(path))
    chunk = 97  # cuts through pages, tags and text
    cut = tmp_path / "pbzip.xml.bz2"
    cut.write_bytes(b"".join(bz2.compress(xml[i : i + chunk]) for i in range(0, len(xml), chunk)))
    index = tmp_path / "pbzip-index.txt.bz2"
    assert build_index(cut, index) == 25
    offsets = read_stream_offsets(index)
    size = cut.stat().st_size
    for n in (2, 4, 7):
        seen = []
        for start, end in plan_parts(offsets, size, n):
            if start < end:
                seen += [p.id for p in iter_pages(iter_chunks(cut, start, end), "x", has_root_start=start == 0, has_root_end=end == size)]
        assert seen == list(range(1, 26))
