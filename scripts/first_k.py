"""Rule first_k: the baseline map — the first r_G·|V| tokens kept, the rest read as unknown. A model's
tokens come in its tokenizer's emergence order where its files give one (xlclust.grouping.emergence)."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import numpy as np
import pandas as pd

from xlclust.grouping.emergence import ORDERS
from xlclust.grouping.groups import first_k_labels, group_table
from xlclust.grouping.outputs import write_group_map
from xlclust.runlog import start_job

start_job(snakemake)
tokens = pd.read_parquet(snakemake.input.tokens)
if "first_k_order" in tokens.columns:  # a model's vocabulary (the joint vocabulary: by frequency)
    order = str(tokens["first_k_order"].iloc[0])
    logging.info("First-k keeps the first tokens in this order: %s", ORDERS[order])
    if order != "bpe":
        logging.warning("First-k: the tokenizer's files give no emergence order (%s); the ID order stands in", order)
    tokens = tokens.drop(columns="first_k_order")
ranks = tokens.loc[~tokens["is_special"], "frequency_rank"].to_numpy()
labels = first_k_labels(np.argsort(ranks, kind="stable"), snakemake.params.ratio)
write_group_map(group_table(tokens, labels, method="firstk"), snakemake.output, method="firstk", ratio=snakemake.params.ratio)
