# xlclust — cross-lingual vocabulary and language clustering.
# The rules live in rules/, the algorithms in the xlclust package, settings in config.yaml.
import os

from snakemake.utils import min_version

from xlclust.workflow_config import validate_workflow_config

min_version("9.0")


# The paper configuration that ships with the workflow; --configfile files are merged over it.
configfile: os.path.join(workflow.basedir, "config.yaml")


# Fails with the offending config key before anything runs; fills in schema defaults.
validate_workflow_config(config, os.path.join(workflow.basedir, "schemas", "config.schema.yaml"))


# GPU rules also ask for gpu_jobs=1 where this machine has a GPU (rules/common.smk GPU_SLOT): profiles/default
# lets one run at a time on a workstation; a local scope makes a cluster's scheduler ignore it, while
# SLURM places jobs by their `gpu` count.
resource_scopes:
    gpu_jobs="local",


# snakemake --report report.html: every figure and table of a run, with the captions in report/.
report: "report/workflow.rst"


# In the order the stages build on each other: a stage's helpers may use those of the stages above it.
include: "rules/common.smk"
include: "rules/corpus.smk"
include: "rules/vocabulary.smk"
include: "rules/alignment.smk"
include: "rules/cluster.smk"
include: "rules/pretrain.smk"
include: "rules/tydiqa.smk"
include: "rules/grouping.smk"
include: "rules/grouping_inspection.smk"
include: "rules/grouping_eval.smk"
include: "rules/langclust.smk"
include: "rules/ner.smk"
include: "rules/lowres.smk"
include: "rules/tagging.smk"
include: "rules/comparison.smk"  # the papers' published numbers beside this run's
include: "rules/demo.smk"  # the demo's stand-ins of every stage's inputs


rule all:
    default_target: True
    input:
        all_targets(),
