# Shared helpers of the workflow: config validation, languages, dump sources, target lists.
import os
from dataclasses import asdict

import pandas as pd
from snakemake.logging import logger

from xlclust.config import per_language, tydiqa_languages
from xlclust.demo.figures import TABLES as DEMO_FIGURE_TABLES
from xlclust.devices import visible_gpus
from xlclust.demo.paths import demo_dump_paths, demo_parallel_paths
from xlclust.grouping.pipelines import WILDCARD as PIPELINE_PATTERN
from xlclust.grouping.pipelines import backbone_of, expand_pipelines, is_backbone, parse_pipeline, pipeline_choices
from xlclust.grouping_eval.report import STUDIES as GROUPING_EVAL_STUDIES
from xlclust.locations import local_path
from xlclust.retrieval.layout import corpus_dir, qrels_path, topics_path
from xlclust.vocab.bpemb_store import unpinned_files
from xlclust.vocab.settings import VocabularySettings
from xlclust.wiki.sources import source_for

LANGUAGES = config["languages"]


def job_threads(wanted):
    """A rule's threads: as it asks, or at most demo_world.job_threads in the demo, whose tiny
    jobs run faster side by side than one at a time on all cores, and whose figures must not
    depend on how many threads a job got (float sums in another order)."""
    cap = config.get("demo_world", {}).get("job_threads")
    return min(wanted, cap) if cap else wanted


def dump_source(lang):
    return source_for(lang, config["wikipedia"])


def local_files(locations):
    """The local paths among configured file locations (paths, file:// URLs), by name, so that
    Snakemake tracks them, or builds them when a rule makes them (the demo world)."""
    return {name: str(local_path(location)) for name, location in locations.items() if location and local_path(location) is not None}


def local_source_files(wildcards):
    source = dump_source(wildcards.lang)
    return local_files({"dump": source.dump, "index": source.index, "checksums": source.checksums})


def n_parts(lang):
    return per_language(config["wikipedia"]["parts"], lang)


def extraction_parts(wildcards, suffix):
    return [f"results/corpus/{wildcards.lang}/parts/{part}.{suffix}" for part in range(n_parts(wildcards.lang))]


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
        *grouping_eval_targets(),
        *pretraining_targets(),
        *tydiqa_targets(),
        *langclust_targets(),
        *ner_targets(),
        *lowres_targets(),
        *tagging_targets(),
        *(["results/demo_figures.csv"] if "demo_world" in config else []),
    ]


DEMO_ROOT = "resources/demo"


def demo_world_files():
    """Everything the demo world writes: dumps of English and each fake language, dictionaries."""
    languages = ["en", *config.get("demo_world", {}).get("languages", {})]
    files = [str(p) for lang in languages for p in demo_dump_paths(DEMO_ROOT, lang).values()]
    for lang in languages[1:]:
        files += [f"{DEMO_ROOT}/dictionaries/en-{lang}.txt", f"{DEMO_ROOT}/dictionaries/{lang}-en.txt"]
    return files


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


def vocabulary_source(lang):
    return per_language(config["vocabulary"]["source"], lang)


def vocabulary_settings(lang):
    """What one language's vocabulary job reads: size, dim and its own source's section, so that
    another language's source or a section it does not use never reruns it."""
    source = vocabulary_source(lang)
    settings = {key: config["vocabulary"][key] for key in ("size", "dim", source)}
    if source == "bpemb":  # only this language's pinned sums
        pins = settings["bpemb"]["sha256"]
        settings["bpemb"] = settings["bpemb"] | {"sha256": {f: s for f, s in pins.items() if f.startswith(f"{lang}/")}}
    return settings


def warn_about_unpinned_bpemb_files():
    bpemb = config["vocabulary"]["bpemb"]
    languages = [lang for lang in LANGUAGES if vocabulary_source(lang) == "bpemb"]
    unpinned = unpinned_files(languages, VocabularySettings.from_config(config["vocabulary"]).bpemb, config["vocabulary"]["dim"])
    if unpinned and not bpemb["record_sha256"]:
        logger.warning(
            f"{len(unpinned)} BPEmb files have no SHA-256 under config key 'vocabulary.bpemb.sha256' "
            f"({', '.join(unpinned[:3])}{', ...' if len(unpinned) > 3 else ''}); their subword_vocab jobs will refuse "
            "them. Pin them there, or set vocabulary.bpemb.record_sha256: true (in config.yaml or a --configfile) "
            "to trust the first download and record its sums (README, Security)."
        )


warn_about_unpinned_bpemb_files()


def vocabulary_inputs(wildcards):
    """The extracted sentences when a language's vocabulary is trained; nothing for BPEmb."""
    if vocabulary_source(wildcards.lang) == "train":
        return {"sentences": f"results/corpus/{wildcards.lang}/sentences.parquet"}
    return {}


def dictionary_files(wildcards):
    """A dictionary's local files, or the word pairs the low-resource system mined (unsupervised: mined)."""
    spec = config["dictionaries"][wildcards.lang]
    if spec.get("unsupervised") == "mined":
        return {"mined": f"results/lowres/layers/mined/{wildcards.lang}"}  # its mined_types.csv
    return local_files({name: spec.get(name) for name in ("train", "test", "full")})


def alignment_inputs(wildcards):
    inputs = {
        "embeddings": f"results/vocab/{wildcards.lang}/embeddings.npy",
        "pivot_embeddings": f"results/vocab/{PIVOT}/embeddings.npy",
    }
    if wildcards.lang != PIVOT:
        inputs["train"] = f"results/dictionaries/{wildcards.lang}/train.tsv"
    return inputs


GROUPING = config["grouping"]
MODELS = config["models"]


def model_spec(name):
    """A model of `models`; a target naming another (results/grouping/NAME/...) gets the list."""
    if name not in MODELS:
        raise ValueError(f"{name!r} is no model under config key 'models' (config.yaml): {', '.join(MODELS)}")
    return MODELS[name]


def models_in_use():
    """The names of `models` that the configured stages read."""
    names = [*config["grouping"]["backbones"], *config["grouping"]["sources"], *config["tydiqa"]["reference_models"]]
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
    comes from: location (a local directory or a Hub ID), revision, cache_dir. Remote code only for a
    model the workflow pretrained itself (results/pretraining/models/...: its cluster tokenizer's code,
    which xlclust.own_code checks is byte for byte the project's before anything runs)."""
    spec = model_spec(name)
    source = {"location": spec.get("path") or spec["hub"], "revision": spec.get("revision"), "cache_dir": config["model_cache_dir"]}
    if str(spec.get("path", "")).startswith("results/pretraining/models/"):
        source["trust_remote_code"] = True
    return source


def grouping_source_inputs(wildcards):
    if wildcards.source == "vocabulary":
        return {
            "joint": "results/vocab/joint_vocabulary.parquet",
            "mapped": expand("results/alignment/{lang}/mapped.npy", lang=LANGUAGES),
        }
    return pipeline_model_files(wildcards.source)


def model_files(source):
    """A model source's local directory, so that Snakemake tracks it (or builds the demo's)."""
    return local_files({"model": model_spec(source).get("path")})


def lexicon_grouping_inputs(wildcards):
    """A lexicon grouping's pair set and the model whose tokenizer reads it (a model source only)."""
    if wildcards.source == "vocabulary":
        raise ValueError("lexicon grouping groups a model's subwords: the source 'vocabulary' has no tokenizer")
    return {"pairs": f"results/grouping/pairs/{GROUPING['lexicon']['pairs']}.tsv"} | pipeline_model_files(wildcards.source)


def grouped_model_inputs(wildcards):
    inputs = {"map": f"results/grouping/{wildcards.source}/{wildcards.method}{wildcards.ratio}/token2cid.parquet"}
    return inputs | pipeline_model_files(wildcards.source)


def pipeline_model(pipeline):
    """Where a pipeline's model lives, as ModelSource fields: a backbone is read where `models` says;
    an operation's result from its directory, with the workflow's own code (grouped tokenizers,
    reduced models) allowed after xlclust.own_code's check."""
    if is_backbone(pipeline):
        return model_source(pipeline)
    return {"location": pipeline_directory(pipeline), "revision": None, "cache_dir": None, "trust_remote_code": True}


def pipeline_directory(pipeline):
    return f"results/grouping/{pipeline}/model"


def pipeline_model_files(pipeline):
    """The files Snakemake tracks of a pipeline's model (a backbone's local directory, if any)."""
    return model_files(pipeline) if is_backbone(pipeline) else {"model": pipeline_directory(pipeline)}


def grouping_pipelines():
    """Every pipeline the config names (grouping.pipelines expanded over the configured choices)."""
    return expand_pipelines(GROUPING["pipelines"], pipeline_choices(GROUPING))


def continual_pipelines():
    """The pipelines that end in continual pretraining (Table 3's rows)."""
    return [p for p in grouping_pipelines() if parse_pipeline(p).step("continual")]


EVALUATION = GROUPING["evaluation"]


def evaluated_pipelines():
    """The oracle (grouping.evaluation.pipelines) and every pipeline of grouping.pipelines but those
    grouping.evaluation.exclude leaves unevaluated."""
    excluded = expand_pipelines(EVALUATION["exclude"], pipeline_choices(GROUPING))
    evaluated = [*expand_pipelines(EVALUATION["pipelines"], pipeline_choices(GROUPING)), *grouping_pipelines()]
    return [pipeline for pipeline in dict.fromkeys(evaluated) if pipeline not in excluded]


MIRACL_TASKS = ("miracl_retrieval", "miracl_reranking")


def eval_section(task):
    """A task's config section (MIRACL's two tasks share one)."""
    return EVALUATION["miracl" if task in MIRACL_TASKS else task]


def miracl_test_languages():
    spec = EVALUATION["miracl"]
    return [*spec["languages"], *[lang for lang in spec["evaluation_only"] if lang not in spec["languages"]]]


def eval_test_languages(task, train_language):
    """A run's test languages: its own; every language for a zero-shot source and TyDi QA."""
    if task == "tydiqa":
        return QA_LANGUAGES
    if train_language == eval_section(task).get("zero_shot_from"):
        return miracl_test_languages() if task in MIRACL_TASKS else eval_section(task)["languages"]
    return [train_language]


def eval_trainings(task):
    """A task's runs per pipeline and seed, by what they train on: each language, or TyDi QA's trainings."""
    return EVALUATION["tydiqa"]["trainings"] if task == "tydiqa" else eval_section(task)["languages"]


def eval_runs():
    """Every evaluation run: pipeline, task, training language, seed."""
    runs = []
    for pipeline in evaluated_pipelines() if GROUPING["backbones"] else []:
        for task in EVALUATION["tasks"]:
            for lang in eval_trainings(task):
                runs += [{"pipeline": pipeline, "task": task, "train_language": lang, "seed": seed} for seed in EVALUATION["seeds"]]
    return runs


def eval_run_file(run, name="scores.csv"):
    return f"results/grouping_eval/runs/{run['pipeline']}/{run['task']}/{run['train_language']}/seed{run['seed']}/{name}"


def grouping_eval_targets():
    if not eval_runs():
        return []
    return [
        "results/grouping_eval_scores.csv",
        "results/grouping_eval/table5.csv",
        *(grouping_eval_figure(study) for study in GROUPING_EVAL_STUDIES),
    ]


def grouping_eval_figure(study):
    return f"results/grouping_eval/{study}.png"


def eval_data_files(wildcards):
    """The local files an evaluation data set reads (the demo's are built by its rules)."""
    if wildcards.eval_task == "masakhaner":
        files = EVALUATION["masakhaner"]["files"]
        return local_files({split: files[split].format(lang=wildcards.eval_lang) for split in ("train", "dev", "test")})
    spec = EVALUATION["xnli"]
    if spec["source"] == "hub":
        return {}
    locations = {split: spec["files"][split].format(lang=wildcards.eval_lang).partition("#")[0] for split in ("train", "dev", "test")}
    return local_files(locations)


def eval_run_inputs(wildcards):
    data = f"results/grouping_eval/data/{wildcards.eval_task}"
    tests = eval_test_languages(wildcards.eval_task, wildcards.eval_lang)
    if wildcards.eval_task == "tydiqa":  # the dev sets of the TyDi QA stage
        return pipeline_model_files(wildcards.source) | {
            "train": f"{data}/train/{wildcards.eval_lang}.parquet",
            "dev": [f"results/tydiqa/data/dev/{lang}.parquet" for lang in tests],
        }
    if wildcards.eval_task in MIRACL_TASKS:
        return pipeline_model_files(wildcards.source) | miracl_run_inputs(wildcards, tests)
    return pipeline_model_files(wildcards.source) | {
        "train": f"{data}/{wildcards.eval_lang}/train.parquet",
        "test": [f"{data}/{lang}/test.parquet" for lang in tests],
    }


def miracl_run_inputs(wildcards, tests):
    """A MIRACL run's training examples, and each test language's corpus, dev topics, judgements and
    (reranking) first-stage candidates."""
    data = "results/grouping_eval/data/miracl"
    inputs = {
        "train": f"{data}/{wildcards.eval_lang}/train.parquet",
        "corpus": [f"{data}/{lang}/corpus.parquet" for lang in tests],
        "topics": [f"{data}/{lang}/dev.parquet" for lang in tests],
        "qrels": [f"{data}/{lang}/dev.qrels" for lang in tests],
    }
    if wildcards.eval_task == "miracl_reranking":
        if EVALUATION["miracl"]["reranking"]["candidates"] == "dpr":
            inputs["candidates"] = (
                f"results/grouping_eval/runs/{wildcards.source}/miracl_retrieval/{wildcards.eval_lang}/seed{wildcards.seed}/trec"
            )
        else:
            inputs["candidates"] = [f"{data}/{lang}/bm25.trec" for lang in tests]
    return inputs


def miracl_data_files(wildcards):
    """A local copy's topics and judgements (Snakemake tracks them; the demo's are built by its rule)."""
    spec = EVALUATION["miracl"]
    if spec["source"] != "files":
        return {}
    root, lang = spec["files"]["topics_root"], wildcards.eval_lang
    splits = ["dev", "train"] if lang in spec["languages"] else ["dev"]
    files = {"corpus": os.path.join(spec["files"]["corpus_root"], corpus_dir(lang))}
    for split in splits:
        files[f"topics_{split}"] = os.path.join(root, topics_path(lang, split))
        files[f"qrels_{split}"] = os.path.join(root, qrels_path(lang, split))
    return files


def clsa_pair_files(wildcards):
    """The local files a CLSA pair set reads, so that Snakemake tracks them (or builds the demo's)."""
    spec, locations = GROUPING["clsa"], {}
    for source in GROUPING["clsa"]["pair_sets"][wildcards.pairs]:
        if source in ("muse", "muse_reverse"):
            for lang in spec["muse"]["languages"]:
                ends = (spec["pivot"], lang) if source == "muse" else (lang, spec["pivot"])
                locations[f"{source}_{lang}"] = spec["muse"]["location"].format(source=ends[0], target=ends[1])
        elif source == "panlex":
            locations["panlex"] = spec["panlex"]["location"]
        elif source == "concepticon":
            locations |= {f"concepticon_{i}": concept_list["location"] for i, concept_list in enumerate(spec["concepticon"]["lists"])}
    return local_files(locations)


def translation_checks(pipeline):
    """A grouping step's translation check (grouping.translation_check), for model sources only."""
    if not GROUPING["translation_check"] or backbone_of(pipeline) == "vocabulary":
        return []
    last = parse_pipeline(pipeline).steps[-1:]
    if not last or last[0].kind != "grouping":
        return []
    return [f"results/grouping/{pipeline}/translations.json"]


def group_map_files(method):
    prefix = f"results/grouping/{{source}}/{method}{{ratio}}"
    return {
        name: f"{prefix}/{file}"
        for name, file in [("map", "token2cid.parquet"), ("vocab", "vocab.txt"), ("summary", "summary.json"), ("sizes", "sizes.csv")]
    }


def grouping_outputs(source, file):
    return expand(
        "results/grouping/{source}/{method}{ratio}/{file}", source=source, method=["kmeans", "firstk"], ratio=GROUPING["ratios"], file=file
    )


def grouping_targets():
    targets = []
    for source in GROUPING["sources"]:
        targets += [f"results/grouping/{source}/summary.csv", f"results/grouping/{source}/sizes.png"]
        if source != "vocabulary":
            targets += grouping_outputs(source, "model")
    for pipeline in grouping_pipelines():
        targets += [pipeline_directory(pipeline), *translation_checks(pipeline)]
    if grouping_pipelines():
        targets += ["results/grouping/table3.csv", "results/grouping/translations.csv"]
    return list(dict.fromkeys(targets))


PRETRAINING = config["pretraining"]


def cluster_map_prefix(tokenizer):
    """Where a cluster tokenizer's map lives: ICEBERT's clusters or a grouping of the joint vocabulary."""
    if tokenizer == "icebert":
        return "results/clusters"
    return f"results/grouping/vocabulary/{tokenizer}"


def cluster_tokenizer_inputs(wildcards):
    prefix = cluster_map_prefix(wildcards.cluster_tokenizer)
    return {
        "map": f"{prefix}/token2cid.parquet",
        "vocab": f"{prefix}/vocab.txt",
        "segmenters": expand("results/vocab/{lang}/segmenter.model", lang=LANGUAGES),
    }


def tokenizer_max_length():
    """The longest sequence any configured model trains on."""
    return max(model["training"].get("max_length", 512) for model in PRETRAINING["models"].values())


def pretraining_corpus(size):
    """What a model size pretrains on: 'mix' (the α-sampled Wikipedia mix) or its own sample of so
    many sentences per language, named after the size (ICEBERT §3.3's small models)."""
    return "mix" if PRETRAINING["models"][size].get("corpus", "mix") == "mix" else size


def pretraining_corpus_file(corpus):
    return "results/pretraining/mix.parquet" if corpus == "mix" else f"results/pretraining/corpora/{corpus}.parquet"


def pretrained_model(tokenizer, size):
    return f"results/pretraining/models/{tokenizer}-{size}"


def pretraining_targets():
    return [
        *[pretrained_model(t, s) for t in PRETRAINING["tokenizers"] for s in PRETRAINING["sizes"]],
        "results/pretraining/summary.csv",
        "results/pretraining/loss.png",
    ]


TYDIQA = config["tydiqa"]
QA_LANGUAGES = tydiqa_languages(config)


def qa_models():
    """Every model fine-tuned on TyDi QA: name → tokenizer, size and where it comes from (a
    workflow model's directory, or a model of `models`)."""
    models = {
        f"{t}-{s}": {"tokenizer": t, "size": s, "path": pretrained_model(t, s), "trust_remote_code": True}
        for t in PRETRAINING["tokenizers"]
        for s in PRETRAINING["sizes"]
    }
    for name in TYDIQA["reference_models"]:
        models[name] = {"tokenizer": name, "trust_remote_code": False} | MODELS[name]
    return models


QA_MODELS = qa_models()


def qa_seeds(model):
    seeds = TYDIQA["seeds"]
    return seeds.get(QA_MODELS[model]["size"], seeds["default"])


def qa_training(model):
    """Fine-tuning settings of a model: `tydiqa.training` with its size's `training_by_size` keys."""
    return TYDIQA["training"] | TYDIQA["training_by_size"].get(QA_MODELS[model]["size"], {})


def qa_model_inputs(wildcards):
    return local_files({"model": QA_MODELS[wildcards.model].get("path")})


def tydiqa_dataset_files(wildcards):
    dataset = TYDIQA["dataset"]
    if dataset["source"] != "files":
        return {}
    files = dataset["files"]
    return local_files(
        {
            f"{split}_{lang}": files[split][lang]
            for split, langs in (("train", [TYDIQA["train_language"]]), ("dev", QA_LANGUAGES))
            for lang in langs
        }
    )


def tydiqa_runs():
    """One entry per (model, seed, language) answered: its labels and files."""
    return [
        {
            "model": model,
            "tokenizer": spec["tokenizer"],
            "size": spec["size"],
            "seed": seed,
            "language": lang,
            "predictions": f"results/tydiqa/predictions/{model}/seed{seed}/{lang}.json",
            "dev": f"results/tydiqa/data/dev/{lang}.parquet",
        }
        for model, spec in QA_MODELS.items()
        for seed in qa_seeds(model)
        for lang in QA_LANGUAGES
    ]


def tydiqa_targets():
    return ["results/tydiqa_scores.csv", "results/tydiqa/summary.csv", "results/tydiqa/scores.png"]


WIKIANN = config["wikiann"]
NER_LANGUAGES = WIKIANN["languages"]
LANGCLUST = config["langclust"]
NER = config["ner"]
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


def embedding_model_input(wildcards):
    """The model a representation is read from: the language-ID model or the model before fine-tuning."""
    if wildcards.representation.startswith("finetuned"):
        return {"model": "results/langclust/langid/model"}
    return model_files(LANGCLUST["model"])


def ward_memory_mb():
    """Ward over n sentences keeps n(n-1)/2 float64 distances, and scipy a copy of them:
    15 languages × 1,000 sentences ≈ 1.7 GB."""
    n = len(NER_LANGUAGES) * LANGCLUST["embedding"]["sentences_per_language"]
    return 2 * 8 * n * (n - 1) // 2 // 2**20


def langclust_targets():
    return [
        "results/langclust/langid/accuracy.csv",
        "results/language_clusters.csv",
        "results/langclust/votes.csv",
        "results/langclust/projection.png",
        *expand("results/langclust/{representation}/dendrogram.png", representation=LANGCLUST["representations"]),
    ]


def ner_group(wildcards):
    """The train and evaluate languages of one NER group (known once the languages are clustered)."""
    from xlclust.ner.groups import read_group

    return read_group(pd.read_csv(checkpoints.ner_groups.get().output[0]), wildcards.scheme, wildcards.group)


GENERALIZATION = NER["generalization"]  # Shaffer §6 / Table 5; None: not studied


def ner_corpus_files(wildcards):
    """The generalization corpus's local files, so that Snakemake tracks them (or builds the demo's)."""
    dataset = GENERALIZATION["dataset"]
    if dataset["source"] != "files":
        return {}
    return local_files({split: dataset["files"][split] for split in SPLITS})


def ner_corpus_source():
    """The generalization corpus as a NER data source: {"hub": {...}} or {"files": {...}}, and the classes it drops."""
    dataset = GENERALIZATION["dataset"]
    return {dataset["source"]: dataset[dataset["source"]], "drop_classes": dataset.get("drop_classes", [])}


def ner_split_file(name, split):
    """One split of a NER data set: a WikiAnn language's, or the generalization corpus's (by its name)."""
    if GENERALIZATION and name == GENERALIZATION["name"]:
        return f"results/ner/corpora/{name}/{split}.parquet"
    return f"results/wikiann/{name}/{split}.parquet"


def train_ner_inputs(wildcards):
    group = ner_group(wildcards)
    # not groups.csv itself: a run reruns when its own data sets change, not when another group's do
    inputs = {
        "train": [ner_split_file(name, "train") for name in group["train"]],
        "test": [ner_split_file(name, "test") for name in group["evaluate"]],
    }
    return inputs | model_files(NER["model"])


def ner_runs(wildcards):
    """The score tables of every NER run: each group of results/ner/groups.csv × each seed."""
    groups = pd.read_csv(checkpoints.ner_groups.get().output[0])[["scheme", "group"]].drop_duplicates()
    return [f"results/ner/{g.scheme}/{g.group}/seed{seed}/scores.csv" for g in groups.itertuples() for seed in NER["seeds"]]


def ner_score_outputs():
    """The NER tables and figure; Table 5 where the generalization study is configured."""
    outputs = {
        "scores": report("results/wikiann_ner_scores.csv", caption="../report/ner_scores.rst", category="8 NER"),
        "summary": "results/ner/summary.csv",
        "table": report("results/ner/table3.csv", caption="../report/ner_table.rst", category="8 NER"),
        "figure": report("results/ner/f1_boxplot.png", caption="../report/ner.rst", category="8 NER"),
    }
    if GENERALIZATION:
        outputs["generalization"] = report("results/ner/table5.csv", caption="../report/ner_generalization.rst", category="8 NER")
    return outputs


def ner_targets():
    return [str(path) for path in ner_score_outputs().values()]


LOWRES = config["lowres"]
LOWRES_LANGUAGES = LOWRES["languages"]
# every language whose WikiAnn data a stage reads: the NER study's, and zero-shot NER's (English and the targets)
# every language whose Wikipedia is extracted: ICEBERT's, those mined for word pairs, and the
# continual pretraining's of the semantic-grouping pipelines
CORPUS_LANGUAGES = list(dict.fromkeys([*LANGUAGES, LOWRES["english"], *LOWRES_LANGUAGES, *GROUPING["continual"]["languages"]]))
WIKIANN_READ = list(dict.fromkeys([*NER_LANGUAGES, LOWRES["english"], *LOWRES_LANGUAGES]))


def parallel_files(wildcards):
    """A language's local parallel files (and gold links), so that Snakemake tracks them (or builds the demo's)."""
    spec = LOWRES["parallel"][wildcards.lowres_lang]
    return local_files({name: spec.get(name) and spec[name].partition("#")[0] for name in ("english", "other", "links")})


# the mining methods and their direction rule (Hangya et al. 2022 §3.1 and §5.3)
MINING_MODES = {"mined": "forward_backward", "mined_intersection": "intersection"}


def mining_settings(wildcards):
    return LOWRES["mining"] | {"mode": MINING_MODES.get(wildcards.trained_method, "forward_backward")}


def ebert_model_name():
    """The model eBERT extends (lowres.ebert.model, else lowres.model)."""
    return LOWRES["ebert"]["model"] or LOWRES["model"]


def alignment_layer_inputs(wildcards):
    """Mined layers read both languages' sampled sentences; linear_sup the parallel training sentences."""
    if wildcards.trained_method in MINING_MODES:
        inputs = {"sentences": [f"results/lowres/sentences/{lang}.parquet" for lang in (wildcards.lowres_lang, LOWRES["english"])]}
    else:
        inputs = {"parallel": f"results/lowres/parallel/{wildcards.lowres_lang}.parquet"}
    return inputs | model_files(LOWRES["model"])


def lowres_runs():
    """(method, language) of every evaluated run: each method for each language, vecmap_sup only where
    the language has a dictionary (lowres.dictionaries), ebert only for lowres.ebert.languages."""
    return [
        (method, lang)
        for method in LOWRES["methods"]
        for lang in LOWRES_LANGUAGES
        if (method != "vecmap_sup" or lang in LOWRES["dictionaries"]) and (method != "ebert" or lang in LOWRES["ebert"]["languages"])
    ]


def vecmap_inputs(wildcards):
    """The LM's local directory, and vecmap_sup's dictionary where it is a local file."""
    inputs = model_files(LOWRES["model"])
    if wildcards.vecmap_method == "vecmap_sup":
        inputs |= local_files({"dictionary": LOWRES["dictionaries"][wildcards.lowres_lang]["file"]})
    return inputs


def lowres_method_files(method, lang):
    """What a method evaluates with besides the LM: its weights (the LM trained further) or its layers;
    none for the LM as it is."""
    if method in ("full_sup", "ebert"):
        return {"weights": f"results/lowres/models/{method}/{lang}"}
    return {} if method == "base" else {"layers": f"results/lowres/layers/{method}/{lang}"}


def lowres_method_inputs(wildcards):
    """A method's layers or weights (lowres_method_files), and the LM's local directory."""
    return model_files(LOWRES["model"]) | lowres_method_files(wildcards.lowres_method, wildcards.lowres_lang)


def lowres_language_methods(lang):
    """The methods evaluated for a language (lowres_runs), each with what it evaluates with."""
    return [{"method": method, **lowres_method_files(method, lang)} for method, run_lang in lowres_runs() if run_lang == lang]


def word_retrieval_inputs(wildcards):
    """The LM's local directory and every evaluated method's layers or weights for one language."""
    lang = wildcards.lowres_lang
    files = [path for method, run_lang in lowres_runs() if run_lang == lang for path in lowres_method_files(method, lang).values()]
    return model_files(LOWRES["model"]) | {"methods": files}


def lowres_targets():
    targets = [
        "results/word_retrieval_scores.csv",
        "results/lowres/retrieval.png",
        "results/lowres_ner_scores.csv",
        "results/lowres/ner.png",
    ]
    if "mined" in LOWRES["methods"]:
        targets += ["results/lowres/mined_types.csv", "results/lowres/mined_examples.csv"]
    if set(MINING_MODES) <= set(LOWRES["methods"]):
        targets += ["results/lowres/mining_modes.csv"]
    return targets


TAGGING = config["tagging"]
LASER_EMBEDDERS = ["bpe_bow", "bpe_gru", "laser_top", "laser_elmo", "lstm_nopre"]
FINETUNED_EMBEDDERS = ["bert", "xlm"]  # Transformers fine-tuned whole: models of `models`


def tagging_local_files(lang, task):
    """The local files a task's data of a language reads (its map included), by name."""
    section = TAGGING["data"].get(lang, {}).get(task)
    if section is None:
        return {}
    files = section.get("files") or {}
    return local_files({**{split: files.get(split) for split in SPLITS}, "map": section.get("map")})


def tagging_available(lang, task):
    """Whether a language has the task's data: configured, and for an optional language (licensed
    data such as CoNLL-2003 German) its local files present."""
    if task not in TAGGING["data"].get(lang, {}):
        return False
    return lang not in TAGGING["optional"] or all(os.path.exists(path) for path in tagging_local_files(lang, task).values())


def tagging_languages(task):
    """(training languages, evaluation languages) of a task, the unavailable optional ones left out."""
    train = [lang for lang in TAGGING["languages"] if tagging_available(lang, task)]
    return train, train + [lang for lang in TAGGING["evaluation_only"].get(task, []) if tagging_available(lang, task)]


def tagging_left_out():
    return [
        {"language": lang, "task": task, "files": " ".join(tagging_local_files(lang, task).values())}
        for task in TAGGING["tasks"]
        for lang in [*TAGGING["languages"], *TAGGING["evaluation_only"].get(task, [])]
        if lang in TAGGING["optional"] and not tagging_available(lang, task)
    ]


def tagging_train_sets(task, scenario):
    """The training sets of a scenario, by name: English alone, each language alone, or all ('all')."""
    train, _ = tagging_languages(task)
    return {"zeroshot": [TAGGING["english"]], "monolingual": train}.get(scenario, ["all"])


def tagging_run_languages(wildcards):
    """(training languages, evaluation languages) of one run."""
    train, evaluation = tagging_languages(wildcards.tagging_task)
    if wildcards.tagging_scenario == "monolingual":
        return [wildcards.tagging_train], [wildcards.tagging_train]
    if wildcards.tagging_scenario == "zeroshot":
        return [TAGGING["english"]], evaluation
    return train, evaluation


def tagging_runs():
    return [
        f"results/tagging/runs/{task}/{embedder}/{scenario}/{train}/seed{seed}"
        for task in TAGGING["tasks"]
        for embedder in TAGGING["task_embedders"].get(task, TAGGING["embedders"])
        for scenario in TAGGING["scenarios"]
        for train in tagging_train_sets(task, scenario)
        for seed in TAGGING["seeds"]
    ]


def tagging_data_dir(task, lang):
    return f"results/tagging/data/{task}/{lang}"


def tagging_run_inputs(wildcards):
    train, evaluation = tagging_run_languages(wildcards)
    inputs = {"data": [tagging_data_dir(wildcards.tagging_task, lang) for lang in dict.fromkeys([*train, *evaluation])]}
    if wildcards.embedder in LASER_EMBEDDERS:
        inputs["laser"] = "results/tagging/laser"
    if wildcards.embedder == "muse":
        inputs["vectors"] = [f"results/tagging/vectors/{lang}.parquet" for lang in dict.fromkeys([*train, *evaluation])]
    if wildcards.embedder in FINETUNED_EMBEDDERS:
        inputs |= model_files(TAGGING["finetuned_models"][wildcards.embedder])
    return inputs


def tagging_training(embedder):
    """Which of tagging.training an embedder trains with."""
    if embedder in FINETUNED_EMBEDDERS:
        return TAGGING["training"]["finetuned"]
    return TAGGING["training"]["laser" if embedder in ("laser_top", "laser_elmo", "lstm_nopre") else "baseline"]


def tagging_vector_inputs(wildcards):
    """A language's data of every task (the words the vectors are read for), and a local vector file."""
    lang = wildcards.tagging_lang
    inputs = {"data": [tagging_data_dir(task, lang) for task in TAGGING["tasks"] if lang in tagging_languages(task)[1]]}
    if TAGGING["muse"].get(lang) == "aligned":  # the alignment stage's mapped space, its whole-word pieces
        return inputs | {"pieces": f"results/vocab/{lang}/pieces.parquet", "mapped": f"results/alignment/{lang}/mapped.npy"}
    return inputs | local_files({"vectors": TAGGING["muse"].get(lang)})


def laser_inputs(wildcards):
    laser = TAGGING["laser"]
    if laser["source"] == "download":
        return local_files({name: laser[name] for name in ("model", "codes", "vocabulary")})
    parallel = laser["pretrain"]["parallel"]
    return local_files({f"{lang}_{side}": files[side] for lang, files in parallel.items() for side in ("english", "other")})


def tagging_targets():
    return ["results/tagging_scores.csv", "results/tagging/table2.csv", "results/tagging/table3.csv", "results/tagging/zeroshot.png"]
