"""Rule mined_pairs_report: what was mined for every language (Hangya et al. 2022 Table 9) and the most
often mined pairs in their sentences (Table 4)."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd
import pyarrow.parquet as pq

from xlclust.atomic import write_csv_atomic
from xlclust.lowres.types import mined_types, pair_examples, type_counts
from xlclust.runlog import start_job

start_job(snakemake)
params, inputs = snakemake.params, snakemake.input
english = pq.read_table(inputs.english, columns=["text"]).column(0).to_pylist()
counts, examples = [], []
for lang, layers, sentences in zip(params.languages, inputs.layers, inputs.sentences):
    pairs = pq.read_table(f"{layers}/mined_pairs.parquet").to_pandas()
    counts.append(type_counts(mined_types(pairs), pairs, lang))
    texts = pq.read_table(sentences, columns=["text"]).column(0).to_pylist()
    examples.append(pair_examples(pairs, texts, english, lang, params.examples))
write_csv_atomic(pd.DataFrame(counts), snakemake.output.types)
write_csv_atomic(pd.concat(examples, ignore_index=True), snakemake.output.examples)
