# Shaffer (2021) §3.3-4: one NER model per language group (clusters, single languages, all languages,
# families, and the zero-shot check), span F1 per class on each member's test set → results/wikiann_ner_scores.csv.


wildcard_constraints:
    grouping="cluster|monolingual|multilingual|family|zeroshot",
    group="[A-Za-z0-9_.-]+",


# A checkpoint: which clusters there are is known only once the languages are clustered.
checkpoint ner_groups:
    input:
        "results/language_clusters.csv",
    output:
        "results/ner/groups.csv",
    params:
        languages=NER_LANGUAGES,
        groupings=NER["groupings"],
        families=WIKIANN["families"],
        representation=NER["cluster_representation"],
        k=LANGCLUST["k"],
        held_out=NER["zero_shot"]["held_out"],
    log:
        "logs/ner_groups.log",
    threads: 1
    conda:
        "../envs/model.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/ner_groups.py"


rule train_ner:
    input:
        unpack(train_ner_inputs),
    output:
        scores="results/ner/{grouping}/{group}/seed{seed}/scores.csv",
        predictions="results/ner/{grouping}/{group}/seed{seed}/predictions.parquet",
        training_log="results/ner/{grouping}/{group}/seed{seed}/training_log.csv",
        summary="results/ner/{grouping}/{group}/seed{seed}/training.json",
    params:
        encoder=encoder(NER["model"]),
        classes=WIKIANN["classes"],
        max_length=NER["max_length"],
        training=NER["training"],
        evaluation=NER["evaluation"],
        checkpoints=lambda wildcards: f"{NER['checkpoint_dir']}/{wildcards.grouping}/{wildcards.group}/seed{wildcards.seed}",
    log:
        "logs/train_ner/{grouping}/{group}/seed{seed}.log",
    benchmark:
        "logs/benchmarks/train_ner/{grouping}/{group}/seed{seed}.tsv"
    threads: 4
    conda:
        "../envs/model.yaml"
    resources:
        gpu=1,
        gpu_jobs=1,  # counts against profiles/default's local limit
        mem_mb=16000,
        runtime=480,
    script:
        "../scripts/train_ner.py"


rule wikiann_ner_scores:
    input:
        ner_runs,
    output:
        scores=report("results/wikiann_ner_scores.csv", caption="../report/ner_scores.rst", category="8 NER"),
        summary="results/ner/summary.csv",
        table=report("results/ner/table3.csv", caption="../report/ner_table.rst", category="8 NER"),
        figure=report("results/ner/f1_boxplot.png", caption="../report/ner.rst", category="8 NER"),
    log:
        "logs/wikiann_ner_scores.log",
    threads: 1
    conda:
        "../envs/model.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/wikiann_ner_scores.py"
