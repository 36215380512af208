# Monolingual subword vocabularies (ICEBERT §2.1) and the joint vocabulary.


include: "helpers/vocabulary.smk"


rule subword_vocab:
    input:
        unpack(vocabulary_inputs),
    output:
        pieces="results/vocab/{lang}/pieces.parquet",
        embeddings="results/vocab/{lang}/embeddings.npy",
        model="results/vocab/{lang}/segmenter.model",
        metadata="results/vocab/{lang}/metadata.json",
    log:
        "logs/subword_vocab/{lang}.log",
    benchmark:
        "logs/benchmarks/subword_vocab/{lang}.tsv"
    conda:
        "../envs/vocabulary.yaml"
    threads: job_threads(2)
    resources:
        mem_mb=8000,
        runtime=lambda wildcards, input: 30 + int(input.size_mb / 20),
    params:
        source=lambda wildcards: vocabulary_source(wildcards.lang),
        settings=lambda wildcards: vocabulary_settings(wildcards.lang),
        seed=config["seed"],
        work_dir="resources/trained-bpemb",
    script:
        "../scripts/subword_vocab.py"


rule joint_vocabulary:
    input:
        expand("results/vocab/{lang}/pieces.parquet", lang=LANGUAGES),
    output:
        "results/vocab/joint_vocabulary.parquet",
    log:
        "logs/joint_vocabulary.log",
    conda:
        "../envs/vocabulary.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        languages=LANGUAGES,
    script:
        "../scripts/joint_vocabulary.py"
