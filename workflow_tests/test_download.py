import hashlib

import pytest

from xlclust.errors import DownloadError
from xlclust.wiki.download import expected_sha1, fetch, parse_sha1sums, sha1_of
from xlclust.wiki.sources import DumpSource, local_path, mirror_source, source_for
from workflow_tests.httpmirror import serve

PAYLOAD = bytes(range(256)) * 20000  # 5 MB, several download chunks
SHA1 = hashlib.sha1(PAYLOAD).hexdigest()


@pytest.fixture
def mirror_dir(tmp_path):
    directory = tmp_path / "mirror"
    directory.mkdir()
    (directory / "dump.xml.bz2").write_bytes(PAYLOAD)
    return directory


def test_mirror_layout():
    source = mirror_source("sw", "20240301", "https://dumps.wikimedia.org/")
    assert source.dump == "https://dumps.wikimedia.org/swwiki/20240301/swwiki-20240301-pages-articles-multistream.xml.bz2"
    assert source.index.endswith("/swwiki/20240301/swwiki-20240301-pages-articles-multistream-index.txt.bz2")
    assert source.checksums.endswith("/swwiki/20240301/swwiki-20240301-sha1sums.txt")
    override = source_for("sw", {"dump_date": "x", "mirror": "y", "sources": {"sw": {"dump": "/d.bz2", "sha1": "a" * 40}}})
    assert override == DumpSource("sw", "/d.bz2", None, "a" * 40, None)


def test_local_paths_and_file_urls(tmp_path):
    assert local_path("/data/x.bz2") == tmp_path.__class__("/data/x.bz2")
    assert str(local_path("file:///data/my%20dump.bz2")) == "/data/my dump.bz2"
    assert local_path("https://host/x.bz2") is None
    with pytest.raises(ValueError, match="needs an absolute path"):
        local_path("file://relative/x.bz2")


def test_sha1sums_parsing():
    text = f"{'a' * 40}  swwiki-1-pages-articles.xml.bz2\n{'b' * 40}  swwiki-1-pages-articles-multistream.xml.bz2\n"
    assert parse_sha1sums(text, "swwiki-1-pages-articles-multistream.xml.bz2", "sums") == "b" * 40
    with pytest.raises(DownloadError, match="sums: no checksum listed for other.bz2"):
        parse_sha1sums(text, "other.bz2", "sums")
    with pytest.raises(DownloadError, match=r"sums:2: not a '<sha1>  <file name>' line"):
        parse_sha1sums("a  b\nbroken\n", "c", "sums")


def test_local_fetch_verifies_and_links(tmp_path, mirror_dir):
    out = tmp_path / "out" / "dump.xml.bz2"
    assert fetch(f"file://{mirror_dir}/dump.xml.bz2", out, SHA1) == SHA1
    assert out.read_bytes() == PAYLOAD


def test_a_linked_local_dump_keeps_its_owners_mode(tmp_path, mirror_dir):
    source = mirror_dir / "dump.xml.bz2"
    source.chmod(0o444)
    out = tmp_path / "out" / "dump.xml.bz2"
    fetch(str(source), out, SHA1)
    assert source.stat().st_mode & 0o777 == 0o444 and out.read_bytes() == PAYLOAD


def test_local_checksum_mismatch_leaves_nothing(tmp_path, mirror_dir):
    out = tmp_path / "out" / "dump.xml.bz2"
    with pytest.raises(DownloadError, match=r"dump.xml.bz2: sha1 mismatch: expected 0000.*the file was removed"):
        fetch(str(mirror_dir / "dump.xml.bz2"), out, "0" * 40)
    assert list(out.parent.iterdir()) == []


def test_missing_local_file_is_named(tmp_path):
    with pytest.raises(DownloadError, match="nothere.bz2: file not found"):
        fetch(str(tmp_path / "nothere.bz2"), tmp_path / "out.bz2", None)


def test_http_download_resumes_after_a_broken_connection(tmp_path, mirror_dir):
    out = tmp_path / "dump.xml.bz2"
    with serve(mirror_dir) as server:
        url = f"{server.url}/dump.xml.bz2"
        server.fail_after["/dump.xml.bz2"] = 1_500_000
        with pytest.raises(DownloadError, match="partial download kept"):
            fetch(url, out, SHA1)
        partial = tmp_path / "dump.xml.bz2.partial"
        assert not out.exists() and 0 < partial.stat().st_size < len(PAYLOAD)
        kept = partial.stat().st_size
        assert fetch(url, out, SHA1) == SHA1
        assert server.requests[-1] == ("/dump.xml.bz2", f"bytes={kept}-")
    assert out.read_bytes() == PAYLOAD and not partial.exists()


def test_http_restarts_when_the_server_ignores_ranges(tmp_path, mirror_dir):
    out = tmp_path / "dump.xml.bz2"
    (tmp_path / "dump.xml.bz2.partial").write_bytes(b"stale bytes")
    with serve(mirror_dir, ranges=False) as server:
        fetch(f"{server.url}/dump.xml.bz2", out, SHA1)
    assert sha1_of(out) == SHA1


def test_http_checksum_mismatch_removes_the_download(tmp_path, mirror_dir):
    (mirror_dir / "sums.txt").write_text(f"{'1' * 40}  dump.xml.bz2\n")
    out = tmp_path / "dump.xml.bz2"
    with serve(mirror_dir) as server:
        source = DumpSource("xx", f"{server.url}/dump.xml.bz2", None, checksums=f"{server.url}/sums.txt")
        with pytest.raises(DownloadError, match="sha1 mismatch"):
            fetch(source.dump, out, expected_sha1(source, source.dump))
    assert list(tmp_path.glob("dump.xml.bz2*")) == []


def test_http_error_is_reported(tmp_path, mirror_dir):
    with serve(mirror_dir) as server:
        with pytest.raises(DownloadError, match="missing.bz2: HTTP 404"):
            fetch(f"{server.url}/missing.bz2", tmp_path / "x.bz2", None)
