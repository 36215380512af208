# The grouping_eval stage's helpers (rules/grouping_eval.smk): input functions, params and targets.
from xlclust.pipelines import expand_pipelines, pipeline_choices
from xlclust.grouping_eval.report import STUDIES as GROUPING_EVAL_STUDIES
from xlclust.retrieval.layout import corpus_dir, qrels_path, topics_path

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
        return pipeline_model_files(wildcards.pipeline) | {
            "train": f"{data}/train/{wildcards.eval_lang}.parquet",
            "dev": [f"results/tydiqa/data/dev/{lang}.parquet" for lang in tests],
        }
    if wildcards.eval_task in MIRACL_TASKS:
        return pipeline_model_files(wildcards.pipeline) | miracl_run_inputs(wildcards, tests)
    return pipeline_model_files(wildcards.pipeline) | {
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
                f"results/grouping_eval/runs/{wildcards.pipeline}/miracl_retrieval/{wildcards.eval_lang}/seed{wildcards.seed}/trec"
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
