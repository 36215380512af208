# ICEBERT §3.4-3.5: TyDi QA GoldP — fine-tuning on English, zero-shot answers in every language,
# SQuAD v1.1 EM/F1 → results/tydiqa_scores.csv.


include: "helpers/tydiqa.smk"


wildcard_constraints:
    model="[A-Za-z0-9_]+(-[A-Za-z0-9_]+)?",
    seed="[0-9]+",


rule tydiqa_data:
    input:
        unpack(tydiqa_dataset_files),
    output:
        train="results/tydiqa/data/train.parquet",
        dev=expand("results/tydiqa/data/dev/{lang}.parquet", lang=QA_LANGUAGES),
        counts="results/tydiqa/data/counts.csv",
        problems="results/tydiqa/data/problems.csv",
    log:
        "logs/tydiqa_data.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        dataset=TYDIQA["dataset"],
        train_language=TYDIQA["train_language"],
        languages=QA_LANGUAGES,
        limit=TYDIQA["limit"],
        seed=config["seed"],
        cache_dir=TYDIQA["cache_dir"],
    script:
        "../scripts/tydiqa_data.py"


rule finetune_tydiqa:
    input:
        unpack(qa_model_inputs),
        train="results/tydiqa/data/train.parquet",
    output:
        directory("results/tydiqa/models/{model}/seed{seed}"),
    log:
        "logs/finetune_tydiqa/{model}/seed{seed}.log",
    benchmark:
        "logs/benchmarks/finetune_tydiqa/{model}/seed{seed}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,  # counts against profiles/default's local limit
        mem_mb=16000,
        runtime=360,
    params:
        model=lambda wildcards: QA_MODELS[wildcards.model],
        language=TYDIQA["train_language"],
        features=TYDIQA["features"],
        training=lambda wildcards: qa_training(wildcards.model),
        checkpoints=lambda wildcards: f"{TYDIQA['checkpoint_dir']}/{wildcards.model}/seed{wildcards.seed}",
        cache_dir=config["model_cache_dir"],
    script:
        "../scripts/finetune_tydiqa.py"


rule predict_tydiqa:
    input:
        model="results/tydiqa/models/{model}/seed{seed}",
        dev=expand("results/tydiqa/data/dev/{lang}.parquet", lang=QA_LANGUAGES),
    output:
        # one job per model and seed answers every language: the model and transformers load once
        expand("results/tydiqa/predictions/{{model}}/seed{{seed}}/{lang}.json", lang=QA_LANGUAGES),
    log:
        "logs/predict_tydiqa/{model}/seed{seed}.log",
    benchmark:
        "logs/benchmarks/predict_tydiqa/{model}/seed{seed}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(2)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,  # counts against profiles/default's local limit
        mem_mb=8000,
        runtime=120,
    params:
        languages=QA_LANGUAGES,
        features=TYDIQA["features"],
        prediction=TYDIQA["prediction"],
    script:
        "../scripts/predict_tydiqa.py"


rule tydiqa_scores:
    input:
        predictions=[run["predictions"] for run in tydiqa_runs()],
        dev=expand("results/tydiqa/data/dev/{lang}.parquet", lang=QA_LANGUAGES),
    output:
        scores=report("results/tydiqa_scores.csv", caption="../report/tydiqa_table.rst", category="6 TyDi QA"),
        summary="results/tydiqa/summary.csv",
        figure=report("results/tydiqa/scores.png", caption="../report/tydiqa.rst", category="6 TyDi QA"),
    log:
        "logs/tydiqa_scores.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        runs=tydiqa_runs(),
        train_language=TYDIQA["train_language"],
    script:
        "../scripts/tydiqa_scores.py"
