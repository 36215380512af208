# The corpus stage's helpers (rules/corpus.smk): input functions, params and targets.
from xlclust.wiki.sources import source_for


def dump_source(lang):
    return source_for(lang, config["wikipedia"])


def local_source_files(wildcards):
    source = dump_source(wildcards.lang)
    return local_files({"dump": source.dump, "multistream_index": source.multistream_index, "checksums": source.checksums})


def n_parts(lang):
    return per_language(config["wikipedia"]["parts"], lang)


def extraction_parts(wildcards, suffix):
    return [f"results/corpus/{wildcards.lang}/parts/{part}.{suffix}" for part in range(n_parts(wildcards.lang))]
