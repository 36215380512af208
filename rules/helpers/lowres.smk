# The lowres stage's helpers (rules/lowres.smk): input functions, params and targets.

LOWRES_LANGUAGES = LOWRES["languages"]


def parallel_files(wildcards):
    """A language's local parallel files (and gold links), so that Snakemake tracks them (or builds the demo's)."""
    spec = LOWRES["parallel"][wildcards.lowres_lang]
    return local_files({name: spec.get(name) and spec[name].partition("#")[0] for name in ("english", "other", "links")})


# the mining methods and their direction rule (Hangya et al. 2022 §3.1 and §5.3)
MINING_MODES = {"mined": "forward_backward", "mined_intersection": "intersection"}


def mining_settings(wildcards):
    return LOWRES["mining"] | {"mode": MINING_MODES.get(wildcards.trained_method, "forward_backward")}


def ebert_model_name():
    """The model eBERT extends (lowres.ebert.model, else lowres.model)."""
    return LOWRES["ebert"]["model"] or LOWRES["model"]


def alignment_layer_inputs(wildcards):
    """Mined layers read both languages' sampled sentences; linear_sup the parallel training sentences."""
    if wildcards.trained_method in MINING_MODES:
        inputs = {"sentences": [f"results/lowres/sentences/{lang}.parquet" for lang in (wildcards.lowres_lang, LOWRES["english"])]}
    else:
        inputs = {"parallel": f"results/lowres/parallel/{wildcards.lowres_lang}.parquet"}
    return inputs | model_files(LOWRES["model"])


def lowres_runs():
    """(method, language) of every evaluated run: each method for each language, vecmap_sup only where
    the language has a dictionary (lowres.dictionaries), ebert only for lowres.ebert.languages."""
    return [
        (method, lang)
        for method in LOWRES["methods"]
        for lang in LOWRES_LANGUAGES
        if (method != "vecmap_sup" or lang in LOWRES["dictionaries"]) and (method != "ebert" or lang in LOWRES["ebert"]["languages"])
    ]


def vecmap_inputs(wildcards):
    """The LM's local directory, and vecmap_sup's dictionary where it is a local file."""
    inputs = model_files(LOWRES["model"])
    if wildcards.vecmap_method == "vecmap_sup":
        inputs |= local_files({"dictionary": LOWRES["dictionaries"][wildcards.lowres_lang]["file"]})
    return inputs


def lowres_method_files(method, lang):
    """What a method evaluates with besides the LM: its weights (the LM trained further) or its layers;
    none for the LM as it is."""
    if method in ("full_sup", "ebert"):
        return {"weights": f"results/lowres/models/{method}/{lang}"}
    return {} if method == "base" else {"layers": f"results/lowres/layers/{method}/{lang}"}


def lowres_method_inputs(wildcards):
    """A method's layers or weights (lowres_method_files), and the LM's local directory."""
    return model_files(LOWRES["model"]) | lowres_method_files(wildcards.lowres_method, wildcards.lowres_lang)


def lowres_language_methods(lang):
    """The methods evaluated for a language (lowres_runs), each with what it evaluates with."""
    return [{"method": method, **lowres_method_files(method, lang)} for method, run_lang in lowres_runs() if run_lang == lang]


def word_retrieval_inputs(wildcards):
    """The LM's local directory and every evaluated method's layers or weights for one language."""
    lang = wildcards.lowres_lang
    files = [path for method, run_lang in lowres_runs() if run_lang == lang for path in lowres_method_files(method, lang).values()]
    return model_files(LOWRES["model"]) | {"methods": files}


def lowres_targets():
    targets = [
        "results/word_retrieval_scores.csv",
        "results/lowres/retrieval.png",
        "results/lowres_ner_scores.csv",
        "results/lowres/ner.png",
    ]
    if "mined" in LOWRES["methods"]:
        targets += ["results/lowres/mined_types.csv", "results/lowres/mined_examples.csv"]
    if set(MINING_MODES) <= set(LOWRES["methods"]):
        targets += ["results/lowres/mining_modes.csv"]
    return targets
