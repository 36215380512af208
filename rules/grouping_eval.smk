# "Tomato, Tomahto, Tomate" §3, Table 2: each pipeline's model (and the backbone, the oracle) fine-tuned
# per task and language — MasakhaNER (span F1), XNLI (accuracy; in-language and zero-shot from
# English), TyDi QA GoldP (EM/F1; all training data and English only) — →
# results/grouping_eval_scores.csv, Table 5 and the score-versus-r_G (or d) figures (Figs. 3–6, 9).


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
        test_languages=lambda wildcards: eval_test_languages(wildcards.eval_task, wildcards.eval_lang),
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
        test_languages=lambda wildcards: eval_test_languages(wildcards.eval_task, wildcards.eval_lang),
        checkpoints=lambda wildcards: f"{GROUPING['continual']['checkpoint_dir']}/eval/{wildcards.pipeline}/{wildcards.eval_task}/{wildcards.eval_lang}/seed{wildcards.seed}",
    script:
        "../scripts/eval_xnli.py"


# TyDi QA's training questions of one evaluation training: every language's (all), or one language's.
rule tydiqa_eval_train:
    input:
        unpack(tydiqa_dataset_files),
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
        languages=lambda wildcards: QA_LANGUAGES if wildcards.eval_lang == "all" else [wildcards.eval_lang],
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
        test_languages=lambda wildcards: eval_test_languages(wildcards.eval_task, wildcards.eval_lang),
        checkpoints=lambda wildcards: f"{GROUPING['continual']['checkpoint_dir']}/eval/{wildcards.pipeline}/{wildcards.eval_task}/{wildcards.eval_lang}/seed{wildcards.seed}",
    script:
        "../scripts/eval_tydiqa.py"


rule grouping_eval_scores:
    input:
        scores=[eval_run_file(run) for run in eval_runs()],
    output:
        scores="results/grouping_eval_scores.csv",
        table5=report("results/grouping_eval/table5.csv", caption="../report/grouping_eval_table.rst", category="4 Semantic grouping"),
        figures=[
            report(grouping_eval_figure(study), caption=f"../report/grouping_eval_{study}.rst", category="4 Semantic grouping")
            for study in GROUPING_EVAL_STUDIES
        ],
    log:
        "logs/grouping_eval_scores.log",
    conda:
        "../envs/cluster.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        runs=eval_runs(),
    script:
        "../scripts/grouping_eval_scores.py"


# MIRACL (Zhang et al. 2023): a language's corpus, dev topics and judgements; its training examples
# (training languages only); BM25's candidates for reranking.
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
        test_languages=lambda wildcards: eval_test_languages(wildcards.eval_task, wildcards.eval_lang),
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
        test_languages=lambda wildcards: eval_test_languages(wildcards.eval_task, wildcards.eval_lang),
        checkpoints=lambda wildcards: f"{GROUPING['continual']['checkpoint_dir']}/eval/{wildcards.pipeline}/{wildcards.eval_task}/{wildcards.eval_lang}/seed{wildcards.seed}",
    script:
        "../scripts/eval_miracl_reranking.py"
