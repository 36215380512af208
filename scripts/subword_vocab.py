"""Rule subword_vocab: one language's segmenter, pieces and vectors (BPEmb or trained)."""
import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.runlog import setup_logging
from xlclust.vocab.build import build_vocabulary, write_vocabulary

setup_logging(snakemake.log[0])
space, metadata = build_vocabulary(
    snakemake.wildcards.lang,
    snakemake.params.source,
    snakemake.params.settings,
    sentences=snakemake.input.get("sentences"),
    work_dir=snakemake.params.work_dir,
    seed=snakemake.params.seed,
    threads=snakemake.threads,
)
out = snakemake.output
write_vocabulary(space, metadata, out.pieces, out.embeddings, out.model, out.metadata)
