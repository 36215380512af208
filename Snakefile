# xlclust — cross-lingual vocabulary and language clustering.
# The rules live in rules/, the algorithms in the xlclust package, settings in config.yaml.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


include: "rules/common.smk"
include: "rules/demo.smk"
include: "rules/corpus.smk"


rule all:
    input:
        all_targets(),
    default_target: True
