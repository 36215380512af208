"""Rule parallel_corpus: one language's parallel corpus with English, split into words and word-
aligned (gold links, or eflomal's intersected one-to-one links), cut into test, dev and train."""

import json
import logging
import tempfile

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_text_atomic
from xlclust.errors import XlclustError
from xlclust.lowres.parallel import check_parallel, eflomal_links, gold_links, one_to_one, read_side, split_names, write_table
from xlclust.lowres.words import tokenize_lines
from xlclust.runlog import start_job

start_job(snakemake)
params = snakemake.params
source, key = params.source, params.source_key
sums = source.get("sha256", {})
english = read_side(source["english"], params.cache_dir, sums.get("english"), f"{key}.english")
other = read_side(source["other"], params.cache_dir, sums.get("other"), f"{key}.other")
check_parallel(english, other, (source["english"], source["other"]))
limit = source.get("max_sentences")
english, other = english[:limit], other[:limit]
lang = snakemake.wildcards.lowres_lang
tokenizers = ["whitespace", "whitespace"] if source.get("pretokenized") else params.tokenizers
english_words = tokenize_lines(english, tokenizers[0], "en", params.max_words)
other_words = tokenize_lines(other, tokenizers[1], lang, params.max_words)
if source.get("links"):
    lines = read_side(source["links"], params.cache_dir, sums.get("links"), f"{key}.links")
    links = [one_to_one(pairs) for pairs in gold_links(lines, english_words, other_words, source, key)]
else:
    with tempfile.TemporaryDirectory() as workdir:
        links = [one_to_one(pairs) for pairs in eflomal_links(english_words, other_words, workdir)]
for number, (pairs, e, o) in enumerate(zip(links, english_words, other_words), 1):
    if len(pairs) and (pairs[:, 0].max() >= len(e) or pairs[:, 1].max() >= len(o)):
        raise XlclustError(
            f"{source.get('links') or 'eflomal'}: line {number} links words beyond its sentences ({len(e)} and {len(o)} words)"
        )
retrieval = params.retrieval
splits = split_names(len(english), retrieval["test_pairs"], retrieval["dev_pairs"])
write_table(
    {
        "split": splits,
        "english": english_words,
        "other": other_words,
        "english_links": [p[:, 0].tolist() for p in links],
        "other_links": [p[:, 1].tolist() for p in links],
    },
    snakemake.output.table,
)
counts = {
    split: {"sentences": splits.count(split), "links": sum(len(p) for p, s in zip(links, splits) if s == split)}
    for split in ("test", "dev", "train")
}
write_text_atomic(snakemake.output.counts, json.dumps(counts, indent=1) + "\n")
logging.info("%s-en: %s", lang, counts)
