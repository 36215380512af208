"""Rule clsa: cross-lingual subword alignment of a pipeline's model (§2.2); a pair set with the
``roundtrip`` source adds the model's own round-trip pairs (rule roundtrip_pairs, App. B)."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.grouping.clsa import ClsaSettings, save_aligned_model
from xlclust.grouping.clsa_pairs import read_pairs
from xlclust.grouping.model import load_masked_lm
from xlclust.models import ModelSource
from xlclust.runlog import start_job
from xlclust.settings import settings_from

start_job(snakemake)
params, wildcards = snakemake.params, snakemake.wildcards
settings = settings_from(ClsaSettings, params.training | {"seed": params.seed}, "grouping.clsa.training")
tokenizer, masked_lm = load_masked_lm(ModelSource(**params.model))
pairs = read_pairs(snakemake.input.pairs)
if hasattr(snakemake.input, "roundtrip"):
    pairs = list(dict.fromkeys(pairs + read_pairs(snakemake.input.roundtrip)))
metadata = {"pipeline": wildcards.pipeline, "model": params.model, "pair_set": wildcards.pairs}
save_aligned_model(tokenizer, masked_lm, pairs, settings, snakemake.output[0], metadata)
