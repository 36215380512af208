# The offline demo world (demo/config.yaml): dumps of real English Wikipedia text and of fake
# languages derived from it, with their true dictionaries, in Wikimedia's dump layout.
rule demo_world:
    output:
        demo_world_files(),
    params:
        root=lambda wildcards, output: os.path.commonpath(output),
        fake_languages=config.get("demo_world", {}).get("languages", {}),
        pages_per_stream=config.get("demo_world", {}).get("pages_per_stream", 20),
    log:
        "logs/demo_world.log",
    conda:
        "../envs/corpus.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/demo_world.py"


# The demo's stand-in for mBERT: a tiny BERT with random weights and a WordPiece tokenizer trained
# on the demo world's sentences (grouping.models.tiny in demo/config.yaml).
rule demo_model:
    input:
        expand("results/corpus/{lang}/sentences.parquet", lang=LANGUAGES),
    output:
        directory("resources/demo/model"),
    params:
        settings=config.get("demo_world", {}).get("model", {}),
        seed=config["seed"],
    log:
        "logs/demo_model.log",
    conda:
        "../envs/model.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/demo_model.py"


# The demo's TyDi QA stand-in: typed questions over the demo world's articles (English train,
# a dev set per language), as SQuAD JSON files (tydiqa.dataset.files in demo/config.yaml).
rule demo_qa:
    output:
        train=f"{DEMO_ROOT}/tydiqa/train/en.json",
        dev=[f"{DEMO_ROOT}/tydiqa/dev/{lang}.json" for lang in ["en", *config.get("demo_world", {}).get("languages", {})]],
    params:
        root=lambda wildcards, output: os.path.dirname(os.path.dirname(output.train)),
        fake_languages=config.get("demo_world", {}).get("languages", {}),
        settings=config.get("demo_world", {}).get("qa", {}),
    log:
        "logs/demo_qa.log",
    conda:
        "../envs/corpus.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/demo_qa.py"
