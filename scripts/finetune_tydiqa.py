"""Rule finetune_tydiqa: one model, one seed, fine-tuned on the English TyDi QA GoldP questions."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pyarrow.parquet as pq

from xlclust.models import ModelSource
from xlclust.runlog import start_job
from xlclust.training.finetuning import FinetuneSpec
from xlclust.tydiqa.features import FeatureSpec
from xlclust.tydiqa.finetune import finetune

start_job(snakemake)
params = snakemake.params
model = params.model
source = ModelSource(snakemake.input.get("model", model.get("hub")), model.get("revision"), cache_dir=params.cache_dir)
questions = pq.read_table(snakemake.input.train).to_pylist()
finetune(
    source,
    questions,
    FinetuneSpec(seed=int(snakemake.wildcards.seed), **params.training),
    FeatureSpec(**params.features),
    params.checkpoints,
    snakemake.output[0],
)
