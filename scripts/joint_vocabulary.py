"""Rule joint_vocabulary: every language's pieces, language-marked, plus shared specials."""

import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import atomic_path
from xlclust.runlog import start_job
from xlclust.vocabulary.build import read_pieces
from xlclust.vocabulary.joint import joint_vocabulary

start_job(snakemake)
table = joint_vocabulary({lang: read_pieces(path) for lang, path in zip(snakemake.params.languages, snakemake.input)})
logging.info("%d tokens, %d specials", len(table), int(table["is_special"].sum()))
with atomic_path(snakemake.output[0], suffix=".parquet") as tmp:
    table.to_parquet(tmp, index=False)
