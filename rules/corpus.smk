# The corpus stage: Wikipedia dumps -> sentence tables -> statistics -> the α-smoothed mix.


include: "helpers/corpus.smk"


wildcard_constraints:
    lang="|".join(CORPUS_LANGUAGES),
    part=r"\d+",


rule download_wikipedia:
    input:
        unpack(local_source_files),
    output:
        dump="resources/wikipedia/{lang}/pages-articles-multistream.xml.bz2",
        multistream_index="resources/wikipedia/{lang}/pages-articles-multistream-index.txt.bz2",
        manifest="resources/wikipedia/{lang}/source.json",
    log:
        "logs/download_wikipedia/{lang}.log",
    benchmark:
        "logs/benchmarks/download_wikipedia/{lang}.tsv"
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=360,
    params:
        source=lambda wildcards: asdict(dump_source(wildcards.lang)),
    script:
        "../scripts/download_wikipedia.py"


rule plan_extraction:
    input:
        dump=rules.download_wikipedia.output.dump,
        multistream_index=rules.download_wikipedia.output.multistream_index,
    output:
        "results/corpus/{lang}/parts.json",
    log:
        "logs/plan_extraction/{lang}.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        n_parts=lambda wildcards: n_parts(wildcards.lang),
    script:
        "../scripts/plan_extraction.py"


rule extract_wikipedia:
    input:
        dump=rules.download_wikipedia.output.dump,
        plan=rules.plan_extraction.output[0],
    output:
        sentences=temp("results/corpus/{lang}/parts/{part}.parquet"),
        summary=temp("results/corpus/{lang}/parts/{part}.json"),
    log:
        "logs/extract_wikipedia/{lang}/{part}.log",
    benchmark:
        "logs/benchmarks/extract_wikipedia/{lang}/{part}.tsv"
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        # benchmarks/extraction.py measured 1.2-1.4 compressed MB/s on one core; budget 0.17
        runtime=lambda wildcards, input: 15 + int(input.size_mb / n_parts(wildcards.lang) / 10),
    params:
        disambiguation_templates=lambda wildcards: per_language(config["wikipedia"]["disambiguation_templates"], wildcards.lang),
        extract=config["extract"],
    script:
        "../scripts/extract_wikipedia.py"


rule gather_wikipedia:
    input:
        sentences=lambda wildcards: extraction_parts(wildcards, "parquet"),
        summaries=lambda wildcards: extraction_parts(wildcards, "json"),
    output:
        sentences="results/corpus/{lang}/sentences.parquet",
        summary="results/corpus/{lang}/extraction.json",
    log:
        "logs/gather_wikipedia/{lang}.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=lambda wildcards, input: 10 + int(input.size_mb / 100),
    script:
        "../scripts/gather_wikipedia.py"


rule corpus_stats:
    input:
        sentences=expand("results/corpus/{lang}/sentences.parquet", lang=LANGUAGES),
        summaries=expand("results/corpus/{lang}/extraction.json", lang=LANGUAGES),
    output:
        table=report("results/corpus/stats.csv", caption="../report/corpus_table.rst", category="1 Corpus"),
        figure=report("results/corpus/stats.png", caption="../report/corpus.rst", category="1 Corpus"),
    log:
        "logs/corpus_stats.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=lambda wildcards, input: 10 + int(input.size_mb / 200),
    params:
        languages=LANGUAGES,
    script:
        "../scripts/corpus_stats.py"


rule pack_corpus:
    input:
        "results/corpus/{lang}/sentences.parquet",
    output:
        "results/pretraining/lines/{lang}.parquet",
    log:
        "logs/pack_corpus/{lang}.log",
    benchmark:
        "logs/benchmarks/pack_corpus/{lang}.tsv"
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=lambda wildcards, input: 10 + int(input.size_mb / 50),
    params:
        max_line_tokens=config["sampling"]["max_line_tokens"],
    script:
        "../scripts/pack_corpus.py"


rule sample_corpus:
    input:
        expand("results/pretraining/lines/{lang}.parquet", lang=LANGUAGES),
    output:
        mix="results/pretraining/mix.parquet",
        table="results/pretraining/sampling.csv",
        figure=report("results/pretraining/sampling.png", caption="../report/sampling.rst", category="1 Corpus"),
    log:
        "logs/sample_corpus.log",
    benchmark:
        "logs/benchmarks/sample_corpus.tsv"
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards: int(3 * config["sampling"]["shuffle_bucket_mb"]) + 2000,
        runtime=lambda wildcards, input: 15 + int(input.size_mb / 20),
    params:
        languages=LANGUAGES,
        alpha=config["sampling"]["alpha"],
        bucket_mb=config["sampling"]["shuffle_bucket_mb"],
        seed=config["seed"],
    script:
        "../scripts/sample_corpus.py"
