# van der Heijden, Abnar & Shutova: word embedders (static, subword, LASER's BiLSTM, a random BiLSTM)
# under one Transformer + CRF tagger, and fine-tuned Transformers (mBERT, XLM), NER and POS,
# zero-shot from English and jointly trained → results/tagging_scores.csv.


include: "helpers/tagging.smk"


wildcard_constraints:
    tagging_task="ner|pos",
    tagging_lang="[a-z]{2,3}(-[a-z0-9]+)*",
    embedder="bpe_bow|bpe_gru|muse|laser_top|laser_elmo|lstm_nopre|bert|xlm",
    tagging_scenario="zeroshot|monolingual|joint_a|joint_b",
    tagging_train="[a-z]{2,3}(-[a-z0-9]+)*|all",


# §Data: a task's sentences of one language (NER tags checked; POS tags in the 12 universal tags),
# the splits it is trained and evaluated on (evaluation-only languages: test).
rule tagging_data:
    input:
        unpack(lambda wildcards: tagging_local_files(wildcards.tagging_lang, wildcards.tagging_task)),
    output:
        directory("results/tagging/data/{tagging_task}/{tagging_lang}"),
    log:
        "logs/tagging_data/{tagging_task}/{tagging_lang}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        section=lambda wildcards: TAGGING["data"][wildcards.tagging_lang][wildcards.tagging_task],
        key=lambda wildcards: f"tagging.data.{wildcards.tagging_lang}.{wildcards.tagging_task}",
        splits=lambda wildcards: SPLITS if wildcards.tagging_lang in TAGGING["languages"] else ["test"],
        classes=TAGGING["ner_classes"],
        limits=TAGGING["limit"],
        sha256=TAGGING["sha256"],
        cache_dir=TAGGING["cache_dir"],
        seed=config["seed"],
    script:
        "../scripts/tagging_data.py"


# §Embedders: LASER — the published encoder with its BPE codes and vocabulary, or one pretrained here
# on translation into English (the demo's).
rule laser_encoder:
    input:
        unpack(laser_inputs),
    output:
        directory("results/tagging/laser"),
    log:
        "logs/laser_encoder.log",
    benchmark:
        "logs/benchmarks/laser_encoder.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(2)
    resources:
        mem_mb=8000,
        runtime=240,
    params:
        settings=TAGGING["laser"],
        english=TAGGING["english"],
        sha256=TAGGING["sha256"],
        cache_dir=TAGGING["cache_dir"],
        checkpoints="checkpoints/tagging/laser",
        seed=config["seed"],
    script:
        "../scripts/laser_encoder.py"


# §Embedders: MUSE's aligned vectors of the words a language's data has.
rule muse_vectors:
    input:
        unpack(tagging_vector_inputs),
    output:
        "results/tagging/vectors/{tagging_lang}.parquet",
    log:
        "logs/muse_vectors/{tagging_lang}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        location=lambda wildcards: TAGGING["muse"][wildcards.tagging_lang],
        key=lambda wildcards: f"tagging.muse.{wildcards.tagging_lang}",
        sha256=TAGGING["sha256"],
        cache_dir=TAGGING["cache_dir"],
    script:
        "../scripts/muse_vectors.py"


# §Training: the LASER-based taggers' dropouts and L2 by Gaussian-process Bayesian optimization, one
# study per task and embedder (trained on English, scored on English dev), every trial in this one job.
rule tagging_optimization:
    input:
        unpack(tagging_study_inputs),
    output:
        "results/tagging/optimization/{tagging_task}/{embedder}.csv",
    log:
        "logs/tagging_optimization/{tagging_task}/{embedder}.log",
    benchmark:
        "logs/benchmarks/tagging_optimization/{tagging_task}/{embedder}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,
        mem_mb=16000,
        runtime=1440,
    params:
        english=TAGGING["english"],
        classes=TAGGING["ner_classes"],
        ner_mode=NER["evaluation"]["mode"],
        tagger=TAGGING["tagger"],
        embedder_settings={
            "bpe_gru_hidden": TAGGING["bpe_gru_hidden"],
            "lstm_nopre": TAGGING["lstm_nopre"],
            "finetuned": TAGGING["finetuned"],
        },
        training=lambda wildcards: tagging_training(wildcards.embedder),
        lowercase=lambda wildcards: wildcards.embedder in TAGGING["lowercase"],
        study=TAGGING["optimization"],
        seed=config["seed"],
        checkpoints=lambda wildcards: f"checkpoints/tagging/optimization/{wildcards.tagging_task}/{wildcards.embedder}",
    script:
        "../scripts/tagging_optimization.py"


# §Sequence tagging, §Training: one tagger per task, embedder, scenario, training set and seed,
# scored on every evaluation language's test set; bert and xlm fine-tune the whole model under a
# linear layer.
rule train_tagger:
    input:
        unpack(tagging_run_inputs),
    output:
        directory("results/tagging/runs/{tagging_task}/{embedder}/{tagging_scenario}/{tagging_train}/seed{seed}"),
    log:
        "logs/train_tagger/{tagging_task}/{embedder}/{tagging_scenario}/{tagging_train}/seed{seed}.log",
    benchmark:
        "logs/benchmarks/train_tagger/{tagging_task}/{embedder}/{tagging_scenario}/{tagging_train}/seed{seed}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,
        mem_mb=16000,
        runtime=480,
    params:
        languages=tagging_run_languages,
        english=TAGGING["english"],
        share=TAGGING["joint_share"],
        classes=TAGGING["ner_classes"],
        ner_mode=NER["evaluation"]["mode"],
        tagger=TAGGING["tagger"],
        embedder_settings={
            "bpe_gru_hidden": TAGGING["bpe_gru_hidden"],
            "lstm_nopre": TAGGING["lstm_nopre"],
            "finetuned": TAGGING["finetuned"],
        },
        model=lambda wildcards: (
            model_source(TAGGING["finetuned_models"][wildcards.embedder]) if wildcards.embedder in FINETUNED_EMBEDDERS else None
        ),
        training=lambda wildcards: tagging_training(wildcards.embedder),
        lowercase=lambda wildcards: wildcards.embedder in TAGGING["lowercase"],
        checkpoints=lambda wildcards, output: output[0].replace("results/", "checkpoints/", 1),
    script:
        "../scripts/train_tagger.py"


rule tagging_scores:
    input:
        tagging_runs(),
    output:
        scores=report("results/tagging_scores.csv", caption="../report/tagging.rst", category="10 Tagging"),
        table2=report("results/tagging/table2.csv", caption="../report/tagging.rst", category="10 Tagging"),
        table3=report("results/tagging/table3.csv", caption="../report/tagging.rst", category="10 Tagging"),
        signs="results/tagging/sign_tests.csv",
        left_out="results/tagging/left_out.csv",
        figure=report("results/tagging/zeroshot.png", caption="../report/tagging.rst", category="10 Tagging"),
        gains="results/tagging/joint_gain.csv",
        gain_figure=report("results/tagging/joint_gain.png", caption="../report/tagging.rst", category="10 Tagging"),
        confusion="results/tagging/bio_confusion.csv",
        confusion_figure=report("results/tagging/bio_confusion.png", caption="../report/tagging.rst", category="10 Tagging"),
    log:
        "logs/tagging_scores.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        left_out=tagging_left_out(),
        english=TAGGING["english"],
        gain_leave_out=TAGGING["joint_gain_leave_out"],
        reference="laser_top",
        confusion=TAGGING["confusion"],
    script:
        "../scripts/tagging_scores.py"
