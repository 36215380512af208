"""BPEmb files through the project's verified client: the real Dutch files, served by a local mirror
laid out like bpemb.h-its.org (models plain, vectors as .tar.gz)."""

import io
import shutil
import tarfile

import pytest

from workflow_tests.httpmirror import serve
from workflow_tests.realdata import shared_data
from xlclust.download import file_digest
from xlclust.errors import XlclustError
from xlclust.vocabulary.bpemb_source import load_bpemb
from xlclust.vocabulary.bpemb_store import SUMS, BPEmbStore, model_file, vectors_file

MODEL, VECTORS = model_file("nl", 1000), vectors_file("nl", 1000, 25)
REAL = shared_data() / "bpemb"


def sha256(relative):
    return file_digest(REAL / relative, "sha256")


PINS = {MODEL: sha256(MODEL), VECTORS: sha256(VECTORS)}


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """BPEmb's host layout: nl/nl.wiki.bpe.vs1000.model and nl/nl.wiki.bpe.vs1000.d25.w2v.bin.tar.gz
    (the archive holds the file in a folder, as BPEmb's do)."""
    monkeypatch.setattr("xlclust.download.BACKOFF_SECONDS", 0)
    root = tmp_path / "host"
    (root / "nl").mkdir(parents=True)
    shutil.copyfile(REAL / MODEL, root / MODEL)
    with tarfile.open(root / (VECTORS + ".tar.gz"), "w:gz") as archive:
        archive.add(REAL / VECTORS, arcname=f"data/{VECTORS.split('/')[1]}")
    with serve(root) as server:
        yield server


def test_download_through_the_verified_client_into_bpembs_cache_layout(tmp_path, mirror):
    cache = tmp_path / "cache"
    space = load_bpemb("nl", vs=1000, dim=25, store=BPEmbStore(mirror.url + "/", cache, PINS))
    assert len(space.pieces) == 1000 and space.vectors.shape == (1000, 25)
    for relative in (MODEL, VECTORS):
        assert file_digest(cache / relative, "sha256") == PINS[relative]
    assert sorted(path for path, _ in mirror.requests) == sorted([f"/{MODEL}", f"/{VECTORS}.tar.gz"])
    assert not list(cache.rglob("*.partial")) and not list(cache.rglob(".tmp-*"))
    load_bpemb("nl", vs=1000, dim=25, store=BPEmbStore(mirror.url, cache, PINS))
    assert len(mirror.requests) == 2  # cached files are verified, not fetched again


def test_a_local_copy_of_the_host_serves_as_base_url(tmp_path, mirror):
    """base_url: file:// (a mirror on a shared filesystem) goes through the same checks."""
    host = f"file://{tmp_path / 'host'}"
    space = load_bpemb("nl", vs=1000, dim=25, store=BPEmbStore(host, tmp_path / "cache", PINS))
    assert space.vectors.shape == (1000, 25) and mirror.requests == []
    with pytest.raises(XlclustError, match=r"nl.wiki.bpe.vs50.model: file not found \(config key 'vocabulary.bpemb.base_url'\)"):
        BPEmbStore(host, tmp_path / "cache", record_sha256=True).verified(model_file("nl", 50))


def test_a_broken_download_resumes_with_a_range_request(tmp_path, mirror):
    mirror.fail_after[f"/{VECTORS}.tar.gz"] = 80_000
    load_bpemb("nl", vs=1000, dim=25, store=BPEmbStore(mirror.url, tmp_path, PINS))
    assert (f"/{VECTORS}.tar.gz", None) in mirror.requests
    assert any(path == f"/{VECTORS}.tar.gz" and ranged for path, ranged in mirror.requests)


def test_a_download_that_does_not_match_its_pin_is_refused_and_deleted(tmp_path, mirror):
    cache = tmp_path / "cache"
    store = BPEmbStore(mirror.url, cache, {MODEL: "f" * 64})
    with pytest.raises(
        XlclustError, match=rf"{MODEL}: SHA-256 {PINS[MODEL]} is not the f{{64}} pinned .*config key 'vocabulary.bpemb.sha256'.*deleted"
    ):
        store.verified(MODEL)
    assert [p for p in cache.rglob("*") if p.is_file()] == []


def test_a_changed_cached_file_is_refused(tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(REAL, cache)
    with open(cache / MODEL, "r+b") as handle:
        handle.seek(100)
        handle.write(b"\0")
    with pytest.raises(XlclustError, match=r"is not the .* pinned .*the file is not used. Delete it to download it again"):
        BPEmbStore("http://127.0.0.1:9/", cache, PINS).verified(MODEL)


def test_an_unpinned_file_is_refused_before_any_request_unless_the_user_opts_in_to_recording(tmp_path, mirror):
    cache = tmp_path / "cache"
    with pytest.raises(
        XlclustError, match=r"no SHA-256 pinned for 'nl/nl.wiki.bpe.vs1000.model' under config key 'vocabulary.bpemb.sha256'.*record_sha256"
    ):
        BPEmbStore(mirror.url, cache).verified(MODEL)
    assert mirror.requests == []
    BPEmbStore(mirror.url, cache, record_sha256=True).verified(MODEL)
    assert (cache / "nl" / SUMS).read_text() == f"{PINS[MODEL]}  {MODEL}\n"
    # recorded sums are enforced from then on, with or without the opt-in
    (cache / MODEL).write_bytes(b"another model")
    for record in (False, True):
        with pytest.raises(XlclustError, match=rf"recorded in {cache / 'nl' / SUMS}"):
            BPEmbStore(mirror.url, cache, record_sha256=record).verified(MODEL)


@pytest.mark.parametrize("names", [["../../escape.w2v.bin"], ["a/nl.wiki.bpe.vs1000.d25.w2v.bin", "b/other.bin"]])
def test_an_archive_is_only_ever_read_for_its_one_expected_file(tmp_path, names):
    root = tmp_path / "host"
    (root / "nl").mkdir(parents=True)
    with tarfile.open(root / (VECTORS + ".tar.gz"), "w:gz") as archive:
        for name in names:
            info = tarfile.TarInfo(name)
            info.size = 3
            archive.addfile(info, io.BytesIO(b"abc"))
    with serve(root) as server:
        with pytest.raises(XlclustError, match=r"expected an archive of the one file nl.wiki.bpe.vs1000.d25.w2v.bin"):
            BPEmbStore(server.url, tmp_path / "cache", PINS).verified(VECTORS, archive=True)
    assert not (tmp_path / "escape.w2v.bin").exists() and not list((tmp_path / "cache").rglob("*.bin*"))
