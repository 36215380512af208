"""Rule mining_modes: forward-backward against intersection mining per language (Hangya et al. 2022
Table 5): word retrieval, zero-shot NER and what each mined per iteration."""

from pathlib import Path

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import write_csv_atomic
from xlclust.lowres.report import mining_modes
from xlclust.runlog import start_job

start_job(snakemake)
inputs = snakemake.input
iterations = pd.concat(
    [
        pd.read_csv(Path(layers) / "iterations.csv").assign(method=Path(layers).parent.name, language=Path(layers).name)
        for layers in inputs.layers
    ],
    ignore_index=True,
)
write_csv_atomic(mining_modes(pd.read_csv(inputs.retrieval), pd.read_csv(inputs.ner), iterations), snakemake.output[0])
