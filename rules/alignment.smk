# Seed dictionaries, Procrustes alignment into the pivot space, and BLI (ICEBERT §2.2).


include: "helpers/alignment.smk"


rule seed_dictionary:
    input:
        unpack(dictionary_files),
        pieces="results/vocab/{lang}/pieces.parquet",
        pivot_pieces=f"results/vocab/{PIVOT}/pieces.parquet",
    output:
        train="results/dictionaries/{lang}/train.tsv",
        test="results/dictionaries/{lang}/test.tsv",
        coverage="results/dictionaries/{lang}/coverage.json",
    log:
        "logs/seed_dictionary/{lang}.log",
    conda:
        "../envs/vocabulary.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        spec=lambda wildcards: config["dictionaries"][wildcards.lang],
    script:
        "../scripts/seed_dictionary.py"


rule align_embeddings:
    input:
        unpack(alignment_inputs),
    output:
        mapping="results/alignment/{lang}/mapping.npy",
        mapped="results/alignment/{lang}/mapped.npy",
        report="results/alignment/{lang}/report.json",
    log:
        "logs/align_embeddings/{lang}.log",
    benchmark:
        "logs/benchmarks/align_embeddings/{lang}.tsv"
    conda:
        "../envs/vocabulary.yaml"
    threads: job_threads(2)
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        settings=config["alignment"],
        is_pivot=lambda wildcards: wildcards.lang == PIVOT,
        search=search_settings(),
    script:
        "../scripts/align_embeddings.py"


rule evaluate_bli:
    input:
        mapped=expand("results/alignment/{lang}/mapped.npy", lang=LANGUAGES),
        tests=expand("results/dictionaries/{lang}/test.tsv", lang=NON_PIVOT),
        coverage=expand("results/dictionaries/{lang}/coverage.json", lang=NON_PIVOT),
    output:
        table=report("results/bli_scores.csv", caption="../report/bli_table.rst", category="2 Alignment and BLI"),
        figure=report("results/bli/bli.png", caption="../report/bli.rst", category="2 Alignment and BLI"),
    log:
        "logs/evaluate_bli.log",
    benchmark:
        "logs/benchmarks/evaluate_bli.tsv"
    conda:
        "../envs/vocabulary.yaml"
    threads: job_threads(2)
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        languages=LANGUAGES,
        non_pivot=NON_PIVOT,
        pivot=PIVOT,
        settings=config["bli"],
        search=search_settings(),
    script:
        "../scripts/evaluate_bli.py"
