# Shared helpers of the workflow: config validation, languages, dump sources, target lists.
import os
from dataclasses import asdict

from xlclust.config import per_language
from xlclust.demo.world import demo_dump_paths
from xlclust.wiki.sources import local_path, source_for

LANGUAGES = config["languages"]


def dump_source(lang):
    return source_for(lang, config["wikipedia"])


def local_source_files(wildcards):
    """The configured local dump files of a language, so that Snakemake tracks (or builds) them."""
    source = dump_source(wildcards.lang)
    files = {"dump": source.dump, "index": source.index, "checksums": source.checksums}
    return {
        name: str(local_path(location))
        for name, location in files.items()
        if location and local_path(location) is not None
    }


def n_parts(lang):
    return per_language(config["wikipedia"]["parts"], lang)


def extraction_parts(wildcards, suffix):
    return [
        f"results/corpus/{wildcards.lang}/parts/{part}.{suffix}"
        for part in range(n_parts(wildcards.lang))
    ]


def all_targets():
    return [
        "results/corpus/stats.csv",
        "results/corpus/stats.png",
        "results/pretraining/sampling.csv",
        "results/pretraining/sampling.png",
        "results/pretraining/mix.parquet",
    ]


DEMO_ROOT = "resources/demo"


def demo_world_files():
    """Everything the demo world writes: dumps of English and each fake language, dictionaries."""
    languages = ["en", *config.get("demo_world", {}).get("languages", {})]
    files = [str(p) for lang in languages for p in demo_dump_paths(DEMO_ROOT, lang).values()]
    for lang in languages[1:]:
        files += [f"{DEMO_ROOT}/dictionaries/en-{lang}.txt", f"{DEMO_ROOT}/dictionaries/{lang}-en.txt"]
    return files
