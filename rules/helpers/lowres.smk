# The lowres stage's helpers (rules/lowres.smk): input functions, params and targets.
from xlclust.lowres.methods import METHODS as LOWRES_METHODS
from xlclust.lowres.methods import MINING_MODES, base_method, ebert_model_dir, method_files, on_ebert, planned_runs

LOWRES_LANGUAGES = LOWRES["languages"]


def parallel_files(wildcards):
    """A language's local parallel files (and gold links), so that Snakemake tracks them (or builds the demo's)."""
    spec = LOWRES["parallel"][wildcards.lowres_lang]
    return local_files({name: spec.get(name) and spec[name].partition("#")[0] for name in ("english", "other", "links")})


# the mining methods and their direction rule (Hangya et al. 2022 §3.1 and §5.3)


def mining_settings(wildcards):
    return LOWRES["mining"] | {"mode": MINING_MODES.get(base_method(wildcards.trained_method), "forward_backward")}


def ebert_model_name():
    """The model eBERT extends (lowres.ebert.model, else lowres.model)."""
    return LOWRES["ebert"]["model"] or LOWRES["model"]


def method_backbone(method, lang):
    """The LM a method sits on (xlclust.lowres.methods): (its local files, so that Snakemake tracks them;
    its source, ModelSource's fields) — the language's eBERT for ebert and ebert_*, else lowres.model.
    eBERT extends mBERT's vocabulary, so English goes through the same model and tokenizer."""
    if on_ebert(method):
        directory = ebert_model_dir(lang)
        return {"model": directory}, {"location": directory, "revision": None, "cache_dir": config["model_cache_dir"]}
    return model_files(LOWRES["model"]), model_source(LOWRES["model"])


def method_encoder(method):
    """A rule's params.encoder: the source of the backbone of the method in its wildcards."""
    return lambda wildcards: method_backbone(getattr(wildcards, method), wildcards.lowres_lang)[1]


def method_base(method):
    """A rule's params.base: the method in its wildcards without its backbone (ebert_mined: mined)."""
    return lambda wildcards: base_method(getattr(wildcards, method))


def alignment_layer_inputs(wildcards):
    """Mined layers read both languages' sampled sentences; linear_sup the parallel training sentences."""
    if base_method(wildcards.trained_method) in MINING_MODES:
        inputs = {"sentences": [f"results/lowres/sentences/{lang}.parquet" for lang in (wildcards.lowres_lang, LOWRES["english"])]}
    else:
        inputs = {"parallel": f"results/lowres/parallel/{wildcards.lowres_lang}.parquet"}
    return inputs | method_backbone(wildcards.trained_method, wildcards.lowres_lang)[0]


def lowres_runs():
    """(method, language) of every evaluated run: each method for each language, vecmap_sup only where
    the language has a dictionary (lowres.dictionaries), ebert and ebert_* only for lowres.ebert.languages."""
    return planned_runs(LOWRES)


def vecmap_inputs(wildcards):
    """The backbone's local directory, and vecmap_sup's dictionary where it is a local file."""
    inputs = method_backbone(wildcards.vecmap_method, wildcards.lowres_lang)[0]
    if base_method(wildcards.vecmap_method) == "vecmap_sup":
        inputs |= local_files({"dictionary": LOWRES["dictionaries"][wildcards.lowres_lang]["file"]})
    return inputs


def lowres_method_files(method, lang):
    """What a method evaluates with besides its backbone: its weights (the backbone trained further) or
    its layers; none for a backbone as it is (base, ebert)."""
    return method_files(method, lang)


def lowres_method_inputs(wildcards):
    """A method's layers or weights (lowres_method_files), and its backbone's local directory."""
    method, lang = wildcards.lowres_method, wildcards.lowres_lang
    return method_backbone(method, lang)[0] | lowres_method_files(method, lang)


def lowres_language_methods(lang):
    """The methods evaluated for a language (lowres_runs), each with its backbone's source (encoder)
    and what it evaluates with."""
    return [
        {"method": method, "encoder": method_backbone(method, lang)[1], **lowres_method_files(method, lang)}
        for method, run_lang in lowres_runs()
        if run_lang == lang
    ]


def word_retrieval_inputs(wildcards):
    """Every evaluated method's backbone directory (where local) and layers or weights for one language."""
    lang = wildcards.lowres_lang
    methods = [method for method, run_lang in lowres_runs() if run_lang == lang]
    files = [
        path
        for method in methods
        for group in (method_backbone(method, lang)[0], lowres_method_files(method, lang))
        for path in group.values()
    ]
    return {"methods": list(dict.fromkeys(files))}


def mining_mode_layers():
    """Table 5's mined layers: mined and mined_intersection for every language, on eBERT too
    (ebert_mined*, where planned: eBERT is the best BERT of some languages, §5.3)."""
    return [f"results/lowres/layers/{method}/{lang}" for method, lang in lowres_runs() if base_method(method) in MINING_MODES]


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
