"""Shaffer's, Hangya's and van der Heijden's transcribed tables (xlclust/data/published/tables.csv),
checked against cells read by hand from the papers' text copies, and their adapters on small frames in
the formats of this run's results."""

import math

import pandas as pd
import pytest

from xlclust.comparison import hangya, heijden, shaffer
from xlclust.comparison.compare import OURS_COLUMNS, compare
from xlclust.comparison.published import KEYS, load_published


@pytest.fixture(scope="module")
def published():
    return load_published()


def cell(published, paper, table, row, column, metric):
    hit = published[
        (published["paper"] == paper)
        & (published["table"] == table)
        & (published["row"] == row)
        & (published["column"] == column)
        & (published["metric"] == metric)
    ]
    assert len(hit) == 1, (paper, table, row, column, metric, len(hit))
    return hit.iloc[0]


# (table, row, column, metric, value): read from the text copies, first and last rows included
SHAFFER = [
    ("Table 3", "yo", "Monolingual / LOC", "f1", 13.13),
    ("Table 3", "yo", "Monolingual / LOC", "f1_std", 5.67),
    ("Table 3", "yo", "Multilingual / PER", "f1", 82.10),
    ("Table 3", "sw", "Clustering / ORG", "f1", 88.87),
    ("Table 3", "en", "Multilingual / PER", "f1", 87.9),
    ("Table 3", "hi", "Language Family / PER", "f1_std", 0.89),
    ("Table 3", "ar", "Clustering / LOC", "f1", 88.36),
    ("Table 3", "he", "Multilingual / LOC", "f1", 86.2),
    ("Table 3", "ko", "Language Family / ORG", "f1", 76.69),
    ("Table 3", "ja", "Monolingual / LOC", "f1", 71.63),
    ("Table 3", "ja", "Multilingual / PER", "f1_std", 0.25),
    ("Table 4", "yo", "LOC", "f1", 24.30),
    ("Table 4", "yo", "ORG", "f1_difference", -77.96),
    ("Table 4", "yo", "PER", "f1", 61.13),
    ("Table 4", "sw", "LOC", "f1_difference", -33.24),
    ("Table 4", "sw", "ORG", "f1", 37.35),
    ("Table 4", "sw", "PER", "f1", 87.11),
    ("Table 4", "sw", "PER", "f1_difference", -5.46),
    ("Table 4", "yo", "PER", "f1_difference", -29.48),
    ("Table 5", "CoNLL-2003 English test", "WikiAnn", "f1", 58.06),
    ("Table 5", "CoNLL-2003 English test", "CoNLL-2003", "f1", 90.27),
    ("Table 5", "CoNLL-2003 English test", "All", "f1", 89.02),
    ("Table 5", "CoNLL-2003 English test", "Cluster Comb.", "f1", 90.83),
]
HANGYA = [
    ("Table 2", "mBERT", "Bn", "accuracy", 14.31),
    ("Table 2", "mBERT", "Ne", "accuracy", 2.28),
    ("Table 2", "mBERT_linear_unsup", "Sw", "accuracy", 13.49),
    ("Table 2", "mBERT_full_sup", "Ml", "accuracy", 46.34),
    ("Table 2", "mBERT_linear_sup", "Af", "accuracy", 18.50),
    ("Table 2", "eBERT", "Gu", "accuracy", 7.01),
    ("Table 2", "eBERT_linear_unsup", "Ne", "accuracy", 7.16),
    ("Table 2", "eBERT_full_sup", "Kn", "accuracy", 44.60),
    ("Table 2", "eBERT_linear_sup", "Bn", "accuracy", 26.48),
    ("Table 3", "mBERT", "Bn", "f1", 40.45),
    ("Table 3", "mBERT_vecmap_id", "Kn", "f1", 14.85),
    ("Table 3", "mBERT_vecmap_sup", "Af", "f1", 42.61),
    ("Table 3", "mBERT_full_sup", "Sw", "f1", 31.46),
    ("Table 3", "mBERT_linear_sup", "Ne", "f1", 28.44),
    ("Table 3", "eBERT", "Ne", "f1", 38.13),
    ("Table 3", "eBERT_vecmap_sup", "Bn", "f1", 36.29),
    ("Table 3", "eBERT_linear_unsup", "Gu", "f1", 31.82),
    ("Table 3", "eBERT_linear_sup", "Ml", "f1", 34.85),
    ("Table 5", "bestBERT", "Bn", "f1", 40.45),
    ("Table 5", "bestBERT", "Ne", "f1", 38.13),
    ("Table 5", "intersection", "Af", "relative_f1_change", -1.45),
    ("Table 5", "intersection", "Kn", "relative_f1_change", -1.29),
    ("Table 5", "intersection", "Gu", "relative_f1_change", -1.57),
    ("Table 5", "forward-backward", "Eu", "relative_f1_change", 5.42),
    ("Table 5", "forward-backward", "Sw", "relative_f1_change", 0.20),
    ("Table 5", "forward-backward", "Kn", "relative_f1_change", 0.10),
    ("Table 5", "forward-backward", "Ne", "relative_f1_change", 5.62),
]
HEIJDEN = [
    ("Table 2", "NER / English", "BPE BOW", "f1", 0.509),
    ("Table 2", "NER / English", "BERT", "f1", 0.914),
    ("Table 2", "NER / English", "Literature", "f1_monolingual", 0.935),
    ("Table 2", "NER / Dutch", "MUSE", "f1_monolingual", 0.64),
    ("Table 2", "NER / German", "LASER-top", "f1", 0.617),
    ("Table 2", "NER / Spanish", "LSTM No Pre", "f1", 0.1567),
    ("Table 2", "NER / Basque", "XLM", "f1", 0.0811),
    ("Table 2", "NER / Hungarian", "BERT", "f1", 0.455),
    ("Table 2", "NER / Dutch", "Literature", "f1", 0.654),
    ("Table 2", "POS / English", "LASER-elmo", "f1", 0.884),
    ("Table 2", "POS / German", "BPE GRU", "f1_monolingual", 0.912),
    ("Table 2", "POS / Spanish", "XLM", "f1_monolingual", 0.941),
    ("Table 3", "NER / English", "BPE BOW", "f1", 0.330),
    ("Table 3", "NER / English", "BPE BOW", "f1_b_minus_a", 0.096),
    ("Table 3", "NER / English", "XLM", "f1_b_minus_a", 0.001),
    ("Table 3", "NER / Dutch", "LASER-top", "f1", 0.709),
    ("Table 3", "NER / Basque", "LASER-elmo", "f1_b_minus_a", -0.047),
    ("Table 3", "NER / Hungarian", "BPE GRU", "f1_b_minus_a", 0.097),
    ("Table 3", "POS / English", "BPE BOW", "f1_b_minus_a", 0.168),
    ("Table 3", "POS / German", "BERT", "f1", 0.937),
    ("Table 3", "POS / Spanish", "BPE BOW", "f1", 0.1),
    ("Table 3", "POS / Spanish", "XLM", "f1_b_minus_a", 0.002),
]


@pytest.mark.parametrize(
    "paper,expected", [("Shaffer", SHAFFER), ("Hangya", HANGYA), ("Heijden", HEIJDEN)], ids=["Shaffer", "Hangya", "Heijden"]
)
def test_hand_read_cells_are_transcribed_as_printed(published, paper, expected):
    for table, row, column, metric, value in expected:
        assert cell(published, paper, table, row, column, metric)["value"] == pytest.approx(value), (table, row, column, metric)


def test_each_table_has_every_printed_cell(published):
    """Shaffer: Table 3 is 15 languages × 4 schemes × 3 classes, mean and std; Table 4 two languages × 3
    classes, F1 and difference; Table 5 four. Hangya: Tables 2/3 without their '-' cells (2: 4 mBERT rows
    × 9 + 4 eBERT rows × 5; 3: 5 mBERT rows × 9 + vecmap_sup's 4 + 5 eBERT rows × 5 + eBERT_vecmap_sup's
    1); Table 5 three rows × 9. Heijden: Table 2's 10 rows × 9 columns and the 49 '/monolingual' values;
    Table 3's 10 rows × 7 models, base and change."""
    counts = published.groupby(["paper", "table"]).size().to_dict()
    assert {key: n for key, n in counts.items() if key[0] in ("Shaffer", "Hangya", "Heijden")} == {
        ("Shaffer", "Table 3"): 360,
        ("Shaffer", "Table 4"): 12,
        ("Shaffer", "Table 5"): 4,
        ("Hangya", "Table 2"): 56,
        ("Hangya", "Table 3"): 75,
        ("Hangya", "Table 5"): 27,
        ("Heijden", "Table 2"): 139,
        ("Heijden", "Table 3"): 140,
    }


def test_hangyas_dash_cells_are_left_out(published):
    rows = published[(published["paper"] == "Hangya") & (published["table"] == "Table 3")]
    assert not ((rows["row"] == "mBERT_vecmap_sup") & (rows["column"] == "Ml")).any()
    assert not ((rows["row"] == "eBERT") & (rows["column"] == "Eu")).any()
    assert set(rows.loc[rows["row"] == "mBERT_vecmap_sup", "column"]) == {"Bn", "Eu", "Mk", "Af"}


@pytest.mark.parametrize(
    "row,column,metric,note",
    [
        ("NER / Basque", "BERT", "f1_b_minus_a", "garbled in the text copy: '0.502-0.'"),
        ("POS / Dutch", "BERT", "f1_b_minus_a", "garbled in the text copy: '0.949-0.'"),
        ("NER / Basque", "MUSE", "f1", "no MUSE embeddings for Basque"),
        ("NER / English", "Literature", "f1", "not reported"),
        ("POS / Spanish", "Literature", "f1", "not available in literature"),
    ],
)
def test_garbled_and_unreported_cells_are_empty_with_a_note(published, row, column, metric, note):
    table = "Table 3" if metric == "f1_b_minus_a" else "Table 2"
    flagged = cell(published, "Heijden", table, row, column, metric)
    assert math.isnan(flagged["value"]) and note in flagged["note"]


def test_the_readable_half_of_a_garbled_cell_is_kept(published):
    assert cell(published, "Heijden", "Table 3", "NER / Basque", "BERT", "f1")["value"] == pytest.approx(0.502)
    assert cell(published, "Heijden", "Table 3", "POS / German", "BPE BOW", "f1_b_minus_a")["value"] == pytest.approx(-0.003)


def test_only_heijdens_flagged_cells_are_empty(published):
    ours = published[published["paper"].isin(["Shaffer", "Hangya", "Heijden"])]
    empty = ours[ours["value"].isna()]
    assert set(empty["paper"]) == {"Heijden"} and len(empty) == 10
    assert (empty["note"] != "").all()


def test_languages_are_iso_codes_of_the_cells(published):
    assert cell(published, "Hangya", "Table 2", "mBERT", "Sw", "accuracy")["language"] == "sw"
    assert cell(published, "Heijden", "Table 2", "NER / Hungarian", "BERT", "f1")["language"] == "hu"
    assert cell(published, "Shaffer", "Table 5", "CoNLL-2003 English test", "All", "f1")["language"] == "en"


# -- the adapters: labels that exist in the transcription, values in the paper's units


def test_every_mapped_label_is_one_the_transcription_prints(published):
    def labels(paper, key):
        return set(published.loc[published["paper"] == paper, key])

    assert set(hangya.ROWS.values()) <= labels("Hangya", "row")
    assert set(hangya.MODES.values()) | {"bestBERT"} <= labels("Hangya", "row")
    assert set(hangya.COLUMNS.values()) == labels("Hangya", "column")
    assert set(heijden.EMBEDDERS.values()) <= labels("Heijden", "column")
    assert {f"{t} / {lang}" for t in heijden.TASKS.values() for lang in heijden.LANGUAGES.values()} >= labels("Heijden", "row")
    assert {f"{s} / {c}" for s in shaffer.SCHEMES.values() for c in shaffer.CLASSES} == labels("Shaffer", "column") - {
        "LOC",
        "ORG",
        "PER",
        *shaffer.TRAININGS.values(),
        "Cluster Comb.",
    }


def ours_value(cells, table, row, column, metric):
    hit = cells[(cells["table"] == table) & (cells["row"] == row) & (cells["column"] == column) & (cells["metric"] == metric)]
    assert len(hit) == 1, (table, row, column, metric, len(hit))
    return hit["ours"].iloc[0]


def summary_rows(rows):
    return pd.DataFrame(rows, columns=["scheme", "group", "language", "class", "f1_mean", "f1_std", "seeds"])


SHAFFER_GROUPS = pd.DataFrame(
    [
        ["generalization", "wikiann", "train", "en", "monolingual/en"],
        ["generalization", "wikiann", "evaluate", "conll2003", "monolingual/en"],
        ["generalization", "cluster", "train", "en", "cluster/c2"],
        ["generalization", "cluster", "train", "de", "cluster/c2"],
        ["generalization", "cluster", "evaluate", "conll2003", "cluster/c2"],
    ],
    columns=["scheme", "group", "role", "language", "run"],
)


def test_shaffer_adapter_maps_schemes_classes_and_the_generalization_study(published):
    summary = summary_rows(
        [
            ["monolingual", "yo", "yo", "LOC", 12.0, 5.0, 5],
            ["cluster", "c2", "yo", "ORG", 80.0, 0.5, 5],
            ["family", "Indo-European", "en", "PER", 86.0, 0.2, 5],
            ["multilingual", "all", "ja", "PER", 77.0, 0.3, 5],
            ["cluster", "c2", "sw", "LOC", 88.0, 0.4, 5],
            ["zeroshot", "c2_minus", "sw", "LOC", 55.0, 0.0, 5],
            ["monolingual", "qcy", "qcy", "LOC", 50.0, 0.0, 5],  # not a paper language: no cell
            ["monolingual", "yo", "yo", "all", 9.0, 1.0, 5],  # Table 3 prints classes only
            ["generalization", "cluster", "conll2003", "all", 58.5, 0.0, 1],
            ["generalization", "wikiann", "conll2003", "all", 40.0, 0.0, 1],  # no column of the paper's
        ]
    )
    cells = shaffer.our_cells({"summary": summary, "groups": SHAFFER_GROUPS})
    assert list(cells.columns) == OURS_COLUMNS and len(cells) == 13
    assert ours_value(cells, "Table 3", "yo", "Monolingual / LOC", "f1") == 12.0
    assert ours_value(cells, "Table 3", "yo", "Monolingual / LOC", "f1_std") == 5.0
    assert ours_value(cells, "Table 3", "yo", "Clustering / ORG", "f1") == 80.0
    assert ours_value(cells, "Table 3", "en", "Language Family / PER", "f1") == 86.0
    assert ours_value(cells, "Table 3", "ja", "Multilingual / PER", "f1_std") == 0.3
    assert ours_value(cells, "Table 4", "sw", "LOC", "f1") == 55.0
    assert ours_value(cells, "Table 4", "sw", "LOC", "f1_difference") == pytest.approx(-33.0)
    assert ours_value(cells, "Table 5", "CoNLL-2003 English test", "WikiAnn", "f1") == 58.5
    assert compare(published, cells)["ours"].notna().sum() == 13  # every cell finds its published one


def test_shaffer_table5_needs_an_english_study():
    groups = SHAFFER_GROUPS.replace({"en": "de"})
    summary = summary_rows([["generalization", "cluster", "conll2003", "all", 58.5, 0.0, 1]])
    assert shaffer.generalization_language(SHAFFER_GROUPS) == "en"
    assert shaffer.our_cells({"summary": summary, "groups": groups}).empty


RETRIEVAL = pd.DataFrame(
    [
        ["base", "bn", "avg", "avg", 100, 0.1431],
        ["base", "bn", "bn", "en", 100, 0.99],  # one direction: not the table's figure
        ["ebert_mined", "ne", "avg", "avg", 100, 0.0716],
        ["mined_intersection", "bn", "avg", "avg", 100, 0.2],  # Table 5 only: no Table 2 cell
        ["ebert", "eu", "avg", "avg", 100, 0.05],  # the paper has no eBERT for Basque
    ],
    columns=["method", "language", "source", "target", "pairs", "accuracy"],
)


def ner_rows(rows):
    return pd.DataFrame(
        [[m, lang, cls, 0.0, 0.0, f1, 10, 0.0] for m, lang, cls, f1 in rows],
        columns=["method", "language", "class", "precision", "recall", "f1", "support", "best_dev_f1"],
    )


NER = ner_rows(
    [
        ["base", "bn", "all", 40.45],
        ["base", "bn", "LOC", 99.0],  # a class: not the table's figure
        ["ebert", "bn", "all", 36.50],
        ["mined", "bn", "all", 43.57],
        ["mined_intersection", "bn", "all", 42.48],
        ["ebert_mined", "bn", "all", 34.47],
        ["vecmap_sup", "bn", "all", 29.72],
        ["base", "ne", "all", 27.97],
        ["ebert", "ne", "all", 38.13],
        ["ebert_mined", "ne", "all", 43.75],
        ["mined", "ne", "all", 28.26],
        ["vecmap_sup", "ml", "all", 10.0],  # a '-' of the paper: no cell
        ["base", "qcy", "all", 5.0],  # not a paper language
    ]
)


def test_hangya_adapter_maps_methods_and_converts_accuracy_to_percent(published):
    cells = hangya.our_cells({"retrieval": RETRIEVAL, "ner": NER})
    assert list(cells.columns) == OURS_COLUMNS
    assert ours_value(cells, "Table 2", "mBERT", "Bn", "accuracy") == pytest.approx(14.31)
    assert ours_value(cells, "Table 2", "eBERT_linear_unsup", "Ne", "accuracy") == pytest.approx(7.16)
    assert len(cells[cells["table"] == "Table 2"]) == 2
    assert ours_value(cells, "Table 3", "mBERT", "Bn", "f1") == 40.45
    assert ours_value(cells, "Table 3", "eBERT_linear_unsup", "Ne", "f1") == 43.75
    assert ours_value(cells, "Table 3", "mBERT_vecmap_sup", "Bn", "f1") == 29.72
    assert len(cells[cells["table"] == "Table 3"]) == 9
    assert compare(published, cells)["ours"].notna().sum() == len(cells)


def test_hangya_table5_is_each_mode_against_the_better_baseline():
    cells = hangya.our_cells({"retrieval": RETRIEVAL, "ner": NER})
    table5 = cells[cells["table"] == "Table 5"]
    assert ours_value(table5, "Table 5", "bestBERT", "Bn", "f1") == 40.45  # mBERT beats eBERT on Bn
    assert ours_value(table5, "Table 5", "forward-backward", "Bn", "relative_f1_change") == pytest.approx(3.12)
    assert ours_value(table5, "Table 5", "intersection", "Bn", "relative_f1_change") == pytest.approx(2.03)
    assert ours_value(table5, "Table 5", "bestBERT", "Ne", "f1") == 38.13  # eBERT beats mBERT on Ne
    assert ours_value(table5, "Table 5", "forward-backward", "Ne", "relative_f1_change") == pytest.approx(5.62)
    assert len(table5) == 5  # Bn: best and both modes; Ne: no eBERT intersection run, no cell


def test_hangya_table5_has_no_best_bert_where_mbert_did_not_run():
    """bestBERT is the better of two: with mBERT's score missing it is unknown, not eBERT's (as
    results/lowres/mining_modes.csv's best_bert, which refuses such a run)."""
    ner = ner_rows(
        [["ebert", "gu", "all", 30.0], ["ebert_mined", "gu", "all", 35.0], ["base", "ne", "all", 20.0], ["mined", "ne", "all", 22.5]]
    )
    cells = hangya.our_cells({"retrieval": RETRIEVAL[RETRIEVAL["language"] == "zz"], "ner": ner})
    table5 = cells[cells["table"] == "Table 5"]
    assert sorted(zip(table5["row"], table5["language"], table5["ours"])) == [("bestBERT", "ne", 20.0), ("forward-backward", "ne", 2.5)]


def test_hangya_adapter_gives_no_cells_for_languages_the_paper_lacks():
    ner = ner_rows([["base", "qcy", "all", 5.0], ["mined", "qcy", "all", 6.0]])
    retrieval = RETRIEVAL[RETRIEVAL["language"] == "zz"]
    assert hangya.our_cells({"retrieval": retrieval, "ner": ner}).empty


def tagging_rows(columns, rows):
    return pd.DataFrame(rows, columns=["task", "embedder", "language", *columns])


def test_heijden_adapter_maps_embedders_and_converts_percent_to_fractions(published):
    table2 = tagging_rows(
        ["zeroshot", "zeroshot_std", "zeroshot_seeds", "monolingual", "monolingual_std", "monolingual_seeds"],
        [
            ["ner", "bpe_bow", "en", 50.9, None, 1, None, None, None],
            ["ner", "muse", "nl", 47.7, None, 1, 64.0, None, 1],
            ["pos", "lstm_nopre", "es", 36.7, None, 1, 91.8, None, 1],
            ["ner", "laser_top", "qcy", 30.0, None, 1, None, None, None],  # not a paper language
        ],
    )
    table3 = tagging_rows(
        ["joint_a", "joint_a_std", "joint_a_seeds", "joint_b", "joint_b_std", "joint_b_seeds", "b_minus_a"],
        [
            ["ner", "xlm", "en", 85.4, None, 1, 85.5, None, 1, 0.1],
            ["ner", "muse", "en", 70.0, None, 1, 71.0, None, 1, 1.0],  # Table 3 has no MUSE column
            ["pos", "bert", "de", 93.7, None, 1, None, None, None, None],
        ],
    )
    cells = heijden.our_cells({"table2": table2, "table3": table3})
    assert list(cells.columns) == OURS_COLUMNS and len(cells) == 8
    assert ours_value(cells, "Table 2", "NER / English", "BPE BOW", "f1") == pytest.approx(0.509)
    assert ours_value(cells, "Table 2", "NER / Dutch", "MUSE", "f1_monolingual") == pytest.approx(0.64)
    assert ours_value(cells, "Table 2", "POS / Spanish", "LSTM No Pre", "f1") == pytest.approx(0.367)
    assert ours_value(cells, "Table 3", "NER / English", "XLM", "f1_b_minus_a") == pytest.approx(0.001)
    assert ours_value(cells, "Table 3", "POS / German", "BERT", "f1") == pytest.approx(0.937)
    assert compare(published, cells)["ours"].notna().sum() == 8


def test_adapters_read_the_workflows_result_tables():
    assert set(shaffer.INPUTS.values()) == {"results/ner/summary.csv", "results/ner/groups.csv"}
    assert set(hangya.INPUTS.values()) == {"results/word_retrieval_scores.csv", "results/lowres_ner_scores.csv"}
    assert set(heijden.INPUTS.values()) == {"results/tagging/table2.csv", "results/tagging/table3.csv"}
    assert all(module.PAPER in ("Shaffer", "Hangya", "Heijden") for module in (shaffer, hangya, heijden))
    assert KEYS[0] == "paper"
