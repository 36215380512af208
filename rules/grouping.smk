# "Tomato, Tomahto, Tomate" §2.1: semantic groups (k-means) and the First-k baseline over the joint
# mapped vocabulary or a Hugging Face model's input embeddings; grouped models for the latter. The
# {pipeline} wildcard is 'vocabulary' or a pipeline (xlclust/pipelines.py): a backbone and the operations
# of Fig. 2 in the order dimension reduction, CLSA, grouping, continual pretraining, each a model
# directory in turn.


include: "helpers/grouping.smk"


wildcard_constraints:
    pipeline=PIPELINE_PATTERN,
    backbone="[A-Za-z0-9_]+",
    pairs="[A-Za-z0-9_]+",
    dim="[0-9]+",
    method="kmeans|l2kmeans|firstk|lexicon",
    ratio="[0-9]+",


rule pipeline_embeddings:
    input:
        unpack(pipeline_embeddings_inputs),
    output:
        tokens="results/grouping/{pipeline}/tokens.parquet",
        embeddings="results/grouping/{pipeline}/embeddings.npy",
    log:
        "logs/pipeline_embeddings/{pipeline}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        model=lambda wildcards: None if wildcards.pipeline == "vocabulary" else pipeline_model(wildcards.pipeline),
        languages=LANGUAGES,
    script:
        "../scripts/pipeline_embeddings.py"


# §2.1: spherical k-means (kmeans{r}, the paper's); App. E, Fig. 12: Euclidean k-means (l2kmeans{r}).
rule semantic_grouping:
    input:
        tokens="results/grouping/{pipeline}/tokens.parquet",
        embeddings="results/grouping/{pipeline}/embeddings.npy",
    output:
        **group_map_files("{method}"),
    log:
        "logs/semantic_grouping/{pipeline}/{method}{ratio}.log",
    benchmark:
        "logs/benchmarks/semantic_grouping/{pipeline}/{method}{ratio}.tsv"
    wildcard_constraints:
        method="kmeans|l2kmeans",
    conda:
        "../envs/model.yaml"
    threads: job_threads(2)
    resources:
        mem_mb=16000,
        runtime=240,
        gpu=kmeans_gpus(),
        gpu_jobs=kmeans_gpu_slot(),  # counts against profiles/default's local limit
    params:
        ratio=lambda wildcards: int(wildcards.ratio) / 100,
        seed=config["seed"],
        init=config["grouping"]["kmeans"]["init"],
        max_iterations=config["grouping"]["kmeans"]["max_iterations"],
        search=search_settings(),
    script:
        "../scripts/semantic_grouping.py"


# "Tomato, Tomahto, Tomate" App. F (Table 4), an option: translations of a lexicon (a CLSA pair set)
# always share a group; k-means over their components reaches r_G (xlclust.grouping.lexicon).
rule lexicon_grouping:
    input:
        unpack(lexicon_grouping_inputs),
        tokens="results/grouping/{pipeline}/tokens.parquet",
        embeddings="results/grouping/{pipeline}/embeddings.npy",
    output:
        **group_map_files("lexicon"),
    log:
        "logs/lexicon_grouping/{pipeline}/lexicon{ratio}.log",
    benchmark:
        "logs/benchmarks/lexicon_grouping/{pipeline}/lexicon{ratio}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(2)
    resources:
        mem_mb=16000,
        runtime=240,
        gpu=kmeans_gpus(),
        gpu_jobs=kmeans_gpu_slot(),  # counts against profiles/default's local limit
    params:
        ratio=lambda wildcards: int(wildcards.ratio) / 100,
        model=lambda wildcards: pipeline_model(wildcards.pipeline),
        seed=config["seed"],
        init=config["grouping"]["kmeans"]["init"],
        max_iterations=config["grouping"]["kmeans"]["max_iterations"],
        search=search_settings(),
    script:
        "../scripts/lexicon_grouping.py"


rule first_k:
    input:
        tokens="results/grouping/{pipeline}/tokens.parquet",
    output:
        **group_map_files("firstk"),
    log:
        "logs/first_k/{pipeline}/firstk{ratio}.log",
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
        directory("results/grouping/{pipeline}/{method}{ratio}/model"),
    log:
        "logs/grouped_model/{pipeline}/{method}{ratio}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=30,
    params:
        model=lambda wildcards: pipeline_model(wildcards.pipeline),
    script:
        "../scripts/grouped_model.py"


rule grouping_report:
    input:
        summaries=lambda wildcards: grouping_outputs(wildcards.pipeline, "summary.json"),
        sizes=lambda wildcards: grouping_outputs(wildcards.pipeline, "sizes.csv"),
        maps=lambda wildcards: grouping_outputs(wildcards.pipeline, "token2cid.parquet"),
    output:
        summary="results/grouping/{pipeline}/summary.csv",
        examples=report(
            "results/grouping/{pipeline}/examples.csv",
            caption="../report/grouping_examples.rst",
            category="4 Semantic grouping",
            subcategory="{pipeline}",
        ),
        figure=report(
            "results/grouping/{pipeline}/sizes.png",
            caption="../report/grouping.rst",
            category="4 Semantic grouping",
            subcategory="{pipeline}",
        ),
    log:
        "logs/grouping_report/{pipeline}.log",
    conda:
        "../envs/cluster.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        examples=20,
        seed=config["seed"],
    script:
        "../scripts/grouping_report.py"


# The translation pairs of a CLSA pair set (§2.2, App. B), from each lexicon's files.
rule clsa_pairs:
    input:
        unpack(clsa_pair_files),
    output:
        pairs="results/grouping/pairs/{pairs}.tsv",
        counts="results/grouping/pairs/{pairs}.json",
    log:
        "logs/clsa_pairs/{pairs}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        sources=lambda wildcards: GROUPING["clsa"]["pair_sets"][wildcards.pairs],
        spec=GROUPING["clsa"],
    script:
        "../scripts/clsa_pairs.py"


# App. B's round-trip pairs: MUSE's words that are each other's nearest neighbours in the model's own
# input embeddings (xlclust.grouping.roundtrip), for a pair set with the source roundtrip.
rule roundtrip_pairs:
    input:
        unpack(lambda wildcards: pipeline_model_files(wildcards.pipeline)),
        unpack(roundtrip_dictionary_files),
    output:
        pairs="results/grouping/{pipeline}/roundtrip/pairs.tsv",
        counts="results/grouping/{pipeline}/roundtrip/pairs.json",
    log:
        "logs/roundtrip_pairs/{pipeline}.log",
    conda:
        "../envs/model.yaml"
    threads: job_threads(2)
    resources:
        mem_mb=16000,
        runtime=30,
    params:
        model=lambda wildcards: pipeline_model(wildcards.pipeline),
        spec=GROUPING["clsa"],
        search=search_settings(),
    script:
        "../scripts/roundtrip_pairs.py"


# CLSA (§2.2): the model's input embedding rows of single-subword translation pairs pulled together
# with InfoNCE; every other tensor untouched. A reduced model's (V, d) rows train in the reduced space.
rule clsa:
    input:
        unpack(lambda wildcards: pipeline_model_files(wildcards.pipeline)),
        unpack(roundtrip_input),
        pairs="results/grouping/pairs/{pairs}.tsv",
    output:
        directory("results/grouping/{pipeline}/clsa-{pairs}/model"),
    log:
        "logs/clsa/{pipeline}/clsa-{pairs}.log",
    benchmark:
        "logs/benchmarks/clsa/{pipeline}/clsa-{pairs}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(2)
    resources:
        mem_mb=16000,
        runtime=120,
        gpu=1,
        gpu_jobs=GPU_SLOT,  # counts against profiles/default's local limit
    params:
        model=lambda wildcards: pipeline_model(wildcards.pipeline),
        training=GROUPING["clsa"]["training"],
        seed=config["seed"],
    script:
        "../scripts/clsa_model.py"


# How many translation pairs (grouping.translation_check) share a group after a grouping step.
rule grouping_translations:
    input:
        map="results/grouping/{pipeline}/{method}{ratio}/token2cid.parquet",
        pairs=lambda wildcards: f"results/grouping/pairs/{GROUPING['translation_check']}.tsv",
    output:
        "results/grouping/{pipeline}/{method}{ratio}/translations.json",
    log:
        "logs/grouping_translations/{pipeline}/{method}{ratio}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    params:
        model=lambda wildcards: pipeline_model(wildcards.pipeline),
    script:
        "../scripts/grouping_translations.py"


# §2.3: the first d dimensions of the input embeddings, padded with zeros on the fly.
rule reduce_dims:
    input:
        unpack(lambda wildcards: pipeline_model_files(wildcards.pipeline)),
    output:
        directory("results/grouping/{pipeline}/d{dim}/model"),
    log:
        "logs/reduce_dims/{pipeline}/d{dim}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=30,
    params:
        model=lambda wildcards: pipeline_model(wildcards.pipeline),
    script:
        "../scripts/reduce_dims.py"


# A backbone as a model directory, where a step needs one on disk (continual pretraining's tokenizer).
rule backbone_model:
    input:
        unpack(lambda wildcards: model_files(wildcards.backbone)),
    output:
        directory("results/grouping/{backbone}/model"),
    log:
        "logs/backbone_model/{backbone}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=30,
    params:
        model=lambda wildcards: model_source(wildcards.backbone),
    script:
        "../scripts/backbone_model.py"


# §2.4, App. A: the continual pretraining corpus, α-sampled from the Wikipedias of its own languages.
rule continual_corpus:
    input:
        expand("results/pretraining/lines/{lang}.parquet", lang=GROUPING["continual"]["languages"]),
    output:
        mix="results/grouping/continual/mix.parquet",
        table="results/grouping/continual/sampling.csv",
        figure="results/grouping/continual/sampling.png",
    log:
        "logs/continual_corpus.log",
    benchmark:
        "logs/benchmarks/continual_corpus.tsv"
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards: int(3 * config["sampling"]["shuffle_bucket_mb"]) + 2000,
        runtime=lambda wildcards, input: 15 + int(input.size_mb / 20),
    params:
        languages=GROUPING["continual"]["languages"],
        alpha=config["sampling"]["alpha"],
        bucket_mb=config["sampling"]["shuffle_bucket_mb"],
        seed=config["seed"],
    script:
        "../scripts/sample_corpus.py"


# The mix in a backbone's token IDs, once per backbone: reduction and CLSA keep its tokenizer, and a
# grouped tokenizer segments as the original (continual_grouped_encoding maps this encoding).
rule continual_encoded:
    input:
        corpus="results/grouping/continual/mix.parquet",
        tokenizer=lambda wildcards: pipeline_directory(wildcards.backbone),
    output:
        directory("results/grouping/{backbone}/encoded"),
    log:
        "logs/continual_encoded/{backbone}.log",
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


# A grouped pipeline's corpus is its backbone's encoding with every token ID mapped to its group's (token_groups.json).
rule continual_grouped_encoding:
    input:
        corpus=lambda wildcards: backbone_encoding(wildcards.pipeline),
        model="results/grouping/{pipeline}/{method}{ratio}/model",
        mix="results/grouping/continual/mix.parquet",  # its size sets the runtime (a directory's size_mb is its entry's)
    output:
        directory("results/grouping/{pipeline}/{method}{ratio}/encoded"),
    log:
        "logs/continual_grouped_encoding/{pipeline}/{method}{ratio}.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=lambda wildcards, input: 10 + int(input.size_mb / 100),  # ~60 MB/s of shards measured
    script:
        "../scripts/map_encoded.py"


# §2.4: masked-LM training from the pipeline's model, on its own tokenization of the corpus.
rule continual_pretrain:
    input:
        corpus=lambda wildcards: continual_encoding(wildcards.pipeline),
        tokenizer=lambda wildcards: pipeline_directory(wildcards.pipeline),
        initial_model=lambda wildcards: pipeline_directory(wildcards.pipeline),
    output:
        directory("results/grouping/{pipeline}/cpt/model"),
    log:
        "logs/continual_pretrain/{pipeline}.log",
    benchmark:
        "logs/benchmarks/continual_pretrain/{pipeline}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,  # profiles raise it (and nodes) for data-parallel runs
        gpu_jobs=GPU_SLOT,
        mem_mb=32000,
        runtime=2880,
    params:
        model={"training": GROUPING["continual"]["training"]},
        config_key="grouping.continual",
        checkpoints=lambda wildcards: f"{GROUPING['continual']['checkpoint_dir']}/{wildcards.pipeline}",
        launcher=PRETRAINING["launcher"],
        seed=config["seed"],
    script:
        "../scripts/pretrain.py"


# "Tomato, Tomahto, Tomate" Table 3 (continual pretraining per grouping ratio and dimension) and CLSA's
# effect (translations sharing a group after each grouping), over every configured pipeline.
rule grouping_pipelines_report:
    input:
        continual=[pipeline_directory(p) for p in continual_pipelines()],
        translations=[f for p in grouping_pipelines() for f in translation_checks(p)],
    output:
        table3=report("results/grouping/table3.csv", caption="../report/grouping_table3.rst", category="4 Semantic grouping"),
        translations=report(
            "results/grouping/translations.csv", caption="../report/grouping_translations.rst", category="4 Semantic grouping"
        ),
    log:
        "logs/grouping_pipelines_report.log",
    conda:
        "../envs/cluster.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        continual=continual_pipelines(),
        translations=[p for p in grouping_pipelines() if translation_checks(p)],
    script:
        "../scripts/grouping_pipelines_report.py"
