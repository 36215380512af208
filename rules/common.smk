# Shared helpers of the workflow: what every stage uses (threads, local files, models, search,
# languages, target list). Each stage's own helpers sit at the top of its rules/<stage>.smk.
import os
from dataclasses import asdict

from snakemake.logging import logger

from xlclust.config import per_language
from xlclust.devices import visible_gpus
from xlclust.locations import local_path

LANGUAGES = config["languages"]


def job_threads(wanted):
    """A rule's threads: as it asks, or at most demo_world.job_threads in the demo, whose tiny
    jobs run faster side by side than one at a time on all cores, and whose figures must not
    depend on how many threads a job got (float sums in another order)."""
    cap = config.get("demo_world", {}).get("job_threads")
    return min(wanted, cap) if cap else wanted


def local_files(locations):
    """The local paths among configured file locations (paths, file:// URLs), by name, so that
    Snakemake tracks them, or builds them when a rule makes them (the demo world)."""
    return {name: str(local_path(location)) for name, location in locations.items() if location and local_path(location) is not None}


def all_targets():
    return [
        "results/corpus/stats.csv",
        "results/corpus/stats.png",
        "results/pretraining/sampling.csv",
        "results/pretraining/sampling.png",
        "results/pretraining/mix.parquet",
        "results/vocab/joint_vocabulary.parquet",
        *expand("results/alignment/{lang}/mapped.npy", lang=LANGUAGES),
        "results/bli_scores.csv",
        "results/bli/bli.png",
        "results/clusters/token2cid.parquet",
        "results/clusters/clusters.png",
        "results/clusters/cliques.png",
        *grouping_targets(),
        *inspection_targets(),
        *grouping_eval_targets(),
        *pretraining_targets(),
        *tydiqa_targets(),
        *langclust_targets(),
        *ner_targets(),
        *lowres_targets(),
        *tagging_targets(),
        "results/paper_comparison.csv",
        "results/paper_comparison.html",
        *(["results/demo_figures.csv"] if "demo_world" in config else []),
    ]


PIVOT = config["pivot"]


NON_PIVOT = [lang for lang in LANGUAGES if lang != PIVOT]


def search_settings():
    """Config search, with the run's seed (that of the IVF quantizer's k-means)."""
    return {**config["search"], "seed": config["seed"]}


def search_gpus():
    """The GPU a search job asks for: one when search.device is gpu, none otherwise."""
    return 1 if config["search"]["device"] == "gpu" else 0


# A GPU job's share of profiles/default's local gpu_jobs limit: one where this machine has a GPU;
# none where it has none, so that model jobs run side by side on the CPU, bounded by the cores.
GPU_SLOT = 1 if visible_gpus() else 0


def kmeans_gpus():
    """The GPU a k-means job asks for (XLM-R at 40 %: hours on CPUs, minutes on a GPU): one unless
    search.device is cpu."""
    return 0 if config["search"]["device"] == "cpu" else 1


def kmeans_gpu_slot():
    return GPU_SLOT if kmeans_gpus() else 0


MODELS = config["models"]


def model_spec(name):
    """A model of `models`; a target naming another (results/grouping/NAME/...) gets the list."""
    if name not in MODELS:
        raise ValueError(f"{name!r} is no model under config key 'models' (config.yaml): {', '.join(MODELS)}")
    return MODELS[name]


def models_in_use():
    """The names of `models` that the configured stages read."""
    names = [*config["grouping"]["backbones"], *config["grouping"]["embeddings"], *config["tydiqa"]["reference_models"]]
    names += [config[section]["model"] for section in ("langclust", "ner", "lowres")]
    tagging = config["tagging"]
    names += [model for embedder, model in tagging["finetuned_models"].items() if embedder in tagging["embedders"]]
    return [name for name in dict.fromkeys(names) if name in MODELS]


def warn_about_unpinned_models():
    unpinned = [name for name in models_in_use() if "hub" in MODELS[name] and not MODELS[name].get("revision")]
    if unpinned:
        logger.warning(
            f"no revision under config key 'models' for {', '.join(unpinned)}: read at the Hub's current main, which "
            "may change between runs. Pin the commits you read (README, Security)."
        )


warn_about_unpinned_models()


def model_source(name):
    """A model of `models` as xlclust.models.ModelSource's fields, the one spelling of where a model
    comes from: location (a local directory or a Hub ID), revision, cache_dir. Whether a model's own
    code may run is no field: xlclust.models decides it from the directory's files."""
    spec = model_spec(name)
    return {"location": spec.get("path") or spec["hub"], "revision": spec.get("revision"), "cache_dir": config["model_cache_dir"]}


def model_files(source):
    """A model source's local directory, so that Snakemake tracks it (or builds the demo's)."""
    return local_files({"model": model_spec(source).get("path")})


WIKIANN = config["wikiann"]


NER_LANGUAGES = WIKIANN["languages"]


SPLITS = ["train", "dev", "test"]


def wikiann_source(lang):
    """The dataset source of one language: {"hub": {...}} or {"files": {...}}."""
    dataset = WIKIANN["dataset"]
    if dataset["source"] == "hub":
        return {"hub": dataset["hub"]}
    return {"files": dataset["files"][lang]}


def wikiann_files(wildcards):
    source = wikiann_source(wildcards.wikiann_lang)
    if "files" not in source:
        return {}
    return local_files({split: source["files"][split] for split in SPLITS})


def wikiann_data(split, languages=None):
    return expand("results/wikiann/{lang}/{split}.parquet", lang=languages or NER_LANGUAGES, split=split)


LOWRES = config["lowres"]
# every language whose Wikipedia is extracted: ICEBERT's, those mined for word pairs, and the
# continual pretraining's of the semantic-grouping pipelines
CORPUS_LANGUAGES = list(dict.fromkeys([*LANGUAGES, LOWRES["english"], *LOWRES["languages"], *config["grouping"]["continual"]["languages"]]))
# every language whose WikiAnn data a stage reads: the NER study's, and zero-shot NER's (English and the targets)
WIKIANN_READ = list(dict.fromkeys([*NER_LANGUAGES, LOWRES["english"], *LOWRES["languages"]]))
