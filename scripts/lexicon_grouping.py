"""Rule lexicon_grouping: a model's subwords grouped so that a lexicon's translations share a group
("Tomato, Tomahto, Tomate" App. F) → token → group map."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np
import pandas as pd

from xlclust.grouping.clsa_pairs import read_pairs, single_subword_pairs
from xlclust.grouping.groups import group_table
from xlclust.grouping.lexicon import lexicon_components, lexicon_labels
from xlclust.grouping.outputs import write_group_map
from xlclust.models import ModelSource
from xlclust.runlog import start_job
from xlclust.search import SearchSettings
from xlclust.settings import settings_from

start_job(snakemake)
params = snakemake.params
tokens = pd.read_parquet(snakemake.input.tokens)
pair_ids, counts = single_subword_pairs(read_pairs(snakemake.input.pairs), ModelSource(**params.model).load_tokenizer())
components = lexicon_components(tokens, pair_ids)
search = settings_from(SearchSettings, params.search, "search")
labels, summary = lexicon_labels(
    np.load(snakemake.input.embeddings),
    components,
    params.ratio,
    seed=params.seed,
    init=params.init,
    max_iterations=params.max_iterations,
    search=search,
)
write_group_map(
    group_table(tokens, labels, method="lexicon"), snakemake.output, method="lexicon", ratio=params.ratio, extra=summary | counts
)
