# ICEBERT §3.2-3.4: cluster-ID and baseline tokenizers, the encoded pretraining corpus, masked-LM
# pretraining of each tokenizer's BERT.


include: "helpers/pretrain.smk"


wildcard_constraints:
    tokenizer="icebert|baseline|kmeans[0-9]+|firstk[0-9]+",
    cluster_tokenizer="icebert|kmeans[0-9]+|firstk[0-9]+",
    size="[A-Za-z0-9_]+",
    corpus="[A-Za-z0-9_]+",


rule cluster_tokenizer:
    input:
        unpack(cluster_tokenizer_inputs),
    output:
        directory("results/tokenizers/{cluster_tokenizer}"),
    log:
        "logs/cluster_tokenizer/{cluster_tokenizer}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        languages=LANGUAGES,
        model_max_length=tokenizer_max_length(),
    script:
        "../scripts/cluster_tokenizer.py"


rule baseline_tokenizer:
    input:
        sentences=expand("results/corpus/{lang}/sentences.parquet", lang=LANGUAGES),
        cluster_vocab="results/clusters/vocab.txt",  # the baseline gets as many IDs
    output:
        directory("results/tokenizers/baseline"),
    log:
        "logs/baseline_tokenizer.log",
    benchmark:
        "logs/benchmarks/baseline_tokenizer.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(2)
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        languages=LANGUAGES,
        sentences=PRETRAINING["baseline"]["sentences"],
        model_type=PRETRAINING["baseline"]["model_type"],
        character_coverage=PRETRAINING["baseline"]["character_coverage"],
        model_max_length=tokenizer_max_length(),
        seed=config["seed"],
    script:
        "../scripts/baseline_tokenizer.py"


rule sentence_corpus:
    input:
        expand("results/corpus/{lang}/sentences.parquet", lang=LANGUAGES),
    output:
        corpus="results/pretraining/corpora/{size}.parquet",
        counts="results/pretraining/corpora/{size}.csv",
    log:
        "logs/sentence_corpus/{size}.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        languages=LANGUAGES,
        per_language=lambda wildcards: PRETRAINING["models"][wildcards.size]["corpus"]["sentences_per_language"],
        config_key=lambda wildcards: f"pretraining.models.{wildcards.size}.corpus.sentences_per_language",
        seed=config["seed"],
    script:
        "../scripts/sentence_corpus.py"


rule encode_corpus:
    input:
        corpus=lambda wildcards: pretraining_corpus_file(wildcards.corpus),
        tokenizer="results/tokenizers/{tokenizer}",
    output:
        directory("results/pretraining/encoded/{corpus}/{tokenizer}"),
    log:
        "logs/encode_corpus/{corpus}/{tokenizer}.log",
    benchmark:
        "logs/benchmarks/encode_corpus/{corpus}/{tokenizer}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(2)
    resources:
        mem_mb=lambda wildcards, threads: 2000 + 1500 * threads,
        runtime=lambda wildcards, input: 30 + int(input.size_mb / 20),
    params:
        shard_lines=PRETRAINING["encode"]["shard_lines"],
    script:
        "../scripts/encode_corpus.py"


rule pretrain:
    input:
        corpus=lambda wildcards: f"results/pretraining/encoded/{pretraining_corpus(wildcards.size)}/{wildcards.tokenizer}",
        tokenizer="results/tokenizers/{tokenizer}",
    output:
        directory("results/pretraining/models/{tokenizer}-{size}"),
    log:
        "logs/pretrain/{tokenizer}-{size}.log",
    benchmark:
        "logs/benchmarks/pretrain/{tokenizer}-{size}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,  # profiles raise it (and nodes) for data-parallel runs
        gpu_jobs=GPU_SLOT,  # counts against profiles/default's local limit
        mem_mb=32000,
        runtime=2880,
    params:
        model=lambda wildcards: PRETRAINING["models"][wildcards.size],
        config_key=lambda wildcards: f"pretraining.models.{wildcards.size}",
        checkpoints=lambda wildcards: f"{PRETRAINING['checkpoint_dir']}/{wildcards.tokenizer}-{wildcards.size}",
        launcher=PRETRAINING["launcher"],
        seed=config["seed"],
    script:
        "../scripts/pretrain.py"


rule pretraining_report:
    input:
        [pretrained_model(t, s) for t in PRETRAINING["tokenizers"] for s in PRETRAINING["sizes"]],
    output:
        table="results/pretraining/summary.csv",
        figure=report("results/pretraining/loss.png", caption="../report/pretraining.rst", category="5 Pretraining"),
    log:
        "logs/pretraining_report.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/pretraining_report.py"
