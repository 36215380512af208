"""Rule wikiann_ner_scores: every NER run's scores in one table, Table 3 (mean (std) F1 per language
× grouping) and the box plots of Fig. 2."""
import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)
import logging

import pandas as pd

from xlclust.atomic import write_csv_atomic
from xlclust.ner.metrics import OVERALL
from xlclust.ner.report import SCORE_COLUMNS, ordered_groupings, summarize, table3
from xlclust.plots import ner_boxplot_figure
from xlclust.runlog import setup_logging

setup_logging(snakemake.log[0])
output = snakemake.output
scores = pd.concat([pd.read_csv(path) for path in snakemake.input])[SCORE_COLUMNS]
scores = scores.sort_values(["grouping", "group", "language", "class", "seed"]).reset_index(drop=True)
write_csv_atomic(scores, output.scores)
summary = summarize(scores)
write_csv_atomic(summary, output.summary)
table = table3(summary)
write_csv_atomic(table, output.table)
logging.info("F1, mean (std) over seeds:\n%s", table.to_string(index=False))
ner_boxplot_figure(scores[scores["class"] == OVERALL], ordered_groupings(scores["grouping"]), output.figure)
