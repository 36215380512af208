"""Rule grouping_eval_scores: every evaluation run → results/grouping_eval_scores.csv (each score
with ``relative``, its share of its reference's), Table 5 and the figures of "Tomato, Tomahto,
Tomate" (Figs. 3-7, 9-12; xlclust/grouping_eval/figures.py)."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import write_csv_atomic
from xlclust.grouping_eval.figures import write_figures
from xlclust.grouping_eval.report import embedding_sizes, run_rows, table5, with_relative
from xlclust.grouping_eval.studies import FIGURES
from xlclust.models import ModelSource
from xlclust.runlog import start_job

start_job(snakemake)
references = snakemake.params.references  # backbone → its reference pipeline (grouping.evaluation.reference)
runs = [
    run_rows(run["pipeline"], run["task"], run["train_language"], run["seed"], pd.read_csv(path))
    for run, path in zip(snakemake.params.runs, snakemake.input.scores)
]
scores = pd.concat(runs, ignore_index=True)
configs = {}
for pipeline, fields in snakemake.params.models.items():  # Fig. 6's |V'|, d and the backbones' |V|, D
    config = ModelSource(**fields).load_config()
    configs[pipeline] = {
        "vocab_size": config.vocab_size,
        "hidden_size": config.hidden_size,
        "reduced_embedding_dim": getattr(config, "reduced_embedding_dim", None),
    }
sizes = embedding_sizes(configs)
write_csv_atomic(with_relative(scores, references), snakemake.output.scores)
write_csv_atomic(table5(scores, references, sizes), snakemake.output.table5)
write_figures(scores, dict(zip(FIGURES, snakemake.output.figures, strict=True)), snakemake.output.fig10, references, sizes)
