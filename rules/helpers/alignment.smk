# The align stage's helpers (rules/alignment.smk): input functions, params and targets.


def dictionary_files(wildcards):
    """A dictionary's local files, or the word pairs the low-resource system mined (unsupervised: mined)."""
    spec = config["dictionaries"][wildcards.lang]
    if spec.get("unsupervised") == "mined":
        return {"mined": f"results/lowres/layers/mined/{wildcards.lang}"}  # its mined_types.csv
    return local_files({name: spec.get(name) for name in ("train", "test", "full")})


def alignment_inputs(wildcards):
    inputs = {
        "embeddings": f"results/vocab/{wildcards.lang}/embeddings.npy",
        "pivot_embeddings": f"results/vocab/{PIVOT}/embeddings.npy",
    }
    if wildcards.lang != PIVOT:
        inputs["train"] = f"results/dictionaries/{wildcards.lang}/train.tsv"
    return inputs
