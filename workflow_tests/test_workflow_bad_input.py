"""Bad input through the workflow: each fails with a message naming the file or config key
and leaves no output behind."""

import bz2
from dataclasses import replace

import pyarrow.parquet as pq
import pytest

from workflow_tests.realdata import real_pages, write_real_dump
from workflow_tests.snakemake_runner import output_of, run_workflow
from xlclust.wiki.multistream import iter_stream_chunks
from xlclust.wiki.writer import write_multistream_dump
from xlclust.wiki.xmldump import Page

pytestmark = pytest.mark.workflow
TARGET = ("results/corpus/en/sentences.parquet",)


def single_language(dump_files, **source):
    return {
        "languages": ["en"],
        "pivot": "en",
        "wikipedia": {
            "dump_date": "20990101",
            "mirror": "https://dumps.wikimedia.org",
            "parts": {"default": 2, "en": 2},
            "sources": {"en": {"dump": str(dump_files["dump"]), "multistream_index": str(dump_files["multistream_index"]), **source}},
        },
    }


def assert_failed_cleanly(result, workdir, message):
    output = output_of(result)
    assert result.returncode != 0, output[-3000:]
    assert message in output, output[-3000:]
    assert not (workdir / TARGET[0]).exists()
    assert not list(workdir.rglob(".tmp-*"))
    for table in workdir.rglob("*.parquet"):  # what finished before the failure is whole
        pq.read_table(table)


def test_truncated_dump(tmp_path):
    files = write_real_dump(tmp_path / "d", "en", n_articles=20)
    files["dump"].write_bytes(files["dump"].read_bytes()[:-500])
    result = run_workflow(tmp_path / "w", single_language(files), TARGET)
    assert_failed_cleanly(result, tmp_path / "w", "truncated bz2 stream")
    assert "pages-articles-multistream.xml.bz2" in output_of(result)


def test_corrupt_dump(tmp_path):
    files = write_real_dump(tmp_path / "d", "en", n_articles=20)
    data = bytearray(files["dump"].read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = bytes(64)
    files["dump"].write_bytes(bytes(data))
    result = run_workflow(tmp_path / "w", single_language(files), TARGET)
    assert_failed_cleanly(result, tmp_path / "w", "resources/wikipedia/en/pages-articles-multistream.xml.bz2: corrupt bz2 data")


def test_checksum_mismatch(tmp_path):
    files = write_real_dump(tmp_path / "d", "en", n_articles=5)
    result = run_workflow(tmp_path / "w", single_language(files, sha1="0" * 40), TARGET)
    assert_failed_cleanly(result, tmp_path / "w", "sha1 mismatch: expected 0000000000000000000000000000000000000000")
    assert not (tmp_path / "w" / "resources/wikipedia/en/pages-articles-multistream.xml.bz2").exists()


def malformed_dump(directory):
    """A multistream dump with a valid index in which one page's <text> is never closed."""
    pages = real_pages("en", 10)
    pages[5] = replace(pages[5], text="BROKEN " + pages[5].text)
    dump, index = directory / "en.xml.bz2", directory / "en-index.txt.bz2"
    write_multistream_dump(pages, dump, index, dbname="enwiki", lang="en", pages_per_stream=3)
    streams: dict[int, bytes] = {}
    for offset, data in iter_stream_chunks(dump):
        streams[offset] = streams.get(offset, b"") + data
    rebuilt, moved = b"", {}
    for offset, xml in streams.items():
        moved[offset] = len(rebuilt)
        if b"BROKEN " in xml:
            broken_at = xml.index(b"BROKEN ")
            xml = xml[:broken_at] + xml[broken_at:].replace(b"</text>", b"", 1)
        rebuilt += bz2.compress(xml)
    dump.write_bytes(rebuilt)
    lines = bz2.decompress(index.read_bytes()).decode().splitlines()
    fixed = [f"{moved[int(offset)]}:{rest}" for offset, rest in (line.split(":", 1) for line in lines)]
    index.write_bytes(bz2.compress(("\n".join(fixed) + "\n").encode()))
    return {"dump": dump, "multistream_index": index}


def test_malformed_page(tmp_path):
    files = malformed_dump(tmp_path / "d")
    result = run_workflow(tmp_path / "w", single_language(files), TARGET)
    assert_failed_cleanly(result, tmp_path / "w", "malformed XML after page")
    assert "resources/wikipedia/en/pages-articles-multistream.xml.bz2 (bytes" in output_of(result)


def test_malformed_page_found_while_indexing(tmp_path):
    files = malformed_dump(tmp_path / "d")
    config = single_language(files)
    del config["wikipedia"]["sources"]["en"]["multistream_index"]
    result = run_workflow(tmp_path / "w", config, TARGET)
    assert_failed_cleanly(result, tmp_path / "w", "pages-articles-multistream.xml.bz2: malformed XML while indexing")


def test_language_with_no_articles(tmp_path):
    dump, index = tmp_path / "d" / "en.xml.bz2", tmp_path / "d" / "en-index.txt.bz2"
    redirects = [Page(id=i, ns=0, title=f"R{i}", redirect=True, text="#REDIRECT [[X]]") for i in range(1, 9)]
    write_multistream_dump(redirects, dump, index, dbname="enwiki", lang="en", pages_per_stream=2)
    result = run_workflow(tmp_path / "w", single_language({"dump": dump, "multistream_index": index}), TARGET)
    assert_failed_cleanly(result, tmp_path / "w", "language 'en' (2 extracted parts): no article text: 8 pages, of which 0 articles")


def test_unknown_language_code(tmp_path):
    config = {"languages": ["en", "zz"], "pivot": "en"}
    result = run_workflow(tmp_path / "w", config, ("all",), "-n")
    assert result.returncode != 0
    assert "config key 'languages[1]': unknown language code 'zz'" in output_of(result)


def test_invalid_config_value(tmp_path):
    result = run_workflow(tmp_path / "w", {"sampling": {"alpha": 3}}, ("all",), "-n")
    assert result.returncode != 0
    assert "config key 'sampling.alpha': 3 is greater than the maximum of 1" in output_of(result)
