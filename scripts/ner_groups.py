"""Rule ner_groups: the language groups NER models are trained on, from the config and the language clusters."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import write_csv_atomic
from xlclust.ner.groups import assign_runs, generalization_groups, groups_table, language_groups
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
table = pd.read_csv(snakemake.input[0])
chosen = table[(table["representation"] == params.representation) & (table["k"] == params.k)]
clusters = dict(zip(chosen["language"], chosen["cluster"]))
groups = language_groups(params.languages, params.schemes, params.families, clusters, params.held_out)
if params.generalization:
    study = params.generalization
    groups += generalization_groups(study["language"], study["name"], study["trainings"], clusters)
for group in assign_runs(groups):
    shared = "" if group["run"] == f"{group['scheme']}/{group['group']}" else f" (the model of run {group['run']})"
    logging.info("%s %s: train on %s, evaluate on %s%s", group["scheme"], group["group"], group["train"], group["evaluate"], shared)
write_csv_atomic(groups_table(groups), snakemake.output[0])
