# The tagging stage's helpers (rules/tagging.smk): input functions, params and targets.

from xlclust.tagging.config_checks import muse_left_out

TAGGING = config["tagging"]


LASER_EMBEDDERS = ["bpe_bow", "bpe_gru", "laser_top", "laser_elmo", "lstm_nopre"]


FINETUNED_EMBEDDERS = ["bert", "xlm"]  # Transformers fine-tuned whole: models of `models`


LASER_BASED = ["laser_top", "laser_elmo", "lstm_nopre"]  # §Training: SGD under 1cycle, regularization by BO


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
    """What the runs leave out: optional languages whose licensed files are missing (every embedder),
    and evaluation languages without MUSE vectors (the muse runs)."""
    missing = [
        {
            "language": lang,
            "task": task,
            "embedders": "all",
            "reason": "local files missing",
            "files": " ".join(tagging_local_files(lang, task).values()),
        }
        for task in TAGGING["tasks"]
        for lang in [*TAGGING["languages"], *TAGGING["evaluation_only"].get(task, [])]
        if lang in TAGGING["optional"] and not tagging_available(lang, task)
    ]
    no_vectors = [
        {"language": lang, "task": task, "embedders": "muse", "reason": "no MUSE vectors (tagging.muse)", "files": ""}
        for task in TAGGING["tasks"]
        if "muse" in TAGGING["task_embedders"].get(task, TAGGING["embedders"])
        for lang in muse_left_out(TAGGING, tagging_languages(task)[1])
    ]
    return missing + no_vectors


def tagging_train_sets(task, scenario):
    """The training sets of a scenario, by name: English alone, each language alone, or all ('all')."""
    train, _ = tagging_languages(task)
    return {"zeroshot": [TAGGING["english"]], "monolingual": train}.get(scenario, ["all"])


def tagging_run_languages(wildcards):
    """(training languages, evaluation languages) of one run."""
    train, evaluation = tagging_languages(wildcards.tagging_task)
    if wildcards.tagging_scenario == "monolingual":
        return [wildcards.tagging_train], [wildcards.tagging_train]
    if wildcards.embedder == "muse":  # no vectors, no muse run on the language: listed in left_out.csv
        evaluation = [lang for lang in evaluation if lang not in muse_left_out(TAGGING, evaluation)]
    if wildcards.tagging_scenario == "zeroshot":
        return [TAGGING["english"]], evaluation
    return train, evaluation


def tagging_runs():
    """Every run: each task's embedders (tagging.task_embedders) in each scenario that runs them
    (tagging.scenario_embedders), on each training set, with each seed."""
    return [
        f"results/tagging/runs/{task}/{embedder}/{scenario}/{train}/seed{seed}"
        for task in TAGGING["tasks"]
        for embedder in TAGGING["task_embedders"].get(task, TAGGING["embedders"])
        for scenario in TAGGING["scenarios"]
        if embedder in TAGGING["scenario_embedders"].get(scenario, TAGGING["embedders"])
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
    if wildcards.embedder in TAGGING["optimization"]["embedders"]:
        inputs["optimization"] = tagging_study(wildcards.tagging_task, wildcards.embedder)
    return inputs


def tagging_study(task, embedder):
    """The Bayesian-optimization study of a LASER-based tagger's regularization (rule tagging_optimization)."""
    return f"results/tagging/optimization/{task}/{embedder}.csv"


def tagging_study_inputs(wildcards):
    """A study's data (English, train and dev) and LASER."""
    return {"data": [tagging_data_dir(wildcards.tagging_task, TAGGING["english"])], "laser": "results/tagging/laser"}


def tagging_training(embedder):
    """Which of tagging.training an embedder trains with."""
    if embedder in FINETUNED_EMBEDDERS:
        return TAGGING["training"]["finetuned"]
    return TAGGING["training"]["laser" if embedder in LASER_BASED else "baseline"]


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
