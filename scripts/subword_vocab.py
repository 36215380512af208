"""Rule subword_vocab: one language's segmenter, pieces and vectors (BPEmb or trained)."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.runlog import start_job
from xlclust.vocabulary.build import build_vocabulary, write_vocabulary
from xlclust.vocabulary.settings import VocabularySettings

start_job(snakemake)
space, metadata = build_vocabulary(
    snakemake.wildcards.lang,
    snakemake.params.source,
    VocabularySettings.from_config(snakemake.params.settings),
    sentences=snakemake.input.get("sentences"),
    work_dir=snakemake.params.work_dir,
    seed=snakemake.params.seed,
    threads=snakemake.threads,
)
out = snakemake.output
write_vocabulary(space, metadata, out.pieces, out.embeddings, out.model, out.metadata)
