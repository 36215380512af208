# ICEBERT §2.2 clusters: mutual top-k translation graph, METIS partition, the cluster map.


rule translation_graph:
    input:
        joint="results/vocab/joint_vocabulary.parquet",
        mapped=expand("results/alignment/{lang}/mapped.npy", lang=LANGUAGES),
    output:
        graph="results/clusters/graph.npz",
        nodes="results/clusters/nodes.parquet",
        cliques="results/clusters/cliques.csv",
        clique_languages="results/clusters/clique_languages.csv",
        figure=report("results/clusters/cliques.png", caption="../report/cliques.rst", category="3 Clusters"),
    log:
        "logs/translation_graph.log",
    benchmark:
        "logs/benchmarks/translation_graph.tsv"
    conda:
        "../envs/cluster.yaml"
    threads: job_threads(2)
    resources:
        mem_mb=16000,
        runtime=120,
        gpu=search_gpus(),
    params:
        languages=LANGUAGES,
        k=config["translation_graph"]["k"],
        sweep=config["translation_graph"]["sweep"],
        pairs=config["translation_graph"]["pairs"],
        pivot=PIVOT,
        search=search_settings(),
    script:
        "../scripts/translation_graph.py"


rule partition_graph:
    input:
        "results/clusters/graph.npz",
    output:
        "results/clusters/parts.npy",
    log:
        "logs/partition_graph.log",
    benchmark:
        "logs/benchmarks/partition_graph.tsv"
    conda:
        "../envs/cluster.yaml"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        parts=config["partition"]["parts"],
        imbalance=config["partition"]["imbalance"],
        seed=config["seed"],
    script:
        "../scripts/partition_graph.py"


rule token_clusters:
    input:
        graph="results/clusters/graph.npz",
        nodes="results/clusters/nodes.parquet",
        parts="results/clusters/parts.npy",
        joint="results/vocab/joint_vocabulary.parquet",
    output:
        map="results/clusters/token2cid.parquet",
        vocab="results/clusters/vocab.txt",
        summary="results/clusters/summary.json",
        sizes="results/clusters/sizes.csv",
        languages="results/clusters/languages.csv",
        path_lengths="results/clusters/path_lengths.csv",
        sample="results/clusters/sample.csv",
        figure=report("results/clusters/clusters.png", caption="../report/clusters.rst", category="3 Clusters"),
    log:
        "logs/token_clusters.log",
    conda:
        "../envs/cluster.yaml"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        parts=config["partition"]["parts"],
        sample=config["clusters"]["sample"],
        seed=config["seed"],
    script:
        "../scripts/token_clusters.py"
