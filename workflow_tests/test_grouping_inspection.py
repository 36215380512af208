"""The groups a reader inspects (Figs. 8 and 13): keywords found without their tokenizer's markers,
the numbers' and the punctuation's groups chosen by their members, a missing keyword said."""

import pandas as pd

from xlclust.grouping.inspection import inspected_groups, inspection_figure


def _table(rows):
    return pd.DataFrame(rows, columns=["token", "cluster_id", "kind"])


TABLE = _table(
    [
        ("[CLS]", 0, "special"),
        ("▁they", 1, "grouped"),
        ("они", 1, "grouped"),
        ("##they", 2, "grouped"),  # a continuation piece is not the word "they"
        ("▁12", 3, "grouped"),
        ("7", 3, "grouped"),
        ("▁the", 3, "grouped"),
        ("1999", 4, "grouped"),
        (".", 5, "grouped"),
        ("!", 5, "grouped"),
        ("?", 2, "grouped"),
    ]
)


def test_a_keyword_is_found_in_its_group_whatever_the_word_marker():
    groups = inspected_groups(TABLE, ["they"]).set_index("label")
    assert groups.loc["they", "token"] == "▁they"
    assert groups.loc["they", "cluster_id"] == 1
    assert groups.loc["they", "members"] == "▁they они"
    assert groups.loc["they", "size"] == 2


def test_the_numbers_and_punctuation_groups_are_those_with_the_most_such_members():
    groups = inspected_groups(TABLE, []).set_index("label")
    assert groups.loc["NUMBERS", "cluster_id"] == 3  # two numbers, where group 4 has one
    assert groups.loc["NUMBERS", "matching"] == 2
    assert groups.loc["NUMBERS", "size"] == 3
    assert groups.loc["PUNCTUATION", "cluster_id"] == 5
    assert groups.loc["PUNCTUATION", "members"] == ". !"


def test_a_keyword_outside_the_vocabulary_gets_no_group_and_specials_are_never_members():
    groups = inspected_groups(TABLE, ["mother", "[CLS]"]).set_index("label")
    assert groups.loc["mother", "cluster_id"] == -1 and groups.loc["mother", "members"] == ""
    assert groups.loc["[CLS]", "cluster_id"] == -1


def test_the_figure_is_written(tmp_path):
    path = tmp_path / "inspection.png"
    inspection_figure(inspected_groups(TABLE, ["they", "mother"]), "demo", path)
    assert path.stat().st_size > 0
