"""Cluster-ID and baseline tokenizers on real text of many scripts: SentencePiece agreement,
offsets, unknown text, empty strings, saving and loading with AutoTokenizer."""

import shutil
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sentencepiece as spm
from transformers import AutoTokenizer

from workflow_tests.realdata import shared_data
from xlclust.errors import XlclustError
from xlclust.tokenization.build import (
    BERT_SPECIALS,
    balanced_sample,
    build_baseline_tokenizer,
    build_cluster_tokenizer,
    train_baseline_segmenter,
)
from xlclust.tokenization.sentencepiece_backend import sentencepiece_backend
from xlclust.vocabulary.bpemb_source import restrict_segmenter
from xlclust.vocabulary.joint import joint_vocabulary, marked
from xlclust.vocabulary.normalization import backend_normalizers, normalize

LANGUAGES = ["ar", "bn", "ko", "te", "ru", "el"]  # Arabic, Bengali, Hangul, Telugu, Cyrillic, Greek


def leipzig(lang, start=0, stop=1000):
    return (shared_data() / "leipzig-sentences" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()[start:stop]


def every_language():
    return sorted(p.stem for p in (shared_data() / "leipzig-sentences").glob("*.txt"))


def spm_pieces(processor, text):
    return [processor.id_to_piece(i) for i in processor.encode(text)]


def test_backend_normalization_is_the_vocabulary_normalization_on_every_language():
    normalizer = sentencepiece_backend(shared_data() / "bpemb/nl/nl.wiki.bpe.vs1000.model", before=backend_normalizers()).normalizer
    differ = [
        t
        for lang in every_language()
        for t in leipzig(lang, 0, 300)
        if normalizer.normalize_str(normalize(t)) != normalizer.normalize_str(t)
    ]
    assert not differ, differ[:3]
    assert normalizer.normalize_str("ΟΔΟΣ Δ.Σ. ΣΑ ٣٤ ৫ 12") == "οδος δ.ς. σα 00 0 00"


@pytest.fixture(scope="module")
def bpemb_nl():
    return shared_data() / "bpemb/nl/nl.wiki.bpe.vs1000.model"


def test_real_bpemb_model_segments_exactly_as_sentencepiece_on_75_languages(bpemb_nl):
    processor = spm.SentencePieceProcessor(model_file=str(bpemb_nl))
    backend = sentencepiece_backend(bpemb_nl, before=backend_normalizers())
    texts = [t for lang in every_language() for t in leipzig(lang, 0, 200)]
    assert len(texts) > 10_000
    differ = [t for t in texts if spm_pieces(processor, normalize(t)) != backend.encode(t).tokens]
    assert not differ, differ[:3]


def test_a_cut_segmenter_never_produces_its_unused_pieces(bpemb_nl, tmp_path):
    processor = spm.SentencePieceProcessor(model_file=str(bpemb_nl))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    kept = set(pieces[:600]) | {p for p in pieces if len(p) == 1}
    restrict_segmenter(bpemb_nl, kept, tmp_path / "cut.model")
    cut = spm.SentencePieceProcessor(model_file=str(tmp_path / "cut.model"))
    backend = sentencepiece_backend(tmp_path / "cut.model", before=backend_normalizers())
    texts = leipzig("nl") + leipzig("de", 0, 300)
    produced = {piece for t in texts for piece in backend.encode(t).tokens}
    assert produced <= kept | {"<unk>"} and len(produced) > 300
    assert all(spm_pieces(cut, normalize(t)) == backend.encode(t).tokens for t in texts)


@pytest.fixture(scope="module")
def segmenters(tmp_path_factory):
    """A SentencePiece BPE model per language, trained on normalized real text (as the vocabulary stage does)."""
    directory = tmp_path_factory.mktemp("segmenters")
    models = {}
    for lang in LANGUAGES:
        prefix = directory / lang
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter([normalize(t) for t in leipzig(lang, 0, 900)]),
            model_prefix=str(prefix),
            model_type="bpe",
            vocab_size=1500,
            character_coverage=0.995,
            unk_id=0,
            bos_id=1,
            eos_id=2,
            minloglevel=2,
            num_threads=1,
        )
        models[lang] = prefix.with_suffix(".model")
    return models


def cluster_map(segmenters, group_size):
    """Joint-vocabulary tokens grouped ``group_size`` at a time, then the BERT specials."""
    processors = {lang: spm.SentencePieceProcessor(model_file=str(p)) for lang, p in segmenters.items()}
    pieces = {lang: [sp.id_to_piece(i) for i in range(sp.get_piece_size())] for lang, sp in processors.items()}
    joint = joint_vocabulary(pieces)
    ids = np.arange(len(joint)) // group_size
    specials = list(BERT_SPECIALS.values())
    table = pd.DataFrame(
        {
            "token": list(joint["token"]) + specials,
            "language": list(joint["language"]) + [""] * 5,
            "cluster_id": list(ids) + list(ids.max() + 1 + np.arange(5)),
            "kind": ["graph"] * len(joint) + ["bert"] * 5,
        }
    )
    names = [f"[C{i}]" for i in range(ids.max() + 1)] + specials
    return table, names


@pytest.fixture(scope="module")
def icebert(segmenters, tmp_path_factory):
    table, names = cluster_map(segmenters, 3)
    tokenizer, report = build_cluster_tokenizer(table, names, segmenters, model_max_length=256)
    directory = tmp_path_factory.mktemp("icebert")
    tokenizer.save_pretrained(directory)
    return AutoTokenizer.from_pretrained(directory, trust_remote_code=True), table, report


def test_cluster_ids_are_the_clusters_of_the_language_marked_pieces(icebert, segmenters):
    tokenizer, table, report = icebert
    assert type(tokenizer).__name__ == "ClusterTokenizer" and len(tokenizer) == table["cluster_id"].max() + 1
    assert all(info["pieces_not_in_map"] == 0 for info in report["languages"].values())
    cluster_of = dict(zip(table["token"], table["cluster_id"]))
    for lang in LANGUAGES:
        processor = spm.SentencePieceProcessor(model_file=str(segmenters[lang]))
        texts = leipzig(lang, 900, 1000)
        batch = tokenizer(texts, language=lang)
        for text, ids in zip(texts, batch["input_ids"]):
            pieces = spm_pieces(processor, normalize(text))
            expected = [cluster_of.get(marked(p, lang), cluster_of.get(p, tokenizer.unk_token_id)) for p in pieces]
            assert ids == [tokenizer.cls_token_id, *expected, tokenizer.sep_token_id]


def test_offsets_point_at_the_characters_each_id_came_from(icebert):
    tokenizer = icebert[0]
    for lang in LANGUAGES:
        texts = leipzig(lang, 900, 1000)
        batch = tokenizer(texts, language=lang, return_offsets_mapping=True)
        with tokenizer.using_language(lang):
            normalizer = tokenizer.backend_tokenizer.normalizer.normalize_str
        for i, text in enumerate(texts):
            offsets, pieces = batch["offset_mapping"][i], batch.encodings[i].tokens
            assert offsets[0] == offsets[-1] == (0, 0)
            for (start, end), piece in zip(offsets[1:-1], pieces[1:-1]):
                if piece == "<unk>":
                    continue
                assert piece.lstrip("▁") in normalize(text[start:end]), (lang, piece, text[start:end])
            covered = np.zeros(len(text), dtype=bool)
            for start, end in offsets:
                covered[start:end] = True
            # every character is some ID's, except spaces and what normalization deletes or merges into
            # the character before (a decomposed vowel sign, a direction mark)
            uncovered = [j for j in range(len(text)) if not covered[j] and not text[j].isspace()]
            assert all(
                normalizer(text[j]) == "" or len(normalizer(text[j - 1 : j + 1])) < len(normalizer(text[j - 1])) + len(normalizer(text[j]))
                for j in uncovered
            ), [text[j] for j in uncovered]


def test_unknown_text_empty_strings_and_padding(icebert):
    tokenizer = icebert[0]
    text = "Москва 서울"  # Hangul is unknown to the Russian segmenter
    encoding = tokenizer(text, language="ru", return_offsets_mapping=True)
    unknown = [offsets for i, offsets in zip(encoding["input_ids"], encoding["offset_mapping"]) if i == tokenizer.unk_token_id]
    assert unknown and all(text[s:e] in "서울" for s, e in unknown)
    assert tokenizer("", language="ar")["input_ids"] == [tokenizer.cls_token_id, tokenizer.sep_token_id]
    batch = tokenizer(["", "ঢাকা শহর"], language="bn", padding=True, return_tensors="pt")
    assert batch["input_ids"][0, 2:].eq(tokenizer.pad_token_id).all() and batch["attention_mask"][0].sum() == 2
    assert batch["input_ids"][1].ne(tokenizer.pad_token_id).all()


def test_the_language_must_be_known(icebert):
    tokenizer = icebert[0]
    with pytest.raises(ValueError, match="which language"):
        tokenizer("text")
    with pytest.raises(ValueError, match="no segmenter"):
        tokenizer("text", language="fi")
    with pytest.raises(ValueError, match="one language per call"):
        tokenizer(["a", "b"], language=["ru", "el"])
    with pytest.raises(ValueError, match="fixed"):
        tokenizer.add_tokens(["new"])
    tokenizer.language = "el"
    assert tokenizer("Αθήνα")["input_ids"] == tokenizer("Αθήνα", language="el")["input_ids"]
    tokenizer.language = None


def test_one_cluster_per_piece_decodes_to_the_normalized_text(segmenters, tmp_path):
    table, names = cluster_map(segmenters, 1)
    tokenizer, _ = build_cluster_tokenizer(table, names, segmenters, model_max_length=256)
    for lang in LANGUAGES:
        for text in leipzig(lang, 950, 960):
            ids = tokenizer(text, language=lang)["input_ids"]
            if tokenizer.unk_token_id not in ids:
                assert tokenizer.decode(ids, language=lang, skip_special_tokens=True) == " ".join(normalize(text).split())
    assert tokenizer.decode([names.index("[C5]")]) == "[C5]"  # without a language: cluster names


def test_a_map_of_another_vocabulary_is_refused(segmenters):
    table, names = cluster_map({"ru": segmenters["ru"]}, 2)
    with pytest.raises(XlclustError, match="not in the cluster map"):
        build_cluster_tokenizer(table, names, {"el": segmenters["el"]}, model_max_length=64)
    with pytest.raises(XlclustError, match="BERT specials"):
        build_cluster_tokenizer(table[table.kind != "bert"], names, {"ru": segmenters["ru"]}, model_max_length=64)


def sentence_tables(directory, languages, n):
    tables = {}
    for lang in languages:
        texts = leipzig(lang, 0, n)
        tables[lang] = directory / f"{lang}.parquet"
        pq.write_table(pa.table({"text": texts}), tables[lang], row_group_size=100)
    return tables


def test_baseline_is_a_cased_sentencepiece_model_as_a_plain_fast_tokenizer(tmp_path):
    tables = sentence_tables(tmp_path, LANGUAGES, 500)
    sample = list(balanced_sample(tables, 1200, seed=3))
    assert len(sample) == 1200 and sample == list(balanced_sample(tables, 1200, seed=3))
    train_baseline_segmenter(sample, tmp_path / "sp.model", vocab_size=2000, model_type="unigram", character_coverage=0.9995, seed=3)
    build_baseline_tokenizer(tmp_path / "sp.model", model_max_length=128).save_pretrained(tmp_path / "baseline")
    tokenizer = AutoTokenizer.from_pretrained(tmp_path / "baseline")  # no custom code
    assert len(tokenizer) == 2005 and tokenizer.mask_token == "[MASK]"
    processor = spm.SentencePieceProcessor(model_file=str(tmp_path / "sp.model"))
    for lang in LANGUAGES:
        texts = leipzig(lang, 900, 950)
        batch = tokenizer(texts, return_offsets_mapping=True)
        for text, encoding in zip(texts, batch.encodings):
            assert tokenizer.convert_ids_to_tokens(encoding.ids[1:-1]) == spm_pieces(processor, unicodedata.normalize("NFKC", text))
            for (start, end), piece in zip(encoding.offsets[1:-1], encoding.tokens[1:-1]):
                if piece != "<unk>":  # the piece is the NFKC form of the characters it came from, except that a
                    # plain fast tokenizer leaves out a mark NFKC composed into its character (ClusterTokenizer attaches it)
                    while end < len(text) and unicodedata.category(text[end])[0] == "M":
                        end += 1
                    assert piece.lstrip("▁") in unicodedata.normalize("NFKC", text[start:end]), (piece, text[start:end])
    assert tokenizer.tokenize("Moscow") != tokenizer.tokenize("moscow")  # cased
    # text of every language, most of it in scripts the model never saw (unknown pieces)
    others = [t for lang in every_language() for t in leipzig(lang, 0, 60)]
    others = [unicodedata.normalize("NFKC", t) for t in others]  # such models read NFKC text (see sentencepiece_normalizers)
    differ = [
        (t, tokenizer.convert_ids_to_tokens(e.ids[1:-1]))
        for t, e in zip(others, tokenizer(others).encodings)
        if tokenizer.convert_ids_to_tokens(e.ids[1:-1]) != spm_pieces(processor, t)
    ]
    # a unigram model may meet ties (4000 as 4|0|00 or 4|00|0): same score, either is right
    score = lambda pieces: sum(processor.get_score(processor.piece_to_id(p)) for p in pieces)  # noqa: E731
    assert all(abs(score(mine) - score(spm_pieces(processor, t))) < 1e-3 for t, mine in differ)
    assert len(differ) < 0.005 * len(others)


def test_unconvertible_sentencepiece_models_are_refused(tmp_path):
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(leipzig("ru", 0, 300)),
        model_prefix=str(tmp_path / "chars"),
        model_type="char",
        vocab_size=100,
        minloglevel=2,
    )
    with pytest.raises(XlclustError, match="model type CHAR"):
        sentencepiece_backend(tmp_path / "chars.model")
    (tmp_path / "broken.model").write_bytes(b"not a model")
    with pytest.raises(XlclustError, match="not a SentencePiece model"):
        sentencepiece_backend(tmp_path / "broken.model")


def test_remote_code_runs_only_when_it_is_the_workflows_own(icebert, tmp_path):
    """A tokenizer directory whose code was swapped, or a Hub model, is refused before any of it runs."""
    from xlclust.models import ModelSource
    from xlclust.own_code import require_own_code
    from xlclust.pretraining.encode import load_tokenizer

    directory = Path(icebert[0].name_or_path)
    require_own_code(directory)  # as the workflow wrote it
    handed_over = tmp_path / "handed-over"
    shutil.copytree(directory, handed_over)
    marker = tmp_path / "code-ran"
    code = handed_over / "cluster.py"
    code.write_text(f"open({str(marker)!r}, 'w').close()\n" + code.read_text())
    with pytest.raises(XlclustError, match=r"cluster.py: not the workflow's own code"):
        load_tokenizer(handed_over)
    with pytest.raises(XlclustError, match=r"cluster.py: not the workflow's own code"):
        ModelSource(str(handed_over)).load(None)
    assert not marker.exists()
    shutil.copytree(directory, tmp_path / "remapped")
    config = tmp_path / "remapped" / "tokenizer_config.json"
    config.write_text(config.read_text().replace('"cluster.ClusterTokenizer"', '"someone/repo--evil.Tokenizer"'))
    with pytest.raises(XlclustError, match=r"auto_map names 'someone/repo--evil.Tokenizer'"):
        require_own_code(tmp_path / "remapped")
    with pytest.raises(XlclustError, match=r"auto_map names 'someone/repo--evil.Tokenizer'"):
        ModelSource(str(tmp_path / "remapped")).load_tokenizer()
