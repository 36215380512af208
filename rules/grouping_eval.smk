# "Tomato, Tomahto, Tomate" Table 2, App. A: each evaluated pipeline's model (grouping.evaluation: the
# backbones, the reference, grouping.pipelines) fine-tuned per task with Table 2's settings —
# MasakhaNER (span F1), XNLI (accuracy), TyDi QA GoldP (EM/F1), MIRACL retrieval and reranking
# (nDCG@10) — once on all the task's training languages together (`all`, App. A) and, for the
# pipelines of grouping.evaluation.zero_shot, on one language's (zero-shot elsewhere, Fig. 9); each
# run scored on every test language → results/grouping_eval_scores.csv, Table 5 and the figures.
# The runs: xlclust/grouping_eval/runs.py; {eval_lang} of a run is its training (`all` or a code).


include: "helpers/grouping_eval.smk"


wildcard_constraints:
    eval_task="masakhaner|xnli|tydiqa|miracl_retrieval|miracl_reranking",
    eval_lang="[A-Za-z0-9_-]+",


rule masakhaner_data:
    input:
        unpack(eval_data_files),
    output:
        **{split: f"results/grouping_eval/data/{{eval_task}}/{{eval_lang}}/{split}.parquet" for split in ("train", "dev", "test")},
        counts="results/grouping_eval/data/{eval_task}/{eval_lang}/counts.csv",
        problems="results/grouping_eval/data/{eval_task}/{eval_lang}/problems.csv",
    log:
        "logs/masakhaner_data/{eval_task}/{eval_lang}.log",
    wildcard_constraints:
        eval_task="masakhaner",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        language=lambda wildcards: wildcards.eval_lang,
        files=EVALUATION["masakhaner"].get("files"),  # required (the config check) only where MasakhaNER runs
        classes=EVALUATION["masakhaner"]["classes"],
        cache_dir=EVALUATION["cache_dir"],
        sha256=EVALUATION["sha256"],
        seed=config["seed"],
    script:
        "../scripts/masakhaner_data.py"


rule xnli_data:
    input:
        unpack(eval_data_files),
    output:
        **{split: f"results/grouping_eval/data/{{eval_task}}/{{eval_lang}}/{split}.parquet" for split in ("train", "dev", "test")},
        counts="results/grouping_eval/data/{eval_task}/{eval_lang}/counts.csv",
    log:
        "logs/xnli_data/{eval_task}/{eval_lang}.log",
    wildcard_constraints:
        eval_task="xnli",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=30,
    params:
        language=lambda wildcards: wildcards.eval_lang,
        spec=EVALUATION["xnli"],
        cache_dir=EVALUATION["cache_dir"],
        sha256=EVALUATION["sha256"],
        seed=config["seed"],
    script:
        "../scripts/xnli_data.py"


rule eval_ner:
    input:
        unpack(eval_run_inputs),
    output:
        scores="results/grouping_eval/runs/{pipeline}/{eval_task}/{eval_lang}/seed{seed}/scores.csv",
        summary="results/grouping_eval/runs/{pipeline}/{eval_task}/{eval_lang}/seed{seed}/training.json",
    log:
        "logs/eval_ner/{pipeline}/{eval_task}/{eval_lang}/seed{seed}.log",
    benchmark:
        "logs/benchmarks/eval_ner/{pipeline}/{eval_task}/{eval_lang}/seed{seed}.tsv"
    wildcard_constraints:
        eval_task="masakhaner",
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,  # counts against profiles/default's local limit
        mem_mb=16000,
        runtime=480,
    params:
        model=lambda wildcards: pipeline_model(wildcards.pipeline),
        classes=EVALUATION["masakhaner"]["classes"],
        max_length=EVALUATION["max_length"],
        training=EVALUATION["masakhaner"]["training"],
        train_languages=lambda wildcards: eval_train_languages(wildcards.eval_task, wildcards.eval_lang),
        test_languages=lambda wildcards: eval_test_languages(wildcards.eval_task),
        checkpoints=lambda wildcards: f"{GROUPING['continual']['checkpoint_dir']}/eval/{wildcards.pipeline}/{wildcards.eval_task}/{wildcards.eval_lang}/seed{wildcards.seed}",
    script:
        "../scripts/eval_ner.py"


rule eval_xnli:
    input:
        unpack(eval_run_inputs),
    output:
        scores="results/grouping_eval/runs/{pipeline}/{eval_task}/{eval_lang}/seed{seed}/scores.csv",
        summary="results/grouping_eval/runs/{pipeline}/{eval_task}/{eval_lang}/seed{seed}/training.json",
    log:
        "logs/eval_xnli/{pipeline}/{eval_task}/{eval_lang}/seed{seed}.log",
    benchmark:
        "logs/benchmarks/eval_xnli/{pipeline}/{eval_task}/{eval_lang}/seed{seed}.tsv"
    wildcard_constraints:
        eval_task="xnli",
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,  # counts against profiles/default's local limit
        mem_mb=16000,
        runtime=720,
    params:
        model=lambda wildcards: pipeline_model(wildcards.pipeline),
        max_length=EVALUATION["max_length"],
        training=EVALUATION["xnli"]["training"],
        train_languages=lambda wildcards: eval_train_languages(wildcards.eval_task, wildcards.eval_lang),
        test_languages=lambda wildcards: eval_test_languages(wildcards.eval_task),
        checkpoints=lambda wildcards: f"{GROUPING['continual']['checkpoint_dir']}/eval/{wildcards.pipeline}/{wildcards.eval_task}/{wildcards.eval_lang}/seed{wildcards.seed}",
    script:
        "../scripts/eval_xnli.py"


# TyDi QA's training questions of one evaluation training: every language's with training questions
# (all, App. A), or one language's.
rule tydiqa_eval_train:
    input:
        unpack(tydiqa_eval_train_files),
    output:
        questions="results/grouping_eval/data/tydiqa/train/{eval_lang}.parquet",
        counts="results/grouping_eval/data/tydiqa/train/{eval_lang}.csv",
    log:
        "logs/tydiqa_eval_train/{eval_lang}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        dataset=TYDIQA["dataset"],
        languages=lambda wildcards: eval_train_languages("tydiqa", wildcards.eval_lang),
        limit=TYDIQA["limit"]["train"],
        seed=config["seed"],
        cache_dir=TYDIQA["cache_dir"],
    script:
        "../scripts/tydiqa_eval_train.py"


rule eval_tydiqa:
    input:
        unpack(eval_run_inputs),
    output:
        scores="results/grouping_eval/runs/{pipeline}/{eval_task}/{eval_lang}/seed{seed}/scores.csv",
        summary="results/grouping_eval/runs/{pipeline}/{eval_task}/{eval_lang}/seed{seed}/training.json",
    log:
        "logs/eval_tydiqa/{pipeline}/{eval_task}/{eval_lang}/seed{seed}.log",
    benchmark:
        "logs/benchmarks/eval_tydiqa/{pipeline}/{eval_task}/{eval_lang}/seed{seed}.tsv"
    wildcard_constraints:
        eval_task="tydiqa",
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,  # counts against profiles/default's local limit
        mem_mb=16000,
        runtime=720,
    params:
        model=lambda wildcards: pipeline_model(wildcards.pipeline),
        features=TYDIQA["features"],
        prediction=TYDIQA["prediction"],
        training=EVALUATION["tydiqa"]["training"],
        train_languages=lambda wildcards: eval_train_languages(wildcards.eval_task, wildcards.eval_lang),
        test_languages=lambda wildcards: eval_test_languages(wildcards.eval_task),
        checkpoints=lambda wildcards: f"{GROUPING['continual']['checkpoint_dir']}/eval/{wildcards.pipeline}/{wildcards.eval_task}/{wildcards.eval_lang}/seed{wildcards.seed}",
    script:
        "../scripts/eval_tydiqa.py"


# Table 5 (App. G) and Figs. 3-7, 9-12 from every run's scores, each against the reference its
# caption names (xlclust/grouping_eval/report.py, studies.py, figures.py).
rule grouping_eval_scores:
    input:
        scores=[eval_run_file(run) for run in eval_runs()],
        models=eval_report_model_files(),  # Fig. 6's embedding sizes are read from their configs
    output:
        scores="results/grouping_eval_scores.csv",
        table5=report("results/grouping_eval/table5.csv", caption="../report/grouping_eval_table.rst", category="4 Semantic grouping"),
        figures=[
            report(grouping_eval_figure(figure), caption=f"../report/grouping_eval_{figure}.rst", category="4 Semantic grouping")
            for figure in GROUPING_EVAL_FIGURES
        ],
        fig10="results/grouping_eval/fig10.csv",
    log:
        "logs/grouping_eval_scores.log",
    conda:
        "../envs/model.yaml"  # the model configs are read through transformers
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        runs=eval_runs(),
        references=eval_references(),
        models=eval_report_models(),
    script:
        "../scripts/grouping_eval_scores.py"


# MIRACL (Zhang et al. 2023): a language's corpus, dev topics and judgements; its training examples
# (training languages only; a run's `all` reads every one's); BM25's candidates for reranking.
rule miracl_data:
    input:
        unpack(miracl_data_files),
    output:
        corpus="results/grouping_eval/data/miracl/{eval_lang}/corpus.parquet",
        topics="results/grouping_eval/data/miracl/{eval_lang}/dev.parquet",
        qrels="results/grouping_eval/data/miracl/{eval_lang}/dev.qrels",
        counts="results/grouping_eval/data/miracl/{eval_lang}/counts.csv",
    log:
        "logs/miracl_data/{eval_lang}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=16000,
        runtime=240,
    params:
        language=lambda wildcards: wildcards.eval_lang,
        spec=EVALUATION["miracl"],
        cache_dir=EVALUATION["cache_dir"],
    script:
        "../scripts/miracl_data.py"


rule miracl_train:
    input:
        unpack(miracl_data_files),
        corpus="results/grouping_eval/data/miracl/{eval_lang}/corpus.parquet",
    output:
        examples="results/grouping_eval/data/miracl/{eval_lang}/train.parquet",
        counts="results/grouping_eval/data/miracl/{eval_lang}/train_counts.csv",
    log:
        "logs/miracl_train/{eval_lang}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=16000,
        runtime=120,
    params:
        language=lambda wildcards: wildcards.eval_lang,
        spec=EVALUATION["miracl"],
        cache_dir=EVALUATION["cache_dir"],
    script:
        "../scripts/miracl_train.py"


rule miracl_bm25:
    input:
        corpus="results/grouping_eval/data/miracl/{eval_lang}/corpus.parquet",
        topics="results/grouping_eval/data/miracl/{eval_lang}/dev.parquet",
    output:
        run="results/grouping_eval/data/miracl/{eval_lang}/bm25.trec",
    log:
        "logs/miracl_bm25/{eval_lang}.log",
    benchmark:
        "logs/benchmarks/miracl_bm25/{eval_lang}.tsv"
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=64000,
        runtime=240,
    params:
        bm25=EVALUATION["miracl"]["bm25"],
        depth=EVALUATION["miracl"]["depth"],
    script:
        "../scripts/miracl_bm25.py"


rule eval_miracl_retrieval:
    input:
        unpack(eval_run_inputs),
    output:
        scores="results/grouping_eval/runs/{pipeline}/{eval_task}/{eval_lang}/seed{seed}/scores.csv",
        summary="results/grouping_eval/runs/{pipeline}/{eval_task}/{eval_lang}/seed{seed}/training.json",
        runs=directory("results/grouping_eval/runs/{pipeline}/{eval_task}/{eval_lang}/seed{seed}/trec"),
    log:
        "logs/eval_miracl_retrieval/{pipeline}/{eval_task}/{eval_lang}/seed{seed}.log",
    benchmark:
        "logs/benchmarks/eval_miracl_retrieval/{pipeline}/{eval_task}/{eval_lang}/seed{seed}.tsv"
    wildcard_constraints:
        eval_task="miracl_retrieval",
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,  # counts against profiles/default's local limit
        mem_mb=64000,
        runtime=2880,
    params:
        model=lambda wildcards: pipeline_model(wildcards.pipeline),
        spec=EVALUATION["miracl"],
        search=search_settings(),
        train_languages=lambda wildcards: eval_train_languages(wildcards.eval_task, wildcards.eval_lang),
        test_languages=lambda wildcards: eval_test_languages(wildcards.eval_task),
        checkpoints=lambda wildcards: f"{GROUPING['continual']['checkpoint_dir']}/eval/{wildcards.pipeline}/{wildcards.eval_task}/{wildcards.eval_lang}/seed{wildcards.seed}",
    script:
        "../scripts/eval_miracl_retrieval.py"


rule eval_miracl_reranking:
    input:
        unpack(eval_run_inputs),
    output:
        scores="results/grouping_eval/runs/{pipeline}/{eval_task}/{eval_lang}/seed{seed}/scores.csv",
        summary="results/grouping_eval/runs/{pipeline}/{eval_task}/{eval_lang}/seed{seed}/training.json",
        runs=directory("results/grouping_eval/runs/{pipeline}/{eval_task}/{eval_lang}/seed{seed}/trec"),
    log:
        "logs/eval_miracl_reranking/{pipeline}/{eval_task}/{eval_lang}/seed{seed}.log",
    benchmark:
        "logs/benchmarks/eval_miracl_reranking/{pipeline}/{eval_task}/{eval_lang}/seed{seed}.tsv"
    wildcard_constraints:
        eval_task="miracl_reranking",
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,  # counts against profiles/default's local limit
        mem_mb=32000,
        runtime=1440,
    params:
        model=lambda wildcards: pipeline_model(wildcards.pipeline),
        spec=EVALUATION["miracl"],
        train_languages=lambda wildcards: eval_train_languages(wildcards.eval_task, wildcards.eval_lang),
        test_languages=lambda wildcards: eval_test_languages(wildcards.eval_task),
        checkpoints=lambda wildcards: f"{GROUPING['continual']['checkpoint_dir']}/eval/{wildcards.pipeline}/{wildcards.eval_task}/{wildcards.eval_lang}/seed{wildcards.seed}",
    script:
        "../scripts/eval_miracl_reranking.py"
