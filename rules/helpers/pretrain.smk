# The pretrain stage's helpers (rules/pretrain.smk): input functions, params and targets.

PRETRAINING = config["pretraining"]


def cluster_map_prefix(tokenizer):
    """Where a cluster tokenizer's map lives: ICEBERT's clusters or a grouping of the joint vocabulary."""
    if tokenizer == "icebert":
        return "results/clusters"
    return f"results/grouping/vocabulary/{tokenizer}"


def cluster_tokenizer_inputs(wildcards):
    prefix = cluster_map_prefix(wildcards.cluster_tokenizer)
    return {
        "map": f"{prefix}/token2cid.parquet",
        "vocab": f"{prefix}/vocab.txt",
        "segmenters": expand("results/vocab/{lang}/segmenter.model", lang=LANGUAGES),
    }


def tokenizer_max_length():
    """The longest sequence any configured model trains on."""
    return max(model["training"].get("max_length", 512) for model in PRETRAINING["models"].values())


def pretraining_corpus(size):
    """What a model size pretrains on: 'mix' (the α-sampled Wikipedia mix) or its own sample of so
    many sentences per language, named after the size (ICEBERT §3.3's small models)."""
    return "mix" if PRETRAINING["models"][size].get("corpus", "mix") == "mix" else size


def pretraining_corpus_file(corpus):
    return "results/pretraining/mix.parquet" if corpus == "mix" else f"results/pretraining/corpora/{corpus}.parquet"


def pretrained_model(tokenizer, size):
    return f"results/pretraining/models/{tokenizer}-{size}"


def pretraining_targets():
    return [
        *[pretrained_model(t, s) for t in PRETRAINING["tokenizers"] for s in PRETRAINING["sizes"]],
        "results/pretraining/summary.csv",
        "results/pretraining/loss.png",
    ]
