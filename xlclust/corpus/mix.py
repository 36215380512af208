"""The pretraining mix: sampling plan, duplication and the shared shuffle, with its report."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from xlclust.corpus.sampling import copies_per_line, smoothed_shares
from xlclust.corpus.shuffle import write_shuffled_mix


def build_mix(
    line_tables: dict[str, str | os.PathLike],
    output: str | os.PathLike,
    *,
    alpha: float,
    seed: int,
    bucket_mb: float,
) -> pd.DataFrame:
    """Sample, duplicate and shuffle every language's lines into ``output``.

    Returns the sampling table: language, n_i, p_i, q_i, duplication factor, and lines and
    whitespace tokens before and after sampling.
    """
    languages = sorted(line_tables)
    sizes = {lang: pq.ParquetFile(line_tables[lang]).metadata.num_rows for lang in languages}
    plan = smoothed_shares(sizes, alpha).set_index("language")
    copies, tokens_before, tokens_after = {}, {}, {}
    for number, lang in enumerate(languages):
        rng = np.random.default_rng([seed, number])
        copies[lang] = copies_per_line(sizes[lang], int(plan.loc[lang, "lines_after"]), rng)
        n_tokens = pq.read_table(line_tables[lang], columns=["n_tokens"]).column("n_tokens").to_numpy()
        tokens_before[lang] = int(n_tokens.sum())
        tokens_after[lang] = int((n_tokens.astype(np.int64) * copies[lang]).sum())
    rows = write_shuffled_mix(line_tables, copies, output, seed=seed, bucket_bytes=bucket_mb * 2**20)
    assert rows == int(plan["lines_after"].sum())
    plan["lines_before"] = plan["n_i"]
    plan["tokens_before"] = pd.Series(tokens_before)
    plan["tokens_after"] = pd.Series(tokens_after)
    columns = ["n_i", "p_i", "q_i", "duplication_factor", "lines_before", "lines_after", "tokens_before", "tokens_after"]
    return plan[columns].reset_index()
