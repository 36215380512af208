# The offline demo (demo/config.yaml): its world, dumps of real English Wikipedia text and of fake
# languages derived from it with their true dictionaries in Wikimedia's dump layout, and the
# stand-ins of every stage's data sets and models.
from xlclust.demo.figures import TABLES as DEMO_FIGURE_TABLES
from xlclust.demo.paths import demo_dump_paths, demo_parallel_paths
from xlclust.retrieval.layout import corpus_dir, qrels_path, topics_path


include: "helpers/demo.smk"


rule demo_world:
    output:
        demo_world_files(),
    log:
        "logs/demo_world.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        root=lambda wildcards, output: os.path.commonpath(output),
        fake_languages=config.get("demo_world", {}).get("languages", {}),
        pages_per_stream=config.get("demo_world", {}).get("pages_per_stream", 20),
    script:
        "../scripts/demo_world.py"


# The demo's stand-in for mBERT: a tiny BERT with random weights and a WordPiece tokenizer trained
# on the demo world's sentences (models.tiny in demo/config.yaml).
rule demo_model:
    input:
        expand("results/corpus/{lang}/sentences.parquet", lang=LANGUAGES),
    output:
        directory("resources/demo/model"),
    log:
        "logs/demo_model.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        settings=config.get("demo_world", {}).get("model", {}),
        seed=config["seed"],
    script:
        "../scripts/demo_model.py"


# The demo's TyDi QA stand-in: typed questions over the demo world's articles (English train,
# a dev set per language), as SQuAD JSON files (tydiqa.dataset.files in demo/config.yaml).
rule demo_qa:
    output:
        train=f"{DEMO_ROOT}/tydiqa/train/en.json",
        dev=[f"{DEMO_ROOT}/tydiqa/dev/{lang}.json" for lang in ["en", *config.get("demo_world", {}).get("languages", {})]],
    log:
        "logs/demo_qa.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        root=lambda wildcards, output: os.path.dirname(os.path.dirname(output.train)),
        fake_languages=config.get("demo_world", {}).get("languages", {}),
        settings=config.get("demo_world", {}).get("qa", {}),
    script:
        "../scripts/demo_qa.py"


# The demo's WikiAnn stand-in: gazetteer-tagged sentences of the demo world's articles, English and
# each fake language, in Rahimi's lang:token<TAB>TAG files (CoNLL columns for demo_world.ner.conll_languages),
# and en-long, CoNLL-2003's stand-in for the generalization study (longer English windows, CoNLL columns).
rule demo_ner:
    output:
        [
            f"{DEMO_ROOT}/wikiann/{lang}/{split}"
            for lang in ["en", "en-long", *config.get("demo_world", {}).get("languages", {})]
            for split in ("train", "dev", "test")
        ],
    log:
        "logs/demo_ner.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        root=lambda wildcards, output: os.path.commonpath(output),
        fake_languages=config.get("demo_world", {}).get("languages", {}),
        conll_languages=config.get("demo_world", {}).get("ner", {}).get("conll_languages", []),
    script:
        "../scripts/demo_ner.py"


# The demo's POS data: its NER sentences with Penn Treebank tags (closed classes, suffixes, capitals),
# in each fake language too, and the map of those tags to the universal ones (tagging.data in
# demo/config.yaml).
rule demo_pos:
    output:
        [
            f"{DEMO_ROOT}/pos/{lang}/{split}"
            for lang in ["en", *config.get("demo_world", {}).get("languages", {})]
            for split in ("train", "dev", "test")
        ],
        f"{DEMO_ROOT}/pos/demo-ptb.map",
    log:
        "logs/demo_pos.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        root=lambda wildcards, output: os.path.commonpath(output),
        fake_languages=config.get("demo_world", {}).get("languages", {}),
    script:
        "../scripts/demo_pos.py"


# The demo's XNLI stand-in (grouping.evaluation.xnli.files in demo/config.yaml): premise-hypothesis
# pairs with labels known by construction, in XNLI's published file layouts.
rule demo_nli:
    output:
        [f"{DEMO_ROOT}/xnli/multinli.train.{lang}.tsv" for lang in ["en", *config.get("demo_world", {}).get("languages", {})]],
        f"{DEMO_ROOT}/xnli/xnli.dev.tsv",
        f"{DEMO_ROOT}/xnli/xnli.test.tsv",
    log:
        "logs/demo_nli.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        root=lambda wildcards, output: os.path.commonpath(output),
        fake_languages=config.get("demo_world", {}).get("languages", {}),
        seed=config["seed"],
    script:
        "../scripts/demo_nli.py"


# The demo's MIRACL stand-in: passages, queries and judgements built from the demo articles in
# MIRACL's layout, for English and each fake language.
rule demo_miracl:
    output:
        topics=[
            f"{DEMO_ROOT}/miracl/topics/{path}"
            for lang in ["en", *config.get("demo_world", {}).get("languages", {})]
            for split in ("train", "dev")
            for path in (topics_path(lang, split), qrels_path(lang, split))
        ],
        corpus=[
            directory(f"{DEMO_ROOT}/miracl/corpus/{corpus_dir(lang)}")
            for lang in ["en", *config.get("demo_world", {}).get("languages", {})]
        ],
    log:
        "logs/demo_miracl.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        root=lambda wildcards, output: os.path.dirname(os.path.commonpath(output.topics)),
        fake_languages=config.get("demo_world", {}).get("languages", {}),
    script:
        "../scripts/demo_miracl.py"


# The demo's stand-in for MUSE's aligned vectors (the tagging comparison's muse): skip-gram vectors of
# the demo world's English, and the same under the fake languages' words with seeded noise.
rule demo_vectors:
    input:
        "results/corpus/en/sentences.parquet",
    output:
        [f"{DEMO_ROOT}/vectors/wiki.multi.{lang}.vec" for lang in ["en", *config.get("demo_world", {}).get("languages", {})]],
    log:
        "logs/demo_vectors.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        root=lambda wildcards, output: os.path.dirname(output[0]),
        fake_languages=config.get("demo_world", {}).get("languages", {}),
        settings=config.get("demo_world", {}).get("vectors", {}),
        seed=config["seed"],
    script:
        "../scripts/demo_vectors.py"


# The demo's stand-in for XLM (the tagging comparison's xlm): a tiny XLM with random weights, language
# embeddings for English and the fake languages, and a BPE tokenizer learnt on the demo's NER sentences.
rule demo_xlm:
    input:
        wikiann_data("train"),
    output:
        directory(f"{DEMO_ROOT}/xlm"),
    log:
        "logs/demo_xlm.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        languages=["en", *config.get("demo_world", {}).get("languages", {})],
        settings=config.get("demo_world", {}).get("xlm", {}),
        seed=config["seed"],
    script:
        "../scripts/demo_xlm.py"


# The demo's stand-in for XLM-R: a tiny XLM-R with random weights and a SentencePiece unigram
# tokenizer trained on the demo's NER training sentences (models.tinyxlmr in demo/config.yaml).
rule demo_xlmr:
    input:
        wikiann_data("train"),
    output:
        directory(f"{DEMO_ROOT}/xlmr"),
    log:
        "logs/demo_xlmr.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        settings=config.get("demo_world", {}).get("xlmr", {}),
        seed=config["seed"],
    script:
        "../scripts/demo_xlmr.py"


# The demo's parallel corpora for word retrieval: English sentences of the demo world and their fake-
# language rewrites, word for word, with the true links (lowres.parallel in demo/config.yaml).
rule demo_parallel:
    input:
        "results/corpus/en/sentences.parquet",
    output:
        [str(path) for lang in config.get("demo_world", {}).get("languages", {}) for path in demo_parallel_paths(DEMO_ROOT, lang).values()],
    log:
        "logs/demo_parallel.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        root=lambda wildcards, output: os.path.dirname(os.path.dirname(output[0])),  # <root>/parallel/en-<lang>.*
        fake_languages=config.get("demo_world", {}).get("languages", {}),
        settings=config.get("demo_world", {}).get("parallel", {}),
        seed=config["seed"],
    script:
        "../scripts/demo_parallel.py"


# The demo's headline figures, one per line, which a fresh install reproduces
# (demo/expected_figures.csv, workflow_tests/test_workflow_demo.py).
rule demo_figures:
    input:
        tables=list(DEMO_FIGURE_TABLES.values()),
        mined=expand("results/lowres/layers/mined/{lang}", lang=LOWRES_LANGUAGES),
        dictionaries=expand(f"{DEMO_ROOT}/dictionaries/{{lang}}-en.txt", lang=LOWRES_LANGUAGES),
    output:
        "results/demo_figures.csv",
    log:
        "logs/demo_figures.log",
    conda:
        "../envs/model.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        languages=LOWRES_LANGUAGES,
    script:
        "../scripts/demo_figures.py"
