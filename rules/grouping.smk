# "Tomato, Tomahto, Tomate" §2.1: semantic groups (k-means) and the First-k baseline over the joint
# mapped vocabulary or a Hugging Face model's input embeddings; grouped models for the latter.


wildcard_constraints:
    source="[A-Za-z0-9_]+",
    method="kmeans|firstk",
    ratio="[0-9]+",


rule grouping_source:
    input:
        unpack(grouping_source_inputs),
    output:
        tokens="results/grouping/{source}/tokens.parquet",
        embeddings="results/grouping/{source}/embeddings.npy",
    log:
        "logs/grouping_source/{source}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        model=lambda wildcards: None if wildcards.source == "vocabulary" else model_source(wildcards.source),
        languages=LANGUAGES,
    script:
        "../scripts/grouping_source.py"


rule semantic_grouping:
    input:
        tokens="results/grouping/{source}/tokens.parquet",
        embeddings="results/grouping/{source}/embeddings.npy",
    output:
        **group_map_files("kmeans"),
    log:
        "logs/semantic_grouping/{source}/kmeans{ratio}.log",
    benchmark:
        "logs/benchmarks/semantic_grouping/{source}/kmeans{ratio}.tsv"
    conda:
        "../envs/model.yaml"
    threads: 2
    resources:
        mem_mb=16000,
        runtime=240,
        gpu=kmeans_gpus(),
        gpu_jobs=kmeans_gpus(),  # counts against profiles/default's local limit
    params:
        ratio=lambda wildcards: int(wildcards.ratio) / 100,
        seed=config["seed"],
        init=config["grouping"]["kmeans"]["init"],
        max_iterations=config["grouping"]["kmeans"]["max_iterations"],
        search=search_settings(),
    script:
        "../scripts/semantic_grouping.py"


rule first_k:
    input:
        tokens="results/grouping/{source}/tokens.parquet",
    output:
        **group_map_files("firstk"),
    log:
        "logs/first_k/{source}/firstk{ratio}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    params:
        ratio=lambda wildcards: int(wildcards.ratio) / 100,
    script:
        "../scripts/first_k.py"


rule grouped_model:
    input:
        unpack(grouped_model_inputs),
    output:
        directory("results/grouping/{source}/{method}{ratio}/model"),
    log:
        "logs/grouped_model/{source}/{method}{ratio}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=30,
    params:
        model=lambda wildcards: None if wildcards.source == "vocabulary" else model_source(wildcards.source),
    script:
        "../scripts/grouped_model.py"


rule grouping_report:
    input:
        summaries=lambda wildcards: grouping_outputs(wildcards.source, "summary.json"),
        sizes=lambda wildcards: grouping_outputs(wildcards.source, "sizes.csv"),
    output:
        summary="results/grouping/{source}/summary.csv",
        figure=report(
            "results/grouping/{source}/sizes.png", caption="../report/grouping.rst", category="4 Semantic grouping", subcategory="{source}"
        ),
    log:
        "logs/grouping_report/{source}.log",
    conda:
        "../envs/cluster.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/grouping_report.py"
