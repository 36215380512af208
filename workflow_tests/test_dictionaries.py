import logging

import numpy as np
import pytest

from workflow_tests.realdata import shared_data
from workflow_tests.test_vocabulary import TRAIN, sentences_table
from xlclust.alignment.dictionaries import (
    DictionarySpec,
    coverage,
    parse_dictionary,
    read_dictionary,
    restrict_to_vocabulary,
    seed_dictionary,
    split_by_frequency,
    unsupervised_seed,
)
from xlclust.errors import XlclustError
from xlclust.vocabulary.build import build_vocabulary
from xlclust.vocabulary.settings import VocabularySettings

XLING = "dictionaries/xling-eval/{pair}/yacle.{split}.{pair}.tsv"


def test_real_muse_and_xling_files_parse_in_both_directions():
    data = shared_data()
    ru = read_dictionary(str(data / "dictionaries/muse/en-ru.txt"), "muse", pivot_first=True)
    ru_reverse = read_dictionary(str(data / "dictionaries/muse/ru-en.txt"), "muse", pivot_first=False)
    assert ru[0] == ("и", "and") and len(ru) > 40_000
    assert len(set(ru) & set(ru_reverse)) > 10_000  # same (ru, en) orientation from both files
    fi_train = read_dictionary(str(data / XLING.format(pair="en-fi", split="train.freq.5k")), "xling", pivot_first=True)
    fi_test = read_dictionary(str(data / XLING.format(pair="en-fi", split="test.freq.2k")), "xling", pivot_first=True)
    assert len(fi_train) == 5000 and len(fi_test) == 2000 and ("omistautuminen", "dedication") in fi_test
    # the published test set shares no English word with the train set
    assert not {e for _, e in fi_train} & {e for _, e in fi_test}


def test_malformed_lines_are_reported_with_file_and_line():
    with pytest.raises(XlclustError, match=r"en-xx.txt:3: expected two words \(muse format\), got 'broken'"):
        parse_dictionary("a b\nc d\nbroken\n", "muse", "en-xx.txt", pivot_first=True)
    with pytest.raises(XlclustError, match=r"x.tsv:1: expected two words \(xling format\)"):
        parse_dictionary("two words\tthree\tfields\n", "xling", "x.tsv", pivot_first=True)
    with pytest.raises(XlclustError, match="unknown dictionary format 'csv'"):
        parse_dictionary("a,b", "csv", "x", pivot_first=True)


def test_split_by_frequency_is_musees():
    pairs = [("a", "1"), ("a", "2"), ("b", "3"), ("c", "4"), ("d", "5"), ("d", "6")]
    train, test = split_by_frequency(pairs, train_words=2, test_words=2)
    assert train == [("a", "1"), ("a", "2"), ("b", "3")] and test == [("c", "4"), ("d", "5"), ("d", "6")]


def test_only_whole_word_entries_are_kept():
    language = ["<unk>", "▁kissa", "▁koira", "ssa", "▁0000"]
    pivot = ["<unk>", "▁cat", "▁dog", "▁house", "▁0000"]
    pairs = [("Kissa", "cat"), ("koira", "Dog"), ("talossa", "house"), ("ssa", "in"), ("1984", "1999")]
    assert restrict_to_vocabulary(pairs, language, pivot).tolist() == [[1, 1], [2, 2], [4, 4]]


def test_coverage_errors_and_warnings(caplog):
    with pytest.raises(XlclustError, match="none of the 40 dictionary pairs has both words"):
        coverage(40, 0, "fi-en.txt")
    with caplog.at_level(logging.WARNING):
        report = coverage(40, 30, "fi-en.txt")
    assert report == {"pairs_read": 40, "pairs_kept": 30, "coverage": 0.75}
    assert "30 of 40 pairs (75.0%)" in caplog.text


def test_unsupervised_seeds():
    language = ["<unk>", "▁0", "▁00", "▁radio", "ni", "▁x"]
    pivot = ["<unk>", "▁x", "▁radio", "▁00", "ing"]
    assert unsupervised_seed(language, pivot, "numerals").tolist() == [[2, 3]]
    assert unsupervised_seed(language, pivot, "identical").tolist() == [[2, 3], [3, 2], [5, 1]]
    with pytest.raises(XlclustError, match="the identical seed is empty"):
        seed_dictionary("sw", DictionarySpec(unsupervised="identical"), ["<unk>", "▁a"], ["<unk>", "▁b"])


def test_a_mined_seed_keeps_the_often_mined_pairs_of_whole_vocabulary_words():
    language = ["<unk>", "▁nyumba", "▁mbwa", "▁na", "ni"]
    pivot = ["<unk>", "▁house", "▁dog", "▁and", "ing"]
    mined = [("Nyumba", "house", 5), ("mbwa", "dog", 1), ("na", "and", 3), ("ni", "ing", 9), ("paka", "cat", 4)]
    train, test, report = seed_dictionary("sw", DictionarySpec(unsupervised="mined", min_count=2), language, pivot, mined)
    assert train.tolist() == [[1, 1], [3, 3]] and len(test) == 0  # normalized, whole words, mined twice or more
    assert report["train"]["pairs_read"] == 4 and report["train"]["pairs_kept"] == 2
    assert seed_dictionary("sw", DictionarySpec(unsupervised="mined"), language, pivot, mined)[0].tolist() == [[1, 1], [2, 2], [3, 3]]
    with pytest.raises(XlclustError, match="needs the low-resource system's mined pairs"):
        seed_dictionary("sw", DictionarySpec(unsupervised="mined"), language, pivot)


def test_real_dictionaries_map_onto_vocabularies_trained_on_real_text(tmp_path):
    data = shared_data()
    spaces = {}
    for lang in ("en", "fi", "ru"):
        sentences = sentences_table(tmp_path / f"{lang}.parquet", lang)
        spaces[lang], _ = build_vocabulary(
            lang,
            "train",
            VocabularySettings.from_config({"size": 3000, "dim": 8, "train": {**TRAIN, "epochs": 1}}),
            sentences=sentences,
            work_dir=tmp_path,
            seed=0,
            threads=2,
        )
    spec = {
        "format": "xling",
        "pivot_first": True,
        "train": str(data / XLING.format(pair="en-fi", split="train.freq.5k")),
        "test": str(data / XLING.format(pair="en-fi", split="test.freq.2k")),
    }
    train, test, report = seed_dictionary("fi", DictionarySpec.from_config(spec, "fi"), spaces["fi"].pieces, spaces["en"].pieces)
    assert report["train"]["pairs_read"] == 5000 and 0 < report["train"]["pairs_kept"] == len(train) < 5000
    assert report["test"]["pairs_read"] == 2000 and len(test) == report["test"]["pairs_kept"]
    assert all(spaces["fi"].pieces[i].startswith("▁") and spaces["en"].pieces[j].startswith("▁") for i, j in train)
    spec = {
        "format": "muse",
        "pivot_first": True,
        "full": str(data / "dictionaries/muse/en-ru.txt"),
        "train_words": 5000,
        "test_words": 1500,
    }
    train, test, report = seed_dictionary("ru", DictionarySpec.from_config(spec, "ru"), spaces["ru"].pieces, spaces["en"].pieces)
    assert len(train) > 50 and len(test) > 5
    assert report["train"]["coverage"] > report["test"]["coverage"]  # frequent words are more often whole pieces
    assert not np.isin(test[:, 0], train[:, 0]).any()  # split by language word: disjoint queries


def test_an_empty_dictionary_is_refused_with_the_file_and_key(tmp_path):
    empty = tmp_path / "xx-en.0-5000.txt"
    empty.write_text("\n")
    pieces = ["▁the", "▁house"]
    with pytest.raises(XlclustError, match=r"xx-en\.0-5000\.txt \(config key 'dictionaries\.xx\.train'\): the file is empty"):
        seed_dictionary("xx", DictionarySpec(format="muse", pivot_first=False, train=str(empty)), pieces, pieces)
    with pytest.raises(XlclustError, match=r"xx-en\.0-5000\.txt \(config key 'dictionaries\.xx\.full'\): the file is empty"):
        seed_dictionary(
            "xx", DictionarySpec(format="muse", pivot_first=False, full=str(empty), train_words=10, test_words=5), pieces, pieces
        )
