# The grouping_eval stage's helpers (rules/grouping_eval.smk): input functions, params and targets.
from xlclust.pipelines import expand_pipelines, pipeline_choices
from xlclust.grouping_eval import runs as grouping_eval_runs
from xlclust.grouping_eval.studies import FIGURES as GROUPING_EVAL_FIGURES
from xlclust.retrieval.layout import corpus_dir, qrels_path, topics_path

EVALUATION = GROUPING["evaluation"]


def evaluated_pipelines():
    """grouping.evaluation.pipelines (the backbones as they are), the reference
    (grouping.evaluation.reference, always) and every pipeline of grouping.pipelines but those
    grouping.evaluation.exclude leaves unevaluated (xlclust/grouping_eval/runs.py)."""
    return grouping_eval_runs.evaluated_pipelines(GROUPING)


MIRACL_TASKS = grouping_eval_runs.MIRACL_TASKS


def eval_section(task):
    """A task's config section (MIRACL's two tasks share one)."""
    return grouping_eval_runs.section(EVALUATION, task)


def tydiqa_train_languages():
    """TyDi QA's languages with training questions (those the `all` training reads)."""
    return grouping_eval_runs.tydiqa_train_languages(config)


def eval_test_languages(task, training=None):
    """Every language a run of ``task`` is scored on, whatever its training (App. A: the `all` model
    on every language; a language-code training zero-shot on the others, Fig. 9)."""
    return grouping_eval_runs.scored_languages(EVALUATION, task, QA_LANGUAGES)


def eval_train_languages(task, training):
    """Whose training data a training reads: `all`, every language with training data; a code, its own."""
    return grouping_eval_runs.training_languages(EVALUATION, task, training, tydiqa_train_languages())


def eval_runs():
    """Every evaluation run: pipeline, task, train_language (`all` or a language code), seed; a
    pipeline's tasks per grouping.evaluation.tasks_of, its language-code trainings only where
    grouping.evaluation.zero_shot names it."""
    return grouping_eval_runs.eval_runs(GROUPING)


def eval_run_file(run, name="scores.csv"):
    return f"results/grouping_eval/runs/{run['pipeline']}/{run['task']}/{run['train_language']}/seed{run['seed']}/{name}"


def grouping_eval_targets():
    if not eval_runs():
        return []
    return [
        "results/grouping_eval_scores.csv",
        "results/grouping_eval/table5.csv",
        "results/grouping_eval/fig10.csv",
        *(grouping_eval_figure(figure) for figure in GROUPING_EVAL_FIGURES),
    ]


def grouping_eval_figure(figure):
    """A figure of "Tomato, Tomahto, Tomate" (fig3 … fig12; xlclust/grouping_eval/figures.py)."""
    return f"results/grouping_eval/{figure}.png"


def eval_references():
    """Each backbone of grouping.backbones → its reference pipeline (grouping.evaluation.reference:
    Table 5's perc denominator, Figs. 3-6 and 9-12); Fig. 7's other backbones use their own CLSA row."""
    return {backbone: EVALUATION["reference"].format(backbone=backbone) for backbone in GROUPING["backbones"]}


def eval_report_models():
    """Each evaluated pipeline and its backbone → its model's ModelSource fields (Fig. 6's |V'|·d
    and |V|·D are read from their configs)."""
    pipelines = {pipeline for run in eval_runs() for pipeline in (run["pipeline"], backbone_of(run["pipeline"]))}
    return {pipeline: pipeline_model(pipeline) for pipeline in sorted(pipelines)}


def eval_report_model_files():
    return sorted({path for pipeline in eval_report_models() for path in pipeline_model_files(pipeline).values()})


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
    """A run's model, its training data (one table per language it trains on: App. A's `all` reads
    every language's) and every test language's data."""
    task, training = wildcards.eval_task, wildcards.eval_lang
    data = f"results/grouping_eval/data/{task}"
    tests = eval_test_languages(task)
    if task == "tydiqa":  # the dev sets of the TyDi QA stage
        return pipeline_model_files(wildcards.pipeline) | {
            "train": f"{data}/train/{training}.parquet",
            "dev": [f"results/tydiqa/data/dev/{lang}.parquet" for lang in tests],
        }
    if task in MIRACL_TASKS:
        return pipeline_model_files(wildcards.pipeline) | miracl_run_inputs(wildcards, tests)
    return pipeline_model_files(wildcards.pipeline) | {
        "train": [f"{data}/{lang}/train.parquet" for lang in eval_train_languages(task, training)],
        "test": [f"{data}/{lang}/test.parquet" for lang in tests],
    }


def miracl_run_inputs(wildcards, tests):
    """A MIRACL run's training examples (each language's it trains on), and each test language's
    corpus, dev topics, judgements and (reranking) first-stage candidates."""
    data = "results/grouping_eval/data/miracl"
    inputs = {
        "train": [f"{data}/{lang}/train.parquet" for lang in eval_train_languages(wildcards.eval_task, wildcards.eval_lang)],
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


def tydiqa_eval_train_files(wildcards):
    """The local training files of a TyDi QA evaluation training's languages (from the Hub: none)."""
    dataset = TYDIQA["dataset"]
    if dataset["source"] != "files":
        return {}
    languages = eval_train_languages("tydiqa", wildcards.eval_lang)
    return local_files({f"train_{lang}": dataset["files"]["train"][lang] for lang in languages})


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
