import json
import shutil

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workflow_tests.realdata import real_paragraphs, shared_data
from xlclust.corpus.schema import SENTENCES
from xlclust.download import file_digest
from xlclust.errors import DownloadError, XlclustError
from xlclust.settings import settings_from
from xlclust.vocabulary.bpemb_source import bpemb_vocabulary, cut_vocabulary, load_bpemb, trailing_characters
from xlclust.vocabulary.bpemb_store import BPEmbStore
from xlclust.vocabulary.build import build_vocabulary, read_pieces, write_vocabulary
from xlclust.vocabulary.joint import is_language_agnostic, joint_vocabulary
from xlclust.vocabulary.normalization import normalize
from xlclust.vocabulary.settings import BPEmbSettings, VocabularySettings
from xlclust.vocabulary.space import bpemb_paths, load_space

DEAD_HOST = "http://127.0.0.1:9/"  # nothing listens: any download attempt fails loudly
NL_FILES = ("nl/nl.wiki.bpe.vs1000.model", "nl/nl.wiki.bpe.vs1000.d25.w2v.bin")


def shared_bpemb_settings() -> dict:
    """config vocabulary.bpemb for the real Dutch files at hand, pinned to their SHA-256."""
    cache = shared_data() / "bpemb"
    pins = {f: file_digest(cache / f, "sha256") for f in NL_FILES}
    return {"base_url": DEAD_HOST, "cache_dir": str(cache), "sha256": pins, "large_vocab": 1000, "small_vocab": 1000}


def test_normalization_lowercases_and_zeroes_digits():
    assert normalize("Москва 1984 ٣ ABC x²") == "москва 0000 0 abc x0"


def test_cut_keeps_first_merges_and_backoff_characters():
    large = ["<unk>", "<s>", "</s>", "▁the", "er", "▁a", "in", "▁of", "on", "a", "b", "é", "ж"]
    small = ["<unk>", "<s>", "</s>", "▁the", "er", "a", "b", "é"]
    assert trailing_characters(small) == ["a", "b", "é"]
    keep, report = cut_vocabulary(large, small, size=8)
    assert [large[i] for i in keep] == ["<unk>", "<s>", "</s>", "▁the", "er", "a", "b", "é"]
    assert report["merges"] == 2 and report["backoff_characters"] == 3 and report["last_merge_kept"] == "er"
    with pytest.raises(XlclustError, match="smaller than the 6 characters and control symbols"):
        cut_vocabulary(large, small, size=5)


def test_real_bpemb_files_load_from_a_cache_in_bpembs_layout_pinned_by_sha256(tmp_path):
    store = BPEmbStore.from_settings(settings_from(BPEmbSettings, shared_bpemb_settings(), "vocabulary.bpemb"))
    space = load_bpemb("nl", vs=1000, dim=25, store=store)
    assert len(space.pieces) == 1000 and space.vectors.shape == (1000, 25)
    assert space.pieces[:3] == ["<unk>", "<s>", "</s>"] and "▁de" in space.pieces
    assert np.abs(space.vectors[space.pieces.index("▁de")]).sum() > 0
    cut, report = bpemb_vocabulary("nl", size=600, large_vs=1000, small_vs=1000, dim=25, store=store, work_dir=tmp_path)
    assert len(cut.pieces) == 600 and report["cut"] and report["backoff_characters"] > 50
    assert cut.pieces[-report["backoff_characters"] :] == trailing_characters(space.pieces)
    rows = [space.pieces.index(p) for p in cut.pieces]
    assert np.array_equal(cut.vectors, space.vectors[rows])
    # the cut vocabulary's segmenter emits only kept pieces, and still covers the text
    import sentencepiece as spm

    text = normalize("De kattenluik zat op de mat in Amsterdam en Rotterdam, 1984 ñandú")
    full = spm.SentencePieceProcessor(model_file=str(space.model_path)).encode(text, out_type=str)
    pieces = spm.SentencePieceProcessor(model_file=str(cut.model_path)).encode(text, out_type=str)
    assert set(pieces) <= set(cut.pieces) and not set(full) <= set(cut.pieces)
    assert "".join(pieces) == "".join(full)


def test_missing_bpemb_files_fail_with_the_host_and_key_named(tmp_path, monkeypatch):
    monkeypatch.setattr("xlclust.download.BACKOFF_SECONDS", 0)
    store = BPEmbStore(DEAD_HOST, tmp_path, {"nl/nl.wiki.bpe.vs1000.model": "0" * 64})
    with pytest.raises(
        DownloadError, match=r"vocabulary.bpemb.base_url: http://127.0.0.1:9/nl/nl.wiki.bpe.vs1000.model: .*gave up after 4 attempts"
    ):
        load_bpemb("nl", vs=1000, dim=25, store=store)
    assert not list(tmp_path.rglob("*.model"))


def sentences_table(path, lang):
    rows = [{"doc_id": i, "title": t, "paragraph": 0, "sentence": 0, "text": p} for i, (t, p) in enumerate(real_paragraphs(lang, 400))]
    pq.write_table(pa.Table.from_pylist(rows, schema=SENTENCES), path)
    return path


TRAIN = {
    "character_coverage": 0.9995,
    "max_sentences": 100000,
    "algorithm": "skipgram",
    "window": 5,
    "epochs": 3,
    "negative": 5,
    "min_count": 1,
    "deterministic": True,
}


@pytest.mark.parametrize("lang, size", [("fi", 800), ("ko", 2000)])
def test_trained_vocabulary_is_in_bpemb_layout_and_deterministic(tmp_path, lang, size):
    sentences = sentences_table(tmp_path / "s.parquet", lang)
    settings = {"size": size, "dim": 16, "train": TRAIN}
    spaces = []
    for run in ("a", "b"):
        space, metadata = build_vocabulary(
            lang, "train", VocabularySettings.from_config(settings), sentences=sentences, work_dir=tmp_path / run, seed=3, threads=2
        )
        model, vectors = bpemb_paths(tmp_path / run, lang, size, 16)
        assert model.exists() and vectors.exists()
        spaces.append(space)
    assert spaces[0].pieces == spaces[1].pieces and np.array_equal(spaces[0].vectors, spaces[1].vectors)
    assert metadata["normalization"] == {"unicode": "NFKC", "lowercase": True, "digits": "0"} and metadata["source"] == "train"
    assert not any(c.isupper() for piece in spaces[0].pieces for c in piece)
    assert not any(c.isdecimal() and c != "0" for piece in spaces[0].pieces for c in piece)
    out = tmp_path / "out"
    write_vocabulary(spaces[0], metadata, out / "p.parquet", out / "e.npy", out / "m.model", out / "meta.json")
    assert read_pieces(out / "p.parquet") == spaces[0].pieces
    assert np.load(out / "e.npy").shape == (len(spaces[0].pieces), 16)
    assert json.loads((out / "meta.json").read_text())["language"] == lang
    reloaded = load_space(*bpemb_paths(tmp_path / "a", lang, size, 16))
    assert np.array_equal(reloaded.vectors, spaces[0].vectors)


def test_unknown_source_is_a_config_error(tmp_path):
    with pytest.raises(XlclustError, match="config key 'vocabulary.source.fi': unknown source 'glove'"):
        build_vocabulary("fi", "glove", VocabularySettings(size=10, dim=2), work_dir=tmp_path, seed=0, threads=1)


def test_joint_vocabulary_marks_languages_and_shares_specials():
    table = joint_vocabulary({"en": ["<unk>", "▁the", "▁0", ",", "ing"], "sw": ["<unk>", "▁ya", ",", "▁the", "ـ"]})
    assert table["token"].tolist() == ["▁the_en", "ing_en", "▁ya_sw", "▁the_sw", "ـ_sw", "▁0", ","]
    specials = table[table["is_special"]].set_index("token")
    assert specials.loc[",", "languages"] == "en,sw" and specials.loc[",", "language"] == ""
    assert table.set_index("token").loc["▁the_sw", "rank"] == 3
    assert is_language_agnostic("▁000") and is_language_agnostic("…") and not is_language_agnostic("▁")
    assert not is_language_agnostic("ـ")  # Arabic tatweel is a modifier letter: language-bound


def test_bpemb_cache_layout_is_what_the_package_writes(tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(shared_data() / "bpemb", cache)
    model, vectors = bpemb_paths(cache, "nl", 1000, 25)
    assert model.exists() and vectors.exists()


def test_a_vocabulary_too_small_for_the_script_is_reported(tmp_path):
    sentences = sentences_table(tmp_path / "s.parquet", "ko")
    with pytest.raises(XlclustError, match=r"SentencePiece training failed \(vocabulary.size 300"):
        build_vocabulary(
            "ko",
            "train",
            VocabularySettings.from_config({"size": 300, "dim": 8, "train": TRAIN}),
            sentences=sentences,
            work_dir=tmp_path,
            seed=0,
            threads=1,
        )
    assert not list(tmp_path.rglob("*.model"))


def test_bpemb_source_builds_a_cut_vocabulary_with_metadata(tmp_path):
    settings = VocabularySettings.from_config({"size": 700, "dim": 25, "bpemb": shared_bpemb_settings()})
    space, metadata = build_vocabulary("nl", "bpemb", settings, work_dir=tmp_path, seed=0, threads=1)
    assert len(space.pieces) == 700 and space.vectors.shape == (700, 25)
    assert metadata["source"] == "bpemb" and metadata["bpemb"]["cut"] and metadata["bpemb"]["vs"] == 1000
    assert metadata["normalization"]["lowercase"] and metadata["size"] == 700


def test_segmenters_are_the_same_bytes_whatever_the_number_of_threads(tmp_path):
    """SentencePiece records its thread count in the model; a rerun with other cores must not differ."""
    from xlclust.tokenization.build import train_baseline_segmenter
    from xlclust.vocabulary.train import train_segmenter

    sentences = sentences_table(tmp_path / "s.parquet", "fi")
    texts = [text for _, text in real_paragraphs("fi", 60)]
    for threads in (1, 2):
        train_segmenter(
            sentences,
            tmp_path / f"vocab{threads}.model",
            vocab_size=600,
            character_coverage=0.9995,
            max_sentences=100000,
            seed=3,
            threads=threads,
        )
        train_baseline_segmenter(
            texts,
            tmp_path / f"baseline{threads}.model",
            vocab_size=600,
            model_type="bpe",
            character_coverage=0.9995,
            seed=3,
            threads=threads,
        )
    for kind in ("vocab", "baseline"):
        assert (tmp_path / f"{kind}1.model").read_bytes() == (tmp_path / f"{kind}2.model").read_bytes(), kind
