"""Rule wikiann_ner_scores: every NER group's scores (from the run that trained its model) in one table, Table 3 (mean (std) F1 per language
× scheme), the box plots of Fig. 2, and Table 5 (the generalization study) where configured."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import write_csv_atomic
from xlclust.ner.groups import GENERALIZATION, scores_by_group
from xlclust.ner.report import SCORE_COLUMNS, ordered_schemes, summarize, table3, table5
from xlclust.plots import ner_boxplot_figure
from xlclust.runlog import start_job
from xlclust.token_classification.metrics import OVERALL

start_job(snakemake)
output = snakemake.output
run_scores = pd.concat([pd.read_csv(path) for path in snakemake.input.runs])
scores = scores_by_group(run_scores, pd.read_csv(snakemake.input.groups))[SCORE_COLUMNS]
scores = scores.sort_values(["scheme", "group", "language", "class", "seed"]).reset_index(drop=True)
write_csv_atomic(scores, output.scores)
summary = summarize(scores)
write_csv_atomic(summary, output.summary)
wikiann = summary["scheme"] != GENERALIZATION  # Table 3 and Fig. 2: WikiAnn test sets only
table = table3(summary[wikiann])
write_csv_atomic(table, output.table)
logging.info("F1, mean (std) over seeds:\n%s", table.to_string(index=False))
overall = scores[(scores["class"] == OVERALL) & (scores["scheme"] != GENERALIZATION)]
ner_boxplot_figure(overall, ordered_schemes(overall["scheme"]), output.figure)
if snakemake.params.corpus:
    generalization = table5(summary, snakemake.params.corpus)
    write_csv_atomic(generalization, output.generalization)
    logging.info("Table 5, F1 on %s's test set:\n%s", snakemake.params.corpus, generalization.to_string(index=False))
