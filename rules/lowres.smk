# Hangya, Saadi & Fraser (2022): word pairs mined from monolingual Wikipedia sentences align a
# multilingual LM per language (linear layers over the frozen LM); contextual word retrieval on
# word-aligned parallel sentences and zero-shot NER (WikiAnn) score it against the LM as it is and
# the supervised baseline.


include: "helpers/lowres.smk"


wildcard_constraints:
    lowres_lang="[a-z]{2,3}(-[a-z0-9]+)*",
    # each method on mBERT, or on eBERT as ebert_<method> (xlclust.lowres.methods)
    lowres_method="|".join(LOWRES_METHODS),
    trained_method="(?:ebert_)?(?:mined|mined_intersection|linear_sup)",
    full_method="(?:ebert_)?full_sup",
    vecmap_method="(?:ebert_)?(?:vecmap_id|vecmap_sup)",


# §4.1: a seeded sample of a language's Wikipedia sentences, split into words for mining.
rule lowres_sentences:
    input:
        "results/corpus/{lowres_lang}/sentences.parquet",
    output:
        "results/lowres/sentences/{lowres_lang}.parquet",
    log:
        "logs/lowres_sentences/{lowres_lang}.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=120,
    params:
        sentences=LOWRES["sentences_per_language"],
        tokenizer=lambda wildcards: per_language(LOWRES["tokenizer"], wildcards.lowres_lang),
        max_words=LOWRES["max_words"],
        seed=config["seed"],
    script:
        "../scripts/lowres_sentences.py"


# §4.2: a language's parallel corpus with English, split into words, word-aligned (gold links or
# eflomal's), cut into test, dev and train.
rule parallel_corpus:
    input:
        unpack(parallel_files),
    output:
        table="results/lowres/parallel/{lowres_lang}.parquet",
        counts="results/lowres/parallel/{lowres_lang}.json",
    log:
        "logs/parallel_corpus/{lowres_lang}.log",
    benchmark:
        "logs/benchmarks/parallel_corpus/{lowres_lang}.tsv"
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=16000,
        runtime=240,
    params:
        source=lambda wildcards: LOWRES["parallel"][wildcards.lowres_lang],
        source_key=lambda wildcards: f"lowres.parallel.{wildcards.lowres_lang}",
        tokenizers=lambda wildcards: [per_language(LOWRES["tokenizer"], lang) for lang in (LOWRES["english"], wildcards.lowres_lang)],
        max_words=LOWRES["max_words"],
        retrieval=LOWRES["retrieval"],
        cache_dir=LOWRES["cache_dir"],
    script:
        "../scripts/parallel_corpus.py"


# §3: the per-language linear layers, trained on mined word pairs (mine → update, iterated) or on the
# parallel training sentences' aligned words (linear_sup).
rule alignment_layers:
    input:
        unpack(alignment_layer_inputs),
    output:
        layers=directory("results/lowres/layers/{trained_method}/{lowres_lang}"),
    log:
        "logs/alignment_layers/{trained_method}/{lowres_lang}.log",
    benchmark:
        "logs/benchmarks/alignment_layers/{trained_method}/{lowres_lang}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,  # counts against profiles/default's local limit
        mem_mb=32000,
        runtime=720,
    params:
        encoder=method_encoder("trained_method"),
        base=method_base("trained_method"),
        languages=lambda wildcards: [wildcards.lowres_lang, LOWRES["english"]],
        mining=mining_settings,
        training=LOWRES["update"],
        search=search_settings(),
        encode_batch_size=LOWRES["encode_batch_size"],
        seed=config["seed"],
        checkpoints=lambda wildcards: f"{LOWRES['checkpoint_dir']}/{wildcards.trained_method}/{wildcards.lowres_lang}",
    script:
        "../scripts/alignment_layers.py"


# §4.2 (Cao et al. 2020): the whole LM (mBERT, or eBERT for ebert_full_sup) trained on the parallel
# training sentences' links, English kept near the original by a regularizer.
rule full_sup_model:
    input:
        unpack(lambda wildcards: method_backbone(wildcards.full_method, wildcards.lowres_lang)[0]),
        parallel="results/lowres/parallel/{lowres_lang}.parquet",
    output:
        directory("results/lowres/models/{full_method}/{lowres_lang}"),
    log:
        "logs/full_sup_model/{full_method}/{lowres_lang}.log",
    benchmark:
        "logs/benchmarks/full_sup_model/{full_method}/{lowres_lang}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,
        mem_mb=32000,
        runtime=720,
    params:
        encoder=method_encoder("full_method"),
        languages=lambda wildcards: [wildcards.lowres_lang, LOWRES["english"]],
        training=LOWRES["update"],
        full_sup=LOWRES["full_sup"],
        seed=config["seed"],
        checkpoints=lambda wildcards: f"{LOWRES['checkpoint_dir']}/{wildcards.full_method}/{wildcards.lowres_lang}",
    script:
        "../scripts/full_sup_model.py"


# §4.1 (Wang et al. 2020): eBERT — the LM's WordPiece vocabulary extended with the language's most
# frequent new subwords, then masked-LM training on the language's Wikipedia from the LM's weights.
rule ebert_corpus:
    input:
        "results/corpus/{lowres_lang}/sentences.parquet",
    output:
        corpus="results/lowres/ebert/{lowres_lang}/corpus.parquet",
        counts="results/lowres/ebert/{lowres_lang}/corpus.csv",
    log:
        "logs/ebert_corpus/{lowres_lang}.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        languages=lambda wildcards: [wildcards.lowres_lang],
        per_language=LOWRES["ebert"]["sentences"],
        config_key="lowres.ebert.sentences",
        seed=config["seed"],
    script:
        "../scripts/sentence_corpus.py"


rule ebert_vocabulary:
    input:
        unpack(lambda wildcards: model_files(ebert_model_name())),
        corpus="results/lowres/ebert/{lowres_lang}/corpus.parquet",
    output:
        directory("results/lowres/ebert/{lowres_lang}/extended"),
    log:
        "logs/ebert_vocabulary/{lowres_lang}.log",
    benchmark:
        "logs/benchmarks/ebert_vocabulary/{lowres_lang}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(2)
    resources:
        mem_mb=16000,
        runtime=240,
    params:
        encoder=model_source(ebert_model_name()),
        settings=LOWRES["ebert"],
        seed=config["seed"],
    script:
        "../scripts/ebert_vocabulary.py"


rule ebert_encoded:
    input:
        corpus="results/lowres/ebert/{lowres_lang}/corpus.parquet",
        tokenizer="results/lowres/ebert/{lowres_lang}/extended",
    output:
        directory("results/lowres/ebert/{lowres_lang}/encoded"),
    log:
        "logs/ebert_encoded/{lowres_lang}.log",
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


rule ebert_model:
    input:
        corpus="results/lowres/ebert/{lowres_lang}/encoded",
        tokenizer="results/lowres/ebert/{lowres_lang}/extended",
        initial_model="results/lowres/ebert/{lowres_lang}/extended",
    output:
        directory("results/lowres/models/ebert/{lowres_lang}"),
    log:
        "logs/ebert_model/{lowres_lang}.log",
    benchmark:
        "logs/benchmarks/ebert_model/{lowres_lang}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,  # profiles raise it (and nodes) for data-parallel runs
        gpu_jobs=GPU_SLOT,
        mem_mb=32000,
        runtime=2880,
    params:
        model={"training": LOWRES["ebert"]["training"]},
        config_key="lowres.ebert",
        checkpoints=lambda wildcards: f"{LOWRES['checkpoint_dir']}/ebert/{wildcards.lowres_lang}",
        launcher=PRETRAINING["launcher"],
        seed=config["seed"],
    script:
        "../scripts/pretrain.py"


# §4.2: the vecmap baselines — type-level anchors (mean contextual vectors of frequent words) of the
# language and English, mapped orthogonally from identical words or a dictionary; the map is the
# language's layer.
rule vecmap_layers:
    input:
        unpack(vecmap_inputs),
        sentences=lambda wildcards: [f"results/lowres/sentences/{lang}.parquet" for lang in (wildcards.lowres_lang, LOWRES["english"])],
    output:
        layers=directory("results/lowres/layers/{vecmap_method}/{lowres_lang}"),
    log:
        "logs/vecmap_layers/{vecmap_method}/{lowres_lang}.log",
    benchmark:
        "logs/benchmarks/vecmap_layers/{vecmap_method}/{lowres_lang}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,
        mem_mb=32000,
        runtime=480,
    params:
        encoder=method_encoder("vecmap_method"),
        base=method_base("vecmap_method"),
        languages=lambda wildcards: [wildcards.lowres_lang, LOWRES["english"]],
        vecmap=LOWRES["vecmap"],
        dictionary=lambda wildcards: (
            LOWRES["dictionaries"].get(wildcards.lowres_lang) if base_method(wildcards.vecmap_method) == "vecmap_sup" else None
        ),
        search=search_settings(),
        encode_batch_size=LOWRES["encode_batch_size"],
        seed=config["seed"],
    script:
        "../scripts/vecmap_layers.py"


# §4.2 (Cao et al. 2020): contextual word retrieval on the test sentences, both directions; one job per
# language scores every method into one table (the LM and transformers load once).
rule word_retrieval:
    input:
        unpack(word_retrieval_inputs),
        parallel="results/lowres/parallel/{lowres_lang}.parquet",
    output:
        "results/lowres/retrieval/{lowres_lang}.csv",
    log:
        "logs/word_retrieval/{lowres_lang}.log",
    benchmark:
        "logs/benchmarks/word_retrieval/{lowres_lang}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(2)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,
        mem_mb=8000,
        runtime=120,
    params:
        methods=lambda wildcards: lowres_language_methods(wildcards.lowres_lang),  # each with its backbone (encoder)
        languages=lambda wildcards: [wildcards.lowres_lang, LOWRES["english"]],
        csls_k=LOWRES["retrieval"]["csls_k"],
        candidates=LOWRES["retrieval"]["candidates"],
        search=search_settings(),
        encode_batch_size=LOWRES["encode_batch_size"],
    script:
        "../scripts/word_retrieval.py"


rule word_retrieval_scores:
    input:
        expand("results/lowres/retrieval/{lowres_lang}.csv", lowres_lang=LOWRES_LANGUAGES),
    output:
        scores=report("results/word_retrieval_scores.csv", caption="../report/word_retrieval.rst", category="9 Low-resource alignment"),
        figure=report("results/lowres/retrieval.png", caption="../report/word_retrieval.rst", category="9 Low-resource alignment"),
    log:
        "logs/word_retrieval_scores.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        metric="accuracy",
        title="Contextual word retrieval (CSLS), mean of both directions",
    script:
        "../scripts/lowres_scores.py"


# §4.2: zero-shot NER — a linear tagger trained on English WikiAnn over the frozen, aligned encoder.
rule lowres_ner:
    input:
        unpack(lowres_method_inputs),
        english_train=f"results/wikiann/{LOWRES['english']}/train.parquet",
        dev="results/wikiann/{lowres_lang}/dev.parquet",
        test="results/wikiann/{lowres_lang}/test.parquet",
    output:
        scores="results/lowres/ner/{lowres_method}/{lowres_lang}.csv",
        training_log="results/lowres/ner/{lowres_method}/{lowres_lang}_log.csv",
    log:
        "logs/lowres_ner/{lowres_method}/{lowres_lang}.log",
    benchmark:
        "logs/benchmarks/lowres_ner/{lowres_method}/{lowres_lang}.tsv"
    conda:
        "../envs/model.yaml"
    threads: job_threads(4)
    resources:
        gpu=1,
        gpu_jobs=GPU_SLOT,
        mem_mb=16000,
        runtime=240,
    params:
        encoder=method_encoder("lowres_method"),
        languages=lambda wildcards: [wildcards.lowres_lang, LOWRES["english"]],
        classes=WIKIANN["classes"],
        settings=LOWRES["ner"],
        mode=NER["evaluation"]["mode"],
        encode_batch_size=LOWRES["encode_batch_size"],
        seed=config["seed"],
    script:
        "../scripts/lowres_ner.py"


rule lowres_ner_scores:
    input:
        [f"results/lowres/ner/{method}/{lang}.csv" for method, lang in lowres_runs()],
    output:
        scores=report("results/lowres_ner_scores.csv", caption="../report/lowres_ner.rst", category="9 Low-resource alignment"),
        figure=report("results/lowres/ner.png", caption="../report/lowres_ner.rst", category="9 Low-resource alignment"),
    log:
        "logs/lowres_ner_scores.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        metric="f1",
        title="Zero-shot NER (WikiAnn), span F1",
    script:
        "../scripts/lowres_scores.py"


# Table 9 (what was mined per language) and Table 4 (mined pairs in their sentences).
rule mined_pairs_report:
    input:
        layers=expand("results/lowres/layers/mined/{lang}", lang=LOWRES_LANGUAGES),
        sentences=expand("results/lowres/sentences/{lang}.parquet", lang=LOWRES_LANGUAGES),
        english=f"results/lowres/sentences/{LOWRES['english']}.parquet",
    output:
        types=report("results/lowres/mined_types.csv", caption="../report/mined_pairs.rst", category="9 Low-resource alignment"),
        examples=report("results/lowres/mined_examples.csv", caption="../report/mined_pairs.rst", category="9 Low-resource alignment"),
    log:
        "logs/mined_pairs_report.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=30,
    params:
        languages=LOWRES_LANGUAGES,
        examples=10,
    script:
        "../scripts/mined_pairs_report.py"


# Table 5 (§5.3): forward-backward against intersection mining.
rule mining_modes:
    input:
        retrieval="results/word_retrieval_scores.csv",
        ner="results/lowres_ner_scores.csv",
        layers=mining_mode_layers(),
    output:
        report("results/lowres/mining_modes.csv", caption="../report/mined_pairs.rst", category="9 Low-resource alignment"),
    log:
        "logs/mining_modes.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/mining_modes.py"
