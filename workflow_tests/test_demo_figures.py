"""The demo's headline figures (xlclust.demo.figures) and the expected ones (demo/expected_figures.csv)."""

import math

import pandas as pd
import pytest

from workflow_tests.realdata import REPO
from xlclust.demo.figures import compare_figures, grouping_figures, ner_figures, read_expected, tagging_figures
from xlclust.errors import XlclustError

EXPECTED = REPO / "demo" / "expected_figures.csv"


def frame(rows):
    return pd.DataFrame(rows, columns=["figure", "value"])


def expected(rows):
    return pd.DataFrame(rows, columns=["figure", "value", "tolerance", "reason"])


def test_equal_figures_pass_and_every_difference_is_named():
    assert compare_figures(frame([("a", 1.5), ("b", math.nan)]), expected([("a", 1.5, 0, ""), ("b", math.nan, 0, "")])) == []
    problems = compare_figures(frame([("a", 1.5000001), ("c", 2.0)]), expected([("a", 1.5, 0, ""), ("b", 3.0, 0, "")]))
    assert problems == [
        "a: 1.5000001, expected 1.5 (tolerance 0)",
        "b: expected 3.0, not measured",
        "c: 2.0, not in the expected figures",
    ]


def test_a_tolerance_is_relative_to_the_expected_value():
    assert compare_figures(frame([("a", 10.15)]), expected([("a", 10.0, 0.02, "thread order")])) == []
    assert compare_figures(frame([("a", 10.25)]), expected([("a", 10.0, 0.02, "thread order")])) != []


def test_the_figures_are_named_by_what_they_measure():
    ner = pd.DataFrame(
        {
            "scheme": ["cluster", "cluster", "cluster"],
            "language": ["en", "en", "en"],
            "class": ["all", "all", "LOC"],
            "f1": [40.0, 50.0, 9.0],
        }
    )
    assert list(ner_figures(ner)) == [("ner/cluster/en/F1", 45.0)]  # the mean over seeds, of every class together
    table5 = pd.DataFrame(
        {"pipeline": ["tiny", "tiny/kmeans20"], "task": ["xnli"] * 2, "scenario": ["in_language"] * 2, "metric": ["accuracy"] * 2,
         "mean": [60.0, 45.0], "perc": [float("nan"), 75.0]}
    )  # fmt: skip
    translations = pd.DataFrame({"pipeline": ["tiny/kmeans20"], "pair_share": [0.02]})
    assert list(grouping_figures(translations, table5)) == [
        ("grouping/translations/tiny/kmeans20/pair_share", 0.02),
        ("grouping_eval/tiny/xnli/in_language/accuracy/mean", 60.0),
        ("grouping_eval/tiny/kmeans20/xnli/in_language/accuracy/mean", 45.0),
        ("grouping_eval/tiny/kmeans20/xnli/in_language/accuracy/perc", 75.0),
    ]
    with pytest.raises(KeyError):
        list(tagging_figures(pd.DataFrame({"embedder": ["bert"]})))


def test_a_missing_table_is_named(tmp_path):
    from xlclust.demo.figures import headline_figures

    with pytest.raises(XlclustError, match="results/bli_scores.csv"):
        headline_figures(tmp_path, {})


def test_the_expected_figures_are_complete_and_every_tolerance_has_its_reason():
    table = read_expected(EXPECTED)
    assert list(table.columns) == ["figure", "value", "tolerance", "reason"]
    assert len(table) >= 40 and table["figure"].is_unique
    assert (table["tolerance"] >= 0).all() and (table["tolerance"] <= 0.02).all()  # at most 2 % of the value
    loose = table[table["tolerance"] > 0]
    assert (loose["reason"].str.strip() != "").all(), loose[loose["reason"].str.strip() == ""]["figure"].tolist()
    systems = {name.split("/")[0] for name in table["figure"]}
    assert {"bli", "tydiqa", "langclust", "ner", "lowres", "tagging", "grouping", "grouping_eval", "pretraining"} <= systems


def test_new_expected_figures_keep_the_tolerances_given_with_their_reasons(tmp_path):
    from xlclust.demo.figures import main

    (tmp_path / "measured.csv").write_text("figure,value\na,1.25\nb,2.0\n")
    (tmp_path / "expected.csv").write_text("figure,value,tolerance,reason\na,1.2,0.01,thread order\nc,3.0,0,\n")
    main([str(tmp_path / "measured.csv"), str(tmp_path / "expected.csv")])
    written = read_expected(tmp_path / "expected.csv")
    assert written.to_dict("records") == [
        {"figure": "a", "value": 1.25, "tolerance": 0.01, "reason": "thread order"},
        {"figure": "b", "value": 2.0, "tolerance": 0.0, "reason": ""},
    ]
