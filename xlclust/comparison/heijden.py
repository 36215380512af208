"""van der Heijden et al.'s tagging tables from this run's: Table 2 (zero-shot F1 from English, with the
monolingual F1 after the '/') and Table 3 (joint training: scenario A's F1 and B's change from it). The
paper prints F1 as a fraction, our tables as a percentage."""

from __future__ import annotations

import pandas as pd

from xlclust.comparison.cells import cells_frame, printed_only

PAPER = "Heijden"
INPUTS = {"table2": "results/tagging/table2.csv", "table3": "results/tagging/table3.csv"}

# our embedders (tagging.embedders) -> the tables' columns
EMBEDDERS = {
    "bpe_bow": "BPE BOW",
    "bpe_gru": "BPE GRU",
    "muse": "MUSE",
    "laser_top": "LASER-top",
    "laser_elmo": "LASER-elmo",
    "lstm_nopre": "LSTM No Pre",
    "bert": "BERT",  # multilingual BERT (tagging.finetuned_models: mbert), as the paper's
    "xlm": "XLM",
}
# The paper prints F1 for POS as well; ours scores POS by token accuracy, which is the micro-averaged F1
# of a one-tag-per-token task, so the two are the same figure.
TASKS = {"ner": "NER", "pos": "POS"}
LANGUAGES = {"en": "English", "nl": "Dutch", "de": "German", "es": "Spanish", "eu": "Basque", "hu": "Hungarian"}
# our table's value columns -> the cells' metrics (Table 2: "zero-shot/monolingual"; Table 3: "A+(B−A)")
METRICS = {
    "Table 2": {"zeroshot": "f1", "monolingual": "f1_monolingual"},
    "Table 3": {"joint_a": "f1", "b_minus_a": "f1_b_minus_a"},
}


def table_cells(ours: pd.DataFrame, table: str) -> list[list]:
    rows = ours[ours["task"].isin(list(TASKS)) & ours["embedder"].isin(list(EMBEDDERS)) & ours["language"].isin(list(LANGUAGES))]
    cells = []
    for column, metric in METRICS[table].items():
        for task, embedder, lang, value in zip(rows["task"], rows["embedder"], rows["language"], rows[column]):
            if pd.notna(value):
                row = f"{TASKS[task]} / {LANGUAGES[lang]}"
                cells.append([PAPER, table, row, EMBEDDERS[embedder], lang, metric, round(value / 100, 6)])
    return cells


def our_cells(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    cells = table_cells(tables["table2"], "Table 2") + table_cells(tables["table3"], "Table 3")
    return printed_only(cells_frame(cells))
