"""What the dry run refuses that a job would fail on hours later: MIRACL lengths beyond a backbone's
positions and reduction dimensions beyond its hidden size (its config.json read as JSON, from a local
directory or the Hub cache), plain http:// anywhere in the config; remote dictionaries pinned by
SHA-256 and zip members' declared sizes checked before extraction."""

import hashlib
import json
import logging
import zipfile

import pytest

from workflow_tests.paper_config import PAPER, validated
from xlclust.errors import ConfigError, XlclustError

MBERT = PAPER["models"]["mbert"]


def cached_model(cache, hub: str, revision: str, positions: int, hidden: int, tokenizer_limit: int | None = None):
    """A model's files as the Hub cache holds them (models--org--name/snapshots/<commit>)."""
    snapshot = cache / f"models--{hub.replace('/', '--')}" / "snapshots" / revision
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text(json.dumps({"max_position_embeddings": positions, "hidden_size": hidden}))
    if tokenizer_limit is not None:
        (snapshot / "tokenizer_config.json").write_text(json.dumps({"model_max_length": tokenizer_limit}))
    return snapshot


def test_a_passage_length_beyond_a_cached_backbones_positions_fails_the_dry_run(tmp_path):
    cached_model(tmp_path, MBERT["hub"], MBERT["revision"], positions=512, hidden=768)
    with pytest.raises(
        ConfigError, match=r"'grouping\.evaluation\.miracl\.retrieval\.passage_length': 600 subwords, but the backbone 'mbert'"
    ):
        validated(model_cache_dir=str(tmp_path), grouping__evaluation__miracl__retrieval__passage_length=600)
    assert validated(model_cache_dir=str(tmp_path), grouping__evaluation__miracl__retrieval__passage_length=512)


def test_the_tokenizers_lower_limit_counts_and_the_reranking_length_is_checked_too(tmp_path):
    cached_model(tmp_path, MBERT["hub"], MBERT["revision"], positions=514, hidden=768, tokenizer_limit=512)
    with pytest.raises(ConfigError, match=r"'grouping\.evaluation\.miracl\.reranking\.max_length': 514 subwords.*at most 512"):
        validated(model_cache_dir=str(tmp_path), grouping__evaluation__miracl__reranking__max_length=514)


def test_the_fine_tuning_length_of_masakhaner_and_xnli_is_checked(tmp_path):
    cached_model(tmp_path, MBERT["hub"], MBERT["revision"], positions=512, hidden=768)
    with pytest.raises(ConfigError, match=r"'grouping\.evaluation\.max_length': 1024 subwords"):
        validated(model_cache_dir=str(tmp_path), grouping__evaluation__max_length=1024)


def test_lengths_are_not_checked_where_the_task_is_not_run(tmp_path):
    cached_model(tmp_path, MBERT["hub"], MBERT["revision"], positions=512, hidden=768)
    assert validated(
        model_cache_dir=str(tmp_path),
        grouping__evaluation__tasks=["tydiqa"],
        grouping__evaluation__miracl__retrieval__passage_length=600,
        grouping__evaluation__max_length=1024,
    )


def test_reduction_dims_beyond_a_local_backbones_hidden_size_fail_the_dry_run(tmp_path):
    directory = tmp_path / "small"
    directory.mkdir()
    (directory / "config.json").write_text(json.dumps({"max_position_embeddings": 512, "hidden_size": 256}))
    models = {**PAPER["models"], "small": {"path": str(directory)}}
    pipelines = ["{backbone}/d{dim}/cpt"]
    with pytest.raises(ConfigError, match=r"'grouping\.reduction\.dims': \[768\] is more than the backbone 'small'.*hidden size is 256"):
        validated(models=models, grouping__backbones=["small"], grouping__pipelines=pipelines, grouping__reduction__dims=[768, 128])
    assert validated(models=models, grouping__backbones=["small"], grouping__pipelines=pipelines, grouping__reduction__dims=[256, 128])


def test_ners_max_length_beyond_a_cached_models_positions_fails_the_dry_run(tmp_path):
    xlmr = PAPER["models"][PAPER["ner"]["model"]]
    cached_model(tmp_path, xlmr["hub"], xlmr["revision"], positions=514, hidden=768, tokenizer_limit=512)
    with pytest.raises(ConfigError, match=r"'ner\.max_length': 600 subwords, but the model 'xlmr' .* at most 512"):
        validated(model_cache_dir=str(tmp_path), ner__max_length=600)
    assert validated(model_cache_dir=str(tmp_path))["ner"]["max_length"] == 300  # Shaffer §3.3's 300 fits


def test_a_backbone_not_on_this_machine_is_left_to_its_job(tmp_path):
    # nothing cached: the job checks the lengths once it has loaded the model (xlclust.retrieval.dpr)
    assert validated(model_cache_dir=str(tmp_path), grouping__evaluation__miracl__retrieval__passage_length=600)


def test_an_unreadable_config_json_is_named(tmp_path):
    snapshot = cached_model(tmp_path, MBERT["hub"], MBERT["revision"], positions=512, hidden=768)
    (snapshot / "config.json").write_text("{broken")
    with pytest.raises(ConfigError, match=r"config\.json: not readable as JSON"):
        validated(model_cache_dir=str(tmp_path))


@pytest.mark.parametrize(
    "key, value, named",
    [
        (
            "grouping__evaluation__masakhaner__files__train",
            "http://example.org/{lang}/train.txt",
            "grouping.evaluation.masakhaner.files.train",
        ),
        ("grouping__evaluation__xnli__files__dev", "http://example.org/XNLI-1.0.zip#xnli.dev.tsv", "grouping.evaluation.xnli.files.dev"),
        ("grouping__clsa__panlex__location", "http://example.org/panlex.zip", "grouping.clsa.panlex.location"),
    ],
)
def test_plain_http_task_files_fail_the_dry_run_naming_the_key(key, value, named):
    with pytest.raises(ConfigError, match=rf"config key '{named}': {value.split('#')[0]}.*plain http:// is refused"):
        validated(**{key: value})


def test_loopback_http_and_https_task_files_pass():
    assert validated(grouping__evaluation__masakhaner__files__train="http://127.0.0.1:8000/{lang}/train.txt")


def test_unpinned_remote_dictionaries_are_named_at_validation_with_where_to_pin(caplog):
    with caplog.at_level(logging.WARNING, logger="xlclust.config"):
        validated()
    assert "config key 'dictionaries.ar.train': a remote dictionary without a pinned SHA-256" in caplog.text
    assert "under 'dictionaries.ar.sha256.train'" in caplog.text
    caplog.clear()
    pinned = {**PAPER["dictionaries"]["ar"], "sha256": {"train": "a" * 64, "test": "b" * 64}}
    with caplog.at_level(logging.WARNING, logger="xlclust.config"):
        validated(dictionaries__ar=pinned)
    assert "dictionaries.ar." not in caplog.text


def test_a_dictionary_sum_that_is_not_sha256_is_refused():
    with pytest.raises(ConfigError, match=r"dictionaries\.ar"):
        validated(dictionaries__ar={**PAPER["dictionaries"]["ar"], "sha256": {"train": "not-a-sum"}})


def serve_once(monkeypatch, body: bytes):
    """download.download answered with ``body`` (no network)."""
    from xlclust import download

    def fake(url, partial, *, where, timeout=60):
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(body)

    monkeypatch.setattr(download, "download", fake)


def test_a_remote_dictionary_is_refused_until_its_sum_is_pinned_and_then_read(tmp_path, monkeypatch):
    from xlclust.alignment.dictionaries import read_dictionary

    body = b"kitabu book\nmaji water\n"
    serve_once(monkeypatch, body)
    url = "https://example.org/sw-en.txt"
    with pytest.raises(
        XlclustError, match=r"config key 'dictionaries\.sw\.sha256\.train'.* has no SHA-256 pinned.*" + hashlib.sha256(body).hexdigest()
    ):
        read_dictionary(url, "muse", False, "dictionaries.sw.train", None, cache_dir=tmp_path)
    with pytest.raises(XlclustError, match=r"does not match its pinned SHA-256"):
        read_dictionary(url, "muse", False, "dictionaries.sw.train", "0" * 64, cache_dir=tmp_path)
    pairs = read_dictionary(url, "muse", False, "dictionaries.sw.train", hashlib.sha256(body).hexdigest(), cache_dir=tmp_path)
    assert pairs == [("kitabu", "book"), ("maji", "water")]


def test_a_zip_member_declaring_more_than_the_limit_is_refused_before_it_is_read(tmp_path):
    from xlclust.download import read_zip_member

    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", b"0" * 100_000)
    with zipfile.ZipFile(path) as archive:
        with pytest.raises(XlclustError, match=r"lowres\.parallel\.af\.english: .*bomb\.zip#big\.txt declares 100000 bytes"):
            read_zip_member(archive, "big.txt", "lowres.parallel.af.english", limit=50_000)
        assert read_zip_member(archive, "big.txt", "lowres.parallel.af.english", limit=100_000) == b"0" * 100_000


def test_the_parallel_corpus_reader_checks_zip_members_before_reading(tmp_path, monkeypatch):
    from xlclust import download
    from xlclust.lowres.parallel import read_lines

    path = tmp_path / "af-en.txt.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("af.txt", "een\ntwee\n")
    assert read_lines(path, "af.txt", "lowres.parallel.af.other") == ["een", "twee"]
    monkeypatch.setattr(download, "ZIP_MEMBER_LIMIT", 4)
    with pytest.raises(XlclustError, match=r"lowres\.parallel\.af\.other: .*af\.txt declares 9 bytes"):
        read_lines(path, "af.txt", "lowres.parallel.af.other")
