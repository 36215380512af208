import hashlib

import pytest

from workflow_tests.httpmirror import self_signed_certificate, serve
from workflow_tests.realdata import REPO
from xlclust.download import plain_http, require_secure
from xlclust.errors import DownloadError
from xlclust.locations import local_path
from xlclust.wiki.download import expected_sha1, fetch, parse_sha1sums, sha1_of
from xlclust.wiki.sources import DumpSource, mirror_source, source_for

PAYLOAD = bytes(range(256)) * 20000  # 5 MB, several download chunks
SHA1 = hashlib.sha1(PAYLOAD).hexdigest()


@pytest.fixture
def no_backoff(monkeypatch):
    monkeypatch.setattr("xlclust.download.BACKOFF_SECONDS", 0)


@pytest.fixture
def mirror_dir(tmp_path):
    directory = tmp_path / "mirror"
    directory.mkdir()
    (directory / "dump.xml.bz2").write_bytes(PAYLOAD)
    return directory


def test_mirror_layout():
    source = mirror_source("sw", "20240301", "https://dumps.wikimedia.org/")
    assert source.dump == "https://dumps.wikimedia.org/swwiki/20240301/swwiki-20240301-pages-articles-multistream.xml.bz2"
    assert source.multistream_index.endswith("/swwiki/20240301/swwiki-20240301-pages-articles-multistream-index.txt.bz2")
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


def test_local_fetch_verifies_and_copies(tmp_path, mirror_dir):
    out = tmp_path / "out" / "dump.xml.bz2"
    assert fetch(f"file://{mirror_dir}/dump.xml.bz2", out, SHA1) == SHA1
    assert out.read_bytes() == PAYLOAD


def test_a_local_dump_is_copied_so_editing_the_original_leaves_the_verified_copy(tmp_path, mirror_dir):
    source = mirror_dir / "dump.xml.bz2"
    out = tmp_path / "out" / "dump.xml.bz2"
    fetch(str(source), out, SHA1)
    with open(source, "r+b") as handle:  # edited in place after verification
        handle.write(b"tampered")
    assert out.stat().st_ino != source.stat().st_ino and out.stat().st_nlink == 1
    assert sha1_of(out) == SHA1


def test_local_checksum_mismatch_leaves_the_source_and_writes_nothing(tmp_path, mirror_dir):
    out = tmp_path / "out" / "dump.xml.bz2"
    with pytest.raises(
        DownloadError, match=r"dump.xml.bz2: sha1 mismatch: expected 0000.*the configured file is left as it is and nothing was copied"
    ):
        fetch(str(mirror_dir / "dump.xml.bz2"), out, "0" * 40)
    assert list(out.parent.iterdir()) == [] and sha1_of(mirror_dir / "dump.xml.bz2") == SHA1


def test_the_download_rule_does_not_retry_what_the_client_retries():
    """Retrying the job would repeat a checksum mismatch; transient failures are retried inside fetch."""
    assert "retries:" not in (REPO / "rules" / "corpus.smk").read_text()


def test_missing_local_file_is_named(tmp_path):
    with pytest.raises(DownloadError, match="nothere.bz2: file not found"):
        fetch(str(tmp_path / "nothere.bz2"), tmp_path / "out.bz2", None)


def test_a_broken_connection_is_resumed_within_the_same_fetch(tmp_path, mirror_dir, no_backoff):
    out = tmp_path / "dump.xml.bz2"
    with serve(mirror_dir) as server:
        server.fail_after["/dump.xml.bz2"] = 1_500_000
        assert fetch(f"{server.url}/dump.xml.bz2", out, SHA1) == SHA1
        (first, _), (again, resumed_from) = server.requests
    assert again == first and 0 < int(resumed_from.split("=")[1].rstrip("-")) <= 1_500_000
    assert out.read_bytes() == PAYLOAD and not (tmp_path / "dump.xml.bz2.partial").exists()


def test_a_killed_download_is_resumed_by_the_next_job(tmp_path, mirror_dir, monkeypatch, no_backoff):
    out = tmp_path / "dump.xml.bz2"
    with serve(mirror_dir) as server:
        url = f"{server.url}/dump.xml.bz2"
        server.fail_after["/dump.xml.bz2"] = 1_500_000
        monkeypatch.setattr("xlclust.download.ATTEMPTS", 1)
        with pytest.raises(DownloadError, match="partial download kept"):
            fetch(url, out, SHA1)
        partial = tmp_path / "dump.xml.bz2.partial"
        assert not out.exists() and 0 < partial.stat().st_size < len(PAYLOAD)
        kept = partial.stat().st_size
        assert fetch(url, out, SHA1) == SHA1
        assert server.requests[-1] == ("/dump.xml.bz2", f"bytes={kept}-")
    assert out.read_bytes() == PAYLOAD and not partial.exists()


def test_a_busy_server_is_retried_and_a_missing_file_is_not(tmp_path, mirror_dir, no_backoff):
    with serve(mirror_dir) as server:
        server.answer_once["/dump.xml.bz2"] = 503
        assert fetch(f"{server.url}/dump.xml.bz2", tmp_path / "x.bz2", SHA1) == SHA1
        assert len(server.requests) == 2
        with pytest.raises(DownloadError, match="missing.bz2: HTTP 404"):
            fetch(f"{server.url}/missing.bz2", tmp_path / "y.bz2", None)
        assert len(server.requests) == 3


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
        with pytest.raises(DownloadError, match="sha1 mismatch.*the download was deleted"):
            fetch(source.dump, out, expected_sha1(source, source.dump))
    assert list(tmp_path.glob("dump.xml.bz2*")) == []


def test_tls_certificates_are_verified(tmp_path, mirror_dir, monkeypatch):
    """A server whose certificate no trusted CA signed is refused at once (no retry); trusted through
    REQUESTS_CA_BUNDLE, as a cluster with its own CA does, the same server is used."""
    tls = self_signed_certificate(tmp_path)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with serve(mirror_dir, tls=tls) as server:
        assert server.url.startswith("https://")
        with pytest.raises(DownloadError, match="TLS verification failed"):
            fetch(f"{server.url}/dump.xml.bz2", tmp_path / "untrusted.bz2", SHA1)
        assert server.requests == [] and not (tmp_path / "untrusted.bz2.partial").exists()
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", tls[0])
        assert fetch(f"{server.url}/dump.xml.bz2", tmp_path / "trusted.bz2", SHA1) == SHA1


def test_plain_http_is_refused_except_on_loopback():
    with pytest.raises(DownloadError, match=r"wikipedia.mirror: http://dumps.example.org/x.bz2: plain http:// is refused"):
        require_secure("http://dumps.example.org/x.bz2", "wikipedia.mirror")
    for url in ("https://dumps.example.org/x.bz2", "http://127.0.0.1:8000/x", "http://localhost/x", "http://[::1]/x"):
        require_secure(url, "k")
    assert plain_http("http://10.0.0.1/x") and not plain_http("file:///x")
