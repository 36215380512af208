"""Rule roundtrip_pairs: a pipeline's model's round-trip pairs (App. B) among MUSE's words."""

import json

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_text_atomic
from xlclust.download import fetch_verified
from xlclust.grouping.clsa_pairs import write_pairs
from xlclust.grouping.model import load_masked_lm
from xlclust.grouping.pair_sources import muse_pairs
from xlclust.grouping.roundtrip import roundtrip_pairs
from xlclust.models import ModelSource
from xlclust.runlog import start_job
from xlclust.search import SearchSettings
from xlclust.settings import settings_from

start_job(snakemake)
params = snakemake.params
spec = params.spec
key = "grouping.clsa.muse.location"
dictionaries = {}
for lang in spec["muse"]["languages"]:
    location = spec["muse"]["location"].format(source=spec["pivot"], target=lang)
    path = fetch_verified(location, spec["cache_dir"], spec["sha256"].get(location), f"{key} (grouping.clsa.sha256)")
    dictionaries[lang] = muse_pairs(str(path), key)
tokenizer, masked_lm = load_masked_lm(ModelSource(**params.model))
weight = masked_lm.get_input_embeddings().weight.detach().float().cpu().numpy()
pairs, counts = roundtrip_pairs(tokenizer, weight, dictionaries, settings_from(SearchSettings, params.search, "search"))
write_pairs(pairs, snakemake.output.pairs)
summary = {"pipeline": snakemake.wildcards.pipeline, "pairs": len(pairs), "by_language": counts}
write_text_atomic(snakemake.output.counts, json.dumps(summary, indent=2) + "\n")
