# The tydiqa stage's helpers (rules/tydiqa.smk): input functions, params and targets.
from xlclust.config import tydiqa_languages

TYDIQA = config["tydiqa"]


QA_LANGUAGES = tydiqa_languages(config)


def qa_models():
    """Every model fine-tuned on TyDi QA: name → tokenizer, size and where it comes from (a
    workflow model's directory, or a model of `models`)."""
    models = {
        f"{t}-{s}": {"tokenizer": t, "size": s, "path": pretrained_model(t, s)}
        for t in PRETRAINING["tokenizers"]
        for s in PRETRAINING["sizes"]
    }
    for name in TYDIQA["reference_models"]:
        models[name] = {"tokenizer": name} | MODELS[name]
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
