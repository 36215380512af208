# Helpers of rules/comparison.smk: which papers' stages this config plans, and their adapters' inputs.
from xlclust.comparison.papers import ADAPTERS

# A paper's cells of ours come from its stage's results: where the config plans none of them, the
# paper's published cells stand alone (the page says so). Today only Tomato's stage can plan nothing
# (grouping_eval with no pipelines); the other four always plan their tables.
PLANNED_STAGE = {
    "ICEBERT": tydiqa_targets,
    "Tomato": grouping_eval_targets,
    "Shaffer": ner_targets,
    "Hangya": lowres_targets,
    "Heijden": tagging_targets,
}


def compared_papers():
    return [adapter.PAPER for adapter in ADAPTERS if PLANNED_STAGE[adapter.PAPER]()]


def paper_comparison_inputs(wildcards):
    """Every result table the compared papers' adapters read, named {paper}_{name}."""
    papers = compared_papers()
    return {f"{adapter.PAPER}_{name}": path for adapter in ADAPTERS if adapter.PAPER in papers for name, path in adapter.INPUTS.items()}
