"""Rule demo_figures: the demo's headline figures, one per line (figure,value)."""

from pathlib import Path

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_csv_atomic
from xlclust.demo.figures import headline_figures
from xlclust.runlog import start_job

start_job(snakemake)
inputs = snakemake.input
mined = {
    lang: (Path(layers) / "mined_types.csv", Path(dictionary))
    for lang, layers, dictionary in zip(snakemake.params.languages, inputs.mined, inputs.dictionaries)
}
figures = headline_figures(".", mined)
write_csv_atomic(figures, snakemake.output[0])
