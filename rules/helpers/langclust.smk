# The langclust stage's helpers (rules/langclust.smk): input functions, params and targets.

LANGCLUST = config["langclust"]


def embedding_model_input(wildcards):
    """The model a representation is read from: the language-ID model or the model before fine-tuning."""
    if wildcards.representation.startswith("finetuned"):
        return {"model": "results/langclust/langid/model"}
    return model_files(LANGCLUST["model"])


def ward_memory_mb():
    """Ward over n sentences keeps n(n-1)/2 float64 distances, and scipy a copy of them:
    15 languages × 1,000 sentences ≈ 1.7 GB."""
    n = len(NER_LANGUAGES) * LANGCLUST["embedding"]["sentences_per_language"]
    return 2 * 8 * n * (n - 1) // 2 // 2**20


def langclust_targets():
    return [
        "results/langclust/langid/accuracy.csv",
        "results/language_clusters.csv",
        "results/langclust/votes.csv",
        "results/langclust/projection.png",
        *expand("results/langclust/{representation}/dendrogram.png", representation=LANGCLUST["representations"]),
    ]
