# The ner stage's helpers (rules/ner.smk): input functions, params and targets.
import pandas as pd

NER = config["ner"]


def ner_run(wildcards):
    """What one NER run trains on and the test sets its groups evaluate (known once the languages
    are clustered; groups with the same training sets share one run)."""
    from xlclust.ner.groups import read_run

    return read_run(pd.read_csv(checkpoints.ner_groups.get().output[0]), wildcards.scheme, wildcards.group)


GENERALIZATION = NER["generalization"]  # Shaffer §5 / Table 5; None: not studied


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
    run = ner_run(wildcards)
    # not groups.csv itself: a run reruns when its own data sets change, not when another group's do
    inputs = {
        "train": [ner_split_file(name, "train") for name in run["train"]],
        "test": [ner_split_file(name, "test") for name in run["evaluate"]],
    }
    return inputs | model_files(NER["model"])


def ner_runs(wildcards):
    """The score tables of every NER run (one per distinct training set of results/ner/groups.csv) × each seed."""
    from xlclust.ner.groups import runs

    table = pd.read_csv(checkpoints.ner_groups.get().output[0])
    return [f"results/ner/{scheme}/{group}/seed{seed}/scores.csv" for scheme, group in runs(table) for seed in NER["seeds"]]


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
