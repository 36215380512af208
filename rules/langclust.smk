# Shaffer (2021) §3: WikiAnn sentences, XLM-R fine-tuned for language identification, one
# vector per sentence, Ward clustering and a majority vote per language → results/language_clusters.csv.
import re


include: "helpers/langclust.smk"


wildcard_constraints:
    wikiann_lang="|".join(re.escape(lang) for lang in WIKIANN_READ),
    representation="finetuned_cls|pretrained_cls|pretrained_max",


rule wikiann_data:
    input:
        unpack(wikiann_files),
    output:
        train="results/wikiann/{wikiann_lang}/train.parquet",
        dev="results/wikiann/{wikiann_lang}/dev.parquet",
        test="results/wikiann/{wikiann_lang}/test.parquet",
        counts="results/wikiann/{wikiann_lang}/counts.csv",
        problems="results/wikiann/{wikiann_lang}/problems.csv",
    log:
        "logs/wikiann_data/{wikiann_lang}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        source=lambda wildcards: wikiann_source(wildcards.wikiann_lang),
        source_key="wikiann.dataset",
        language=lambda wildcards: wildcards.wikiann_lang,
        name=None,  # sentence IDs start with the language code
        classes=WIKIANN["classes"],
        invalid_tags=WIKIANN["invalid_tags"],
        limit=WIKIANN["limit"],
        seed=config["seed"],
        cache_dir=WIKIANN["cache_dir"],
    script:
        "../scripts/wikiann_data.py"


rule langid_finetune:
    input:
        unpack(lambda wildcards: model_files(LANGCLUST["model"])),
        train=wikiann_data("train"),
        dev=wikiann_data("dev"),
    output:
        model=directory("results/langclust/langid/model"),
        accuracy=report("results/langclust/langid/accuracy.csv", caption="../report/langid.rst", category="7 Language clusters"),
    log:
        "logs/langid_finetune.log",
    benchmark:
        "logs/benchmarks/langid_finetune.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,  # counts against profiles/default's local limit
        mem_mb=16000,
        runtime=480,
    params:
        languages=NER_LANGUAGES,
        encoder=model_source(LANGCLUST["model"]),
        settings=LANGCLUST["langid"],
        seed=config["seed"],
        checkpoints=f"{LANGCLUST['checkpoint_dir']}/{LANGCLUST['model']}",
    script:
        "../scripts/langid_finetune.py"


rule langclust_sentences:
    input:
        wikiann_data(LANGCLUST["embedding"]["split"]),
    output:
        "results/langclust/sentences.parquet",
    log:
        "logs/langclust_sentences.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        languages=NER_LANGUAGES,
        per_language=LANGCLUST["embedding"]["sentences_per_language"],
        seed=config["seed"],
    script:
        "../scripts/langclust_sentences.py"


rule embed_sentences:
    input:
        unpack(embedding_model_input),
        sentences="results/langclust/sentences.parquet",
    output:
        vectors="results/langclust/embeddings/{representation}.npy",
        stats="results/langclust/embeddings/{representation}.json",
    log:
        "logs/embed_sentences/{representation}.log",
    benchmark:
        "logs/benchmarks/embed_sentences/{representation}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(2)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,  # counts against profiles/default's local limit
        mem_mb=8000,
        runtime=60,
    params:
        encoder=model_source(LANGCLUST["model"]),
        embedding=LANGCLUST["embedding"],
    script:
        "../scripts/embed_sentences.py"


rule cluster_languages:
    input:
        vectors="results/langclust/embeddings/{representation}.npy",
        sentences="results/langclust/sentences.parquet",
    output:
        clusters="results/langclust/{representation}/clusters.csv",
        votes="results/langclust/{representation}/votes.csv",
        dendrogram=report(
            "results/langclust/{representation}/dendrogram.png",
            caption="../report/dendrogram.rst",
            category="7 Language clusters",
            subcategory="{representation}",
        ),
    log:
        "logs/cluster_languages/{representation}.log",
    benchmark:
        "logs/benchmarks/cluster_languages/{representation}.tsv"
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000 + ward_memory_mb(),
        runtime=60,
    params:
        ks=LANGCLUST["ks"],
    script:
        "../scripts/cluster_languages.py"


rule langclust_report:
    input:
        clusters=expand("results/langclust/{representation}/clusters.csv", representation=LANGCLUST["representations"]),
        votes=expand("results/langclust/{representation}/votes.csv", representation=LANGCLUST["representations"]),
        vectors=expand("results/langclust/embeddings/{representation}.npy", representation=LANGCLUST["representations"]),
        sentences="results/langclust/sentences.parquet",
    output:
        clusters=report("results/language_clusters.csv", caption="../report/language_clusters.rst", category="7 Language clusters"),
        votes="results/langclust/votes.csv",
        projection=report("results/langclust/projection.png", caption="../report/projection.rst", category="7 Language clusters"),
    log:
        "logs/langclust_report.log",
    conda:
        "../envs/model.yaml"
    threads: job_threads(2)
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        representations=LANGCLUST["representations"],
        projection=LANGCLUST["projection"],
        seed=config["seed"],
    script:
        "../scripts/langclust_report.py"
