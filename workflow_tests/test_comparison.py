"""The comparison of this run's cells with the transcribed published ones (xlclust.comparison)."""

import types

import numpy as np
import pandas as pd
import pytest

from xlclust.comparison.compare import COMPARISON_COLUMNS, adapter_cells, compare, run_comparison
from xlclust.comparison.page import DEMO_NOTICE, comparison_page
from xlclust.comparison.published import COLUMNS, load_published
from xlclust.errors import XlclustError


def published_frame(rows):
    return pd.DataFrame(rows, columns=COLUMNS)


PUBLISHED = published_frame(
    [
        ["Hangya", "Table 2", "mBERT", "Bn", "bn", "accuracy", 10.0, ""],
        ["Hangya", "Table 2", "mBERT", "Eu", "eu", "accuracy", 20.0, ""],
        ["Hangya", "Table 2", "mBERT_linear_unsup", "Bn", "bn", "accuracy", np.nan, "garbled in the text copy: '1.-'"],
    ]
)


def ours_frame(rows):
    return pd.DataFrame(rows, columns=["paper", "table", "row", "column", "language", "metric", "ours"])


def test_compare_keeps_every_published_cell_in_order_with_ours_and_the_difference():
    ours = ours_frame(
        [
            ["Hangya", "Table 2", "mBERT", "Eu", "eu", "accuracy", 23.5],
            ["Hangya", "Table 2", "mBERT_linear_unsup", "Bn", "bn", "accuracy", 4.0],
        ]
    )
    result = compare(PUBLISHED, ours)
    assert list(result.columns) == COMPARISON_COLUMNS
    assert result["column"].tolist() == ["Bn", "Eu", "Bn"]
    assert np.isnan(result.loc[0, "ours"]) and np.isnan(result.loc[0, "difference"])
    assert result.loc[1, "ours"] == 23.5 and result.loc[1, "difference"] == pytest.approx(3.5)
    assert result.loc[2, "ours"] == 4.0 and np.isnan(result.loc[2, "difference"])  # a garbled published cell has no difference


def test_a_cell_of_ours_with_a_label_the_transcription_lacks_is_refused():
    ours = ours_frame([["Hangya", "Table 2", "mBERT_linear_unsup", "EU", "eu", "accuracy", 1.0]])
    with pytest.raises(XlclustError, match="match no published cell.*mBERT_linear_unsup/EU"):
        compare(PUBLISHED, ours)


def test_two_values_of_ours_for_one_cell_are_refused():
    ours = ours_frame([["Hangya", "Table 2", "mBERT", "Eu", "eu", "accuracy", 1.0]] * 2)
    with pytest.raises(XlclustError, match="two values of ours"):
        compare(PUBLISHED, ours)


def test_an_adapter_is_applied_to_the_tables_it_names(tmp_path):
    (tmp_path / "scores.csv").write_text("method,language,accuracy\nbase,eu,0.25\n", encoding="utf-8")

    def our_cells(tables):
        row = tables["scores"].iloc[0]
        return ours_frame(
            [["Hangya", "Table 2", "mBERT", row["language"].capitalize(), row["language"], "accuracy", 100 * row["accuracy"]]]
        )

    adapter = types.SimpleNamespace(__name__="hangya_test", PAPER="Hangya", INPUTS={"scores": "results/scores.csv"}, our_cells=our_cells)
    result = run_comparison(PUBLISHED, [adapter], {"Hangya": {"scores": str(tmp_path / "scores.csv")}})
    assert result.loc[1, "ours"] == 25.0
    with pytest.raises(XlclustError, match="no path given for its input tables \\['scores'\\]"):
        adapter_cells(adapter, {})


def test_an_adapter_answering_for_another_paper_is_refused():
    adapter = types.SimpleNamespace(
        __name__="wrong", PAPER="Hangya", INPUTS={}, our_cells=lambda tables: ours_frame([["Tomato", "Table 5", "a", "b", "", "f1", 1.0]])
    )
    with pytest.raises(XlclustError, match="cells of \\['Tomato'\\], not of its paper Hangya"):
        adapter_cells(adapter, {})


def test_the_page_lays_out_each_table_as_printed_and_labels_a_demo_run():
    ours = ours_frame([["Hangya", "Table 2", "mBERT", "Eu", "eu", "accuracy", 23.5]])
    page = comparison_page(compare(PUBLISHED, ours), PUBLISHED, demo=True, compared=["Hangya"])
    assert DEMO_NOTICE in page and "<h2>Hangya</h2>" in page and "Table 2 (accuracy)" in page and page.count("<table") == 1
    assert "20 / 23.5" in page and "10 / ·" in page and "— <abbr title=" in page
    assert "1 of 3 published cells" in page
    assert "plans none of this paper's stage" not in page
    other = comparison_page(compare(PUBLISHED, ours), PUBLISHED, demo=False, compared=[])
    assert DEMO_NOTICE not in other and "plans none of this paper's stage" in other


@pytest.mark.parametrize(
    "row, message",
    [
        (["Hangya", "Table 2", "mBERT", "Bn", "bn", "accuracy", "1O.5", ""], "line 2: value '1O.5' is not a number"),
        (["Hangya", "Table 2", "mBERT", "Bn", "bn", "accuracy", "", ""], "line 2: an empty value needs a note"),
        (["Hangya2", "Table 2", "mBERT", "Bn", "bn", "accuracy", "1", ""], "unknown papers \\['Hangya2'\\]"),
    ],
)
def test_a_bad_transcription_is_refused_naming_the_line(tmp_path, row, message):
    path = tmp_path / "tables.csv"
    published_frame([row]).to_csv(path, index=False)
    with pytest.raises(XlclustError, match=message):
        load_published(path)


def test_a_cell_transcribed_twice_is_refused(tmp_path):
    path = tmp_path / "tables.csv"
    published_frame([["Hangya", "Table 2", "mBERT", "Bn", "bn", "accuracy", "1", ""]] * 2).to_csv(path, index=False)
    with pytest.raises(XlclustError, match="line 3: a second row for the cell"):
        load_published(path)


def test_a_table_printing_two_metrics_under_one_column_names_them_on_the_page():
    published = published_frame(
        [
            ["Shaffer", "Table 3", "ar", "Monolingual / LOC", "ar", "f1", 90.1, ""],
            ["Shaffer", "Table 3", "ar", "Monolingual / LOC", "ar", "f1_std", 0.4, ""],
        ]
    )
    page = comparison_page(compare(published, ours_frame([])), published, demo=False, compared=["Shaffer"])
    assert "Monolingual / LOC · f1</th>" in page and "Monolingual / LOC · f1_std</th>" in page and page.count("<table") == 1
