# Shaffer (2021) §4-5: one NER model per language group (clusters, single languages, all languages,
# families, and the zero-shot check), span F1 per class on each member's test set → results/wikiann_ner_scores.csv;
# §5 / Table 5: the generalization study (English trained on WikiAnn, CoNLL-2003, both, its cluster; CoNLL-2003's test set).
# Groups with the same training sets share one model: one train_ner run per distinct training set.


include: "helpers/ner.smk"


wildcard_constraints:
    scheme="cluster|monolingual|multilingual|family|zeroshot|generalization",
    group="[A-Za-z0-9_.-]+",
    ner_corpus="[A-Za-z0-9_-]+",


# Shaffer (2021) §5 / Table 5: another corpus of the generalization language (CoNLL-2003 English), read and
# checked like WikiAnn's files.
rule ner_corpus_data:
    input:
        unpack(ner_corpus_files),
    output:
        train="results/ner/corpora/{ner_corpus}/train.parquet",
        dev="results/ner/corpora/{ner_corpus}/dev.parquet",
        test="results/ner/corpora/{ner_corpus}/test.parquet",
        counts="results/ner/corpora/{ner_corpus}/counts.csv",
        problems="results/ner/corpora/{ner_corpus}/problems.csv",
    log:
        "logs/ner_corpus_data/{ner_corpus}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        source=lambda wildcards: ner_corpus_source(),
        source_key="ner.generalization.dataset",
        language=lambda wildcards: GENERALIZATION["language"],
        name=lambda wildcards: wildcards.ner_corpus,
        classes=WIKIANN["classes"],
        invalid_tags=WIKIANN["invalid_tags"],
        limit=WIKIANN["limit"],
        seed=config["seed"],
        cache_dir=WIKIANN["cache_dir"],
    script:
        "../scripts/wikiann_data.py"


# A checkpoint: which clusters there are is known only once the languages are clustered.
checkpoint ner_groups:
    input:
        "results/language_clusters.csv",
    output:
        "results/ner/groups.csv",
    log:
        "logs/ner_groups.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        languages=NER_LANGUAGES,
        schemes=NER["schemes"],
        families=WIKIANN["families"],
        representation=NER["cluster_representation"],
        k=LANGCLUST["k"],
        held_out=NER["zero_shot"]["held_out"],
        generalization=GENERALIZATION and {key: GENERALIZATION[key] for key in ("name", "language", "trainings")},
    script:
        "../scripts/ner_groups.py"


rule train_ner:
    input:
        unpack(train_ner_inputs),
    output:
        scores="results/ner/{scheme}/{group}/seed{seed}/scores.csv",
        predictions="results/ner/{scheme}/{group}/seed{seed}/predictions.parquet",
        training_log="results/ner/{scheme}/{group}/seed{seed}/training_log.csv",
        summary="results/ner/{scheme}/{group}/seed{seed}/training.json",
    log:
        "logs/train_ner/{scheme}/{group}/seed{seed}.log",
    benchmark:
        "logs/benchmarks/train_ner/{scheme}/{group}/seed{seed}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,  # counts against profiles/default's local limit
        mem_mb=16000,
        runtime=480,
    params:
        encoder=model_source(NER["model"]),
        classes=WIKIANN["classes"],
        max_length=NER["max_length"],
        training=NER["training"],
        evaluation=NER["evaluation"],
        test_names=lambda wildcards: ner_run(wildcards)["evaluate"],  # the data set of each test file
        checkpoints=lambda wildcards: f"{NER['checkpoint_dir']}/{wildcards.scheme}/{wildcards.group}/seed{wildcards.seed}",
    script:
        "../scripts/train_ner.py"


rule wikiann_ner_scores:
    input:
        groups="results/ner/groups.csv",
        runs=ner_runs,
    output:
        **ner_score_outputs(),
    log:
        "logs/wikiann_ner_scores.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        corpus=GENERALIZATION and GENERALIZATION["name"],
    script:
        "../scripts/wikiann_ner_scores.py"
