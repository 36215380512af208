"""The glue of the real-encoder studies (xlclust.realmodel.studies) on small synthetic data."""

import numpy as np
import pandas as pd
import pytest

from xlclust.errors import XlclustError
from xlclust.realmodel.studies import (
    language_families,
    language_means,
    mined_precision,
    replace_rows,
    replace_section,
    shuffled_labels,
    split_by_source,
    vocabulary_table,
)


def test_split_by_source_keeps_each_source_word_on_one_side_and_is_seeded():
    pairs = [(f"w{i}", f"t{i}{j}") for i in range(50) for j in range(3)]
    train, test = split_by_source(pairs, 0.2, seed=3)
    assert len(train) + len(test) == len(pairs)
    assert {s for s, _ in train}.isdisjoint({s for s, _ in test})
    assert len({s for s, _ in test}) == 10
    assert split_by_source(pairs, 0.2, seed=3) == (train, test)
    assert split_by_source(pairs, 0.2, seed=4)[1] != test
    with pytest.raises(XlclustError, match="test_fraction"):
        split_by_source(pairs, 1.0, seed=3)


class FakeTokenizer:
    all_special_ids = [0, 1, 3]
    unk_token_id = 3

    def __len__(self):
        return 6

    def convert_ids_to_tokens(self, ids):
        return ["<s>", "<pad>", "▁a", "<unk>", "▁b", "c"][: len(ids)]


def test_vocabulary_table_marks_the_specials_and_the_unknown_token():
    table = vocabulary_table(FakeTokenizer())
    assert table["token_id"].tolist() == list(range(6))
    assert table["is_special"].tolist() == [True, True, False, True, False, False]
    assert table["is_unknown"].tolist() == [False, False, False, True, False, False]
    assert set(table["language"]) == {""}


def test_shuffled_labels_keep_the_group_sizes_but_move_rows():
    labels = np.repeat(np.arange(20), 5)
    shuffled = shuffled_labels(labels, seed=1)
    assert np.array_equal(np.bincount(shuffled), np.bincount(labels))
    assert (shuffled != labels).mean() > 0.5


def test_mined_precision_counts_only_type_pairs_whose_source_word_the_dictionary_lists():
    mined = pd.DataFrame(
        {
            "iteration": [0, 0, 0, 0, 0, 1, 1],
            "source_word": ["Haus", "haus", "Hund", ",", "Katze", "haus", "hund"],
            "target_word": ["house", "House", "cat", ",", "cat", "house", "dog"],
        }
    )
    dictionary = [("haus", "house"), ("hund", "dog"), ("katze", "cat")]
    result = mined_precision(mined, dictionary).set_index("iteration")
    # iteration 0: haus-house (twice, one type after lower-casing), hund-cat, katze-cat; "," is not listed
    assert result.loc[0, "types"] == 4
    assert result.loc[0, "covered"] == 3
    assert result.loc[0, "precision"] == pytest.approx(2 / 3)
    assert result.loc[1, "precision"] == 1.0


def test_language_families_leave_out_unknown_codes_and_constructed_languages():
    kept, families, left_out = language_families(["de", "en", "ru", "eo", "nb", "fi", "eu"])
    assert kept == ["de", "en", "ru", "fi", "eu"]
    assert families == ["Indo-European", "Indo-European", "Indo-European", "Uralic", "Isolate:eu"]
    assert set(left_out) == {"eo", "nb"}
    assert language_families(["de", "ru"], level=1)[1] == ["Indo-European/Germanic", "Indo-European/Slavic"]


def test_language_means_average_each_languages_rows_in_first_appearance_order():
    vectors = np.array([[1.0, 0.0], [3.0, 2.0], [0.0, 4.0]], dtype=np.float32)
    names, means = language_means(vectors, ["b", "a", "b"])
    assert names == ["b", "a"]
    assert np.allclose(means, [[0.5, 2.0], [3.0, 2.0]])


def test_replace_rows_replaces_a_rows_study_setting_and_metric_and_keeps_the_others(tmp_path):
    path = tmp_path / "realmodel.csv"
    first = [
        {"study": "conversion", "setting": "en", "metric": "conversion_min_cosine", "value": 0.999, "n": 20},
        {"study": "grouping", "setting": "kmeans5", "metric": "translations_sharing_group", "value": 0.1, "n": 100},
    ]
    replace_rows(path, first)
    frame = replace_rows(path, [{"study": "grouping", "setting": "kmeans5", "metric": "translations_sharing_group", "value": 0.2, "n": 90}])
    assert len(frame) == 2
    read = pd.read_csv(path)
    assert list(read.columns) == ["study", "setting", "metric", "value", "n"]
    assert read.loc[read["study"] == "grouping", "value"].tolist() == [0.2]
    assert read.loc[read["study"] == "conversion", "value"].tolist() == [0.999]
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    with pytest.raises(XlclustError, match="bad.csv"):
        replace_rows(tmp_path / "bad.csv", first)


def test_replace_section_replaces_only_its_own_section(tmp_path):
    path = tmp_path / "realmodel.md"
    path.write_text("# Conversion\n\nkept text\n")
    replace_section(path, "studies", "first")
    replace_section(path, "other", "another")
    replace_section(path, "studies", "second")
    text = path.read_text()
    assert text.startswith("# Conversion\n\nkept text\n")
    assert "second" in text and "first" not in text and "another" in text
    assert text.count("<!-- studies:start -->") == 1
