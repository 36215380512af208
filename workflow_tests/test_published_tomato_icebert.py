"""Tomato's Tables 3-5 and ICEBERT's Table 2 and §2.2 BLI figures as transcribed in
xlclust/data/published/tables.csv (checked against cells read by hand from the papers' texts), and the
two papers' adapters, which must name this run's cells exactly as the transcription does."""

import pandas as pd
import pytest

from xlclust.comparison import icebert, tomato
from xlclust.comparison.compare import adapter_cells, compare
from xlclust.comparison.published import load_published
from xlclust.errors import XlclustError
from xlclust.tydiqa.report import summarize_scores

OK, NO, NA = "\u2713", "\u00d7", "\u2014"  # ✓ × — as Table 5 prints them


@pytest.fixture(scope="module")
def published():
    return load_published()


def cell(published, paper, table, row, column):
    found = published[
        (published["paper"] == paper) & (published["table"] == table) & (published["row"] == row) & (published["column"] == column)
    ]
    assert len(found) == 1, (paper, table, row, column, len(found))
    return found.iloc[0]


# (table, row, column, value) read by hand from tomato-tomahto-tomate.txt; first and last rows included
TOMATO_CELLS = [
    ("Table 3", "d=768, r_G=5.0%", "# Para (M)", 90),
    ("Table 3", "d=768, r_G=5.0%", "GPU Mem (G)", 19.1),
    ("Table 3", "d=768, r_G=5.0%", "steps / sec", 5.1),
    ("Table 3", "d=768, r_G=10.0%", "GPU Mem (G)", 39.8),
    ("Table 3", "d=768, r_G=20.0%", "# Para (M)", 104),
    ("Table 3", "d=768, r_G=40.0%", "GPU Mem (G)", 74.9),
    ("Table 3", "d=768, r_G=100.0%", "# Para (M)", 178),
    ("Table 3", "d=128, r_G=5.0%", "steps / sec", 5.2),
    ("Table 3", "d=128, r_G=100.0%", "# Para (M)", 101),
    ("Table 3", "d=32, r_G=5.0%", "steps / sec", 5.3),
    ("Table 3", "d=32, r_G=100.0%", "# Para (M)", 89),
    ("Table 3", "d=32, r_G=100.0%", "steps / sec", 1.9),
    ("Table 4", "Oracle", "r_G", 100),
    ("Table 4", "Oracle", "nDCG@10", 0.452),
    ("Table 4", "Grouping on MUSE (zh)", "r_G", 99.2),
    ("Table 4", "Grouping on MUSE (zh)", "nDCG@10", 0.357),
    ("Table 4", "Grouping on MUSE (5L)", "r_G", 92.1),
    ("Table 4", "Grouping on MUSE (5L)", "nDCG@10", 0.248),
    ("Table 4", "Grouping on MUSE (all)", "nDCG@10", 0.193),
    ("Table 4", "K-Means", "r_G", 40),
    ("Table 4", "K-Means", "nDCG@10", 0.304),
    ("Table 5", f"mBERT: d=768, r_G=100%, CLSA {NA}, PT {NO}", "MasakhaNER F1", 0.735),
    ("Table 5", f"mBERT: d=768, r_G=100%, CLSA {NA}, PT {OK}", "TyDiQA F1", 77.0),
    ("Table 5", f"mBERT: d=768, r_G=100%, CLSA {NA}, PT {OK}", "MIRACL (bi-) perc", 100.0),
    ("Table 5", f"Figure 3: d=768, r_G=40%, CLSA {NO}, PT {NO}", "XNLI Acc", 0.725),
    ("Table 5", f"Figure 3: d=768, r_G=5%, CLSA {NO}, PT {OK}", "MIRACL (bi-) nDCG@10", 0.372),
    ("Table 5", f"Figure 3: d=768, r_G=5%, CLSA {NO}, PT {OK}", "MIRACL (bi-) perc", 62.6),
    ("Table 5", f"Figure 4: d=768, r_G=20%, CLSA {OK}, PT {OK}", "TyDiQA F1", 74.8),
    ("Table 5", f"Figure 5: d=128, r_G=10%, CLSA {OK}, PT {OK}", "MIRACL (cross-) nDCG@10", 0.577),
    ("Table 5", f"Figure 6: d=2, r_G=100%, CLSA {NA}, PT {OK}", "TyDiQA F1", 29.4),
    ("Table 5", f"Figure 6: d=2, r_G=100%, CLSA {NA}, PT {OK}", "MIRACL (bi-) perc", 10.8),
    ("Table 5", f"Figure 7: XLM-R large: d=1024, r_G=5%, CLSA {OK}, PT {NO}", "MasakhaNER F1", 0.722),
    ("Table 5", f"Figure 7: XLM-V base: d=768, r_G=5%, CLSA {OK}, PT {NO}", "XNLI Acc", 0.656),
    ("Table 5", f"Figure 7: XLM-V base: d=768, r_G=5%, CLSA {OK}, PT {NO}", "MIRACL (bi-) perc", 46.2),
]
ICEBERT_CELLS = [
    ("Table 2", "BaselineSMALL", "EM", 1.80),
    ("Table 2", "BaselineSMALL", "F1", 12.89),
    ("Table 2", "ICEBERTSMALL", "EM", 4.74),
    ("Table 2", "ICEBERTSMALL", "F1", 15.30),
    ("Table 2", "BaselineBASE", "EM", 10.96),
    ("Table 2", "BaselineBASE", "F1", 21.49),
    ("Table 2", "ICEBERTBASE", "EM", 11.36),
    ("Table 2", "ICEBERTBASE", "F1", 23.18),
    ("Table 2", "mBERT", "EM", 41.46),
    ("Table 2", "mBERT", "F1", 57.74),
    ("§2.2", "BLI average", "p@1", 0.193),
    ("§2.2", "BLI average", "p@5", 0.384),
    ("§2.2", "BLI average", "p@10", 0.454),
    ("§2.2", "BLI average", "MRR", 0.283),
]


@pytest.mark.parametrize(("paper", "cells"), [("Tomato", TOMATO_CELLS), ("ICEBERT", ICEBERT_CELLS)])
def test_transcribed_cells_match_the_hand_read_ones(published, paper, cells):
    for table, row, column, value in cells:
        assert cell(published, paper, table, row, column)["value"] == pytest.approx(value), (table, row, column)


def test_every_cell_of_the_tables_is_transcribed(published):
    counts = published.groupby(["paper", "table"]).size()
    # Table 3: 9 rows x 3; Table 4: 5 x 2; Table 5: 45 rows x 5 benchmarks x (score, perc); Table 2: 5 x 2
    expected = {
        ("Tomato", "Table 3"): 27,
        ("Tomato", "Table 4"): 10,
        ("Tomato", "Table 5"): 450,
        ("ICEBERT", "Table 2"): 10,
        ("ICEBERT", "§2.2"): 4,
    }
    assert {key: int(counts.get(key, 0)) for key in expected} == expected
    table5 = published[(published["paper"] == "Tomato") & (published["table"] == "Table 5")]
    assert table5["row"].nunique() == 45 and table5.groupby("row").size().eq(10).all()


def test_table4_cells_are_chinese_and_the_averages_have_no_language(published):
    ours = published[published["paper"].isin(["Tomato", "ICEBERT"])]
    assert set(ours.loc[ours["table"] == "Table 4", "language"]) == {"zh"}
    assert set(ours.loc[ours["table"] != "Table 4", "language"]) == {""}


def test_table5_rows_that_repeat_another_row_are_kept_as_printed_and_flagged(published):
    tomato_rows = published[published["paper"] == "Tomato"]
    flagged = tomato_rows[tomato_rows["note"].str.contains("repeats the row")]
    expected = {f"Figure 5: d=32, r_G={r}%, CLSA {OK}, PT {OK}" for r in (40, 20, 10, 5)} | {
        f"Figure 6: d=32, r_G=100%, CLSA {NA}, PT {OK}"
    }
    assert set(flagged["row"]) == expected and len(flagged) == 50
    assert flagged["value"].notna().all()
    # the copy of Table 5 has no garbled or '-' cell: no value is empty in these two papers
    assert published.loc[published["paper"].isin(["Tomato", "ICEBERT"]), "value"].notna().all()
    repeated = cell(published, "Tomato", "Table 5", f"Figure 5: d=32, r_G=40%, CLSA {OK}, PT {OK}", "MasakhaNER F1")
    original = cell(published, "Tomato", "Table 5", f"Figure 4: d=768, r_G=40%, CLSA {OK}, PT {NO}", "MasakhaNER F1")
    assert repeated["value"] == original["value"] == 0.712 and "Figure 4: d=768, r_G=40%" in repeated["note"]


@pytest.mark.parametrize(
    ("pipeline", "row"),
    [
        ("mbert", f"mBERT: d=768, r_G=100%, CLSA {NA}, PT {NO}"),
        ("mbert/cpt", f"mBERT: d=768, r_G=100%, CLSA {NA}, PT {OK}"),
        ("mbert/kmeans40", f"Figure 3: d=768, r_G=40%, CLSA {NO}, PT {NO}"),
        ("mbert/kmeans5/cpt", f"Figure 3: d=768, r_G=5%, CLSA {NO}, PT {OK}"),
        ("mbert/clsa-all/kmeans10/cpt", f"Figure 4: d=768, r_G=10%, CLSA {OK}, PT {OK}"),
        ("mbert/d128/clsa-all/kmeans5/cpt", f"Figure 5: d=128, r_G=5%, CLSA {OK}, PT {OK}"),
        ("mbert/d2/cpt", f"Figure 6: d=2, r_G=100%, CLSA {NA}, PT {OK}"),
        ("xlmr_large/clsa-all/kmeans20", f"Figure 7: XLM-R large: d=1024, r_G=20%, CLSA {OK}, PT {NO}"),
        ("xlmv/clsa-all", f"Figure 7: XLM-V base: d=768, r_G=100%, CLSA {OK}, PT {NO}"),
        ("tiny/clsa-demo/kmeans20/cpt", f"Figure 4: d=768, r_G=20%, CLSA {OK}, PT {OK}"),  # demo stand-ins
        ("tinyxlmr/clsa-demo", f"Figure 7: XLM-R base: d=768, r_G=100%, CLSA {OK}, PT {NO}"),
        ("mbert/firstk40", None),  # First-k is in Fig. 3, not in Table 5
        ("mbert/l2kmeans20", None),  # App. E
        ("mbert/clsa-muse/kmeans5/cpt", None),  # App. B's single-source alignment
        ("mbert/clsa-all", None),  # Fig. 7's mBERT reference: no Table 5 row
        ("mbert/d8/clsa-all/kmeans20/cpt", None),  # Fig. 5 has d = 128 and 32 only
        ("xlmr/kmeans20", None),  # Fig. 7's backbones are all aligned
        ("mbert/kmeans15", None),
    ],
)
def test_tomato_pipelines_map_to_table5_rows(pipeline, row):
    assert tomato.table5_row(pipeline) == row


def test_tomato_labels_of_the_paper_pipelines_are_all_transcribed(published):
    rows = set(published.loc[(published["paper"] == "Tomato") & (published["table"] == "Table 5"), "row"])
    pipelines = ["mbert", "mbert/cpt", "mbert/d128/cpt", "mbert/d32/cpt", "mbert/d8/cpt", "mbert/d2/cpt"]
    for r in (5, 10, 20, 40):
        pipelines += [f"mbert/kmeans{r}", f"mbert/kmeans{r}/cpt", f"mbert/clsa-all/kmeans{r}", f"mbert/clsa-all/kmeans{r}/cpt"]
        pipelines += [f"mbert/d{d}/clsa-all/kmeans{r}/cpt" for d in (128, 32)]
        pipelines += [f"{b}/clsa-all/kmeans{r}" for b in ("xlmr", "xlmr_large", "xlmv")]
    pipelines += [f"{b}/clsa-all" for b in ("xlmr", "xlmr_large", "xlmv")]
    labels = [tomato.table5_row(p) for p in pipelines]
    assert None not in labels and set(labels) <= rows and len(set(labels)) == len(pipelines) == 45


def table5_frame(rows):
    columns = ["pipeline", "task", "scenario", "metric", "mean", "perc"]
    return pd.DataFrame(rows, columns=columns)


def test_tomato_table5_cells_are_in_the_papers_units():
    frame = table5_frame(
        [
            ("mbert/cpt", "masakhaner", "in_language", "f1", 74.5, 100.0),
            ("mbert/cpt", "tydiqa", "in_language", "F1", 77.0, 100.0),
            ("mbert/cpt", "tydiqa", "in_language", "EM", 66.0, 100.0),  # not in Table 5
            ("mbert/cpt", "miracl_retrieval", "in_language", "ndcg@10", 59.4, 100.0),
            ("mbert/cpt", "miracl_retrieval", "in_language", "recall@20", 80.0, 100.0),  # not in Table 5
            ("mbert/cpt", "xnli", "zero_shot", "accuracy", 60.0, 100.0),  # Fig. 9, not Table 5
            ("mbert/clsa-all/kmeans5", "xnli", "in_language", "accuracy", 67.7, None),
            ("mbert/l2kmeans5", "xnli", "in_language", "accuracy", 50.0, 70.0),  # App. E, not Table 5
        ]
    )
    cells = tomato.table5_cells(frame).set_index(["row", "column"])["ours"]
    oracle = f"mBERT: d=768, r_G=100%, CLSA {NA}, PT {OK}"
    assert cells[(oracle, "MasakhaNER F1")] == pytest.approx(0.745)
    assert cells[(oracle, "TyDiQA F1")] == pytest.approx(77.0)
    assert cells[(oracle, "MIRACL (bi-) nDCG@10")] == pytest.approx(0.594)
    assert cells[(oracle, "MIRACL (bi-) perc")] == 100.0
    assert cells[(f"Figure 4: d=768, r_G=5%, CLSA {OK}, PT {NO}", "XNLI Acc")] == pytest.approx(0.677)
    assert len(cells) == 7  # 3 scores + 3 percs of the oracle, XNLI of the CLSA row without perc


def test_tomato_table3_cells_take_the_full_vocabulary_and_the_clsa_chain():
    frame = pd.DataFrame(
        {
            "pipeline": ["mbert/cpt", "mbert/kmeans5/cpt", "mbert/clsa-all/kmeans5/cpt", "mbert/d32/clsa-all/kmeans5/cpt", "mbert/d8/cpt"],
            "parameters": [178_000_000, 90_000_000, 90_000_000, 86_000_000, 86_500_000],
            "peak_memory_mb": [76390.4, 19558.4, 19558.4, 19558.4, 76000.0],
            "steps_per_s": [1.9, 5.1, 5.1, 5.3, 1.9],
        }
    )
    cells = tomato.table3_cells(frame).set_index(["row", "column"])["ours"]
    assert sorted(set(cells.index.get_level_values(0))) == ["d=32, r_G=5.0%", "d=768, r_G=100.0%", "d=768, r_G=5.0%"]
    assert cells[("d=768, r_G=100.0%", "# Para (M)")] == pytest.approx(178)
    assert cells[("d=768, r_G=100.0%", "GPU Mem (G)")] == pytest.approx(74.6)
    assert cells[("d=32, r_G=5.0%", "steps / sec")] == pytest.approx(5.3)


def test_tomato_cells_of_a_demo_run_all_match_published_cells(published):
    table5 = table5_frame(
        [("tiny/cpt", "xnli", "in_language", "accuracy", 65.6, 100.0), ("tiny/d8/cpt", "xnli", "in_language", "accuracy", 37.5, 57.1)]
    )
    table3 = pd.DataFrame({"pipeline": ["tiny/cpt"], "parameters": [99029], "peak_memory_mb": [635.1], "steps_per_s": [9.9]})
    ours = tomato.our_cells({"table3": table3, "table5": table5})
    compared = compare(published[published["paper"] == "Tomato"], ours)
    assert compared["ours"].notna().sum() == len(ours) == 7
    with pytest.raises(XlclustError, match="table5"):  # a missing table is named before any is read
        adapter_cells(tomato, {"table3": "results/tomato/table3.csv"})


def test_icebert_table2_takes_the_stages_average_of_the_languages_but_the_training_one():
    scores = pd.DataFrame(
        [
            ("icebert-small", "icebert", "small", 1, "en", 80.0, 90.0),
            ("icebert-small", "icebert", "small", 1, "ar", 10.0, 20.0),
            ("icebert-small", "icebert", "small", 2, "ar", 20.0, 30.0),
            ("icebert-small", "icebert", "small", 1, "te", 5.0, 10.0),
            ("icebert-small", "icebert", "small", 2, "te", 15.0, 20.0),
            ("icebert-small", "icebert", "small", 2, "en", 70.0, 80.0),
            ("mbert", "mbert", "base", 1, "ar", 40.0, 50.0),
            ("kmeans20-small", "kmeans20", "small", 1, "ar", 1.0, 2.0),  # no Table 2 row
        ],
        columns=["model", "tokenizer", "size", "seed", "language", "EM", "F1"],
    )
    cells = icebert.table2_cells(summarize_scores(scores, "en")).set_index(["row", "column"])["ours"]
    assert cells[("ICEBERTSMALL", "EM")] == pytest.approx((15.0 + 10.0) / 2)
    assert cells[("ICEBERTSMALL", "F1")] == pytest.approx((25.0 + 15.0) / 2)
    assert cells[("mBERT", "F1")] == 50.0 and len(cells) == 4
    # another training language (tydiqa.train_language): English is averaged in, Arabic left out
    cells = icebert.table2_cells(summarize_scores(scores, "ar")).set_index(["row", "column"])["ours"]
    assert cells[("ICEBERTSMALL", "EM")] == pytest.approx((75.0 + 10.0) / 2)


def test_icebert_bli_takes_the_nearest_neighbour_average():
    bli = pd.DataFrame(
        [
            ("avg", "avg", "nn", "P@1", 0.2),
            ("avg", "avg", "nn", "MRR", 0.3),
            ("avg", "avg", "csls", "P@1", 0.25),
            ("ru", "en", "nn", "P@1", 0.4),
        ],
        columns=["source", "target", "retrieval", "metric", "value"],
    )
    cells = icebert.bli_cells(bli).set_index("column")["ours"]
    assert cells.to_dict() == {"p@1": 0.2, "MRR": 0.3}
    with pytest.raises(XlclustError, match="average per metric"):
        icebert.bli_cells(pd.concat([bli, bli.head(1)]))


def test_icebert_cells_of_a_demo_run_all_match_published_cells(published):
    scores = pd.DataFrame(
        [("baseline-tiny", "baseline", "tiny", 1, "qcy", 6.5, 11.3), ("icebert-tiny", "icebert", "tiny", 1, "qcy", 43.3, 45.3)],
        columns=["model", "tokenizer", "size", "seed", "language", "EM", "F1"],
    )
    bli = pd.DataFrame(
        [("avg", "avg", "nn", m, 0.5) for m in ("P@1", "P@5", "P@10", "MRR")], columns=["source", "target", "retrieval", "metric", "value"]
    )
    ours = icebert.our_cells({"tydiqa": summarize_scores(scores, "en"), "bli": bli})
    compared = compare(published[published["paper"] == "ICEBERT"], ours)
    assert compared["ours"].notna().sum() == len(ours) == 8
    assert compared.set_index(["row", "column"]).loc[("BaselineSMALL", "F1"), "ours"] == pytest.approx(11.3)
