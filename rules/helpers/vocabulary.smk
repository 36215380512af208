# The vocab stage's helpers (rules/vocabulary.smk): input functions, params and targets.
from xlclust.vocabulary.bpemb_store import unpinned_files
from xlclust.vocabulary.settings import VocabularySettings


def vocabulary_source(lang):
    return per_language(config["vocabulary"]["source"], lang)


def vocabulary_settings(lang):
    """What one language's vocabulary job reads: size, dim and its own source's section, so that
    another language's source or a section it does not use never reruns it."""
    source = vocabulary_source(lang)
    settings = {key: config["vocabulary"][key] for key in ("size", "dim", source)}
    if source == "bpemb":  # only this language's pinned sums
        pins = settings["bpemb"]["sha256"]
        settings["bpemb"] = settings["bpemb"] | {"sha256": {f: s for f, s in pins.items() if f.startswith(f"{lang}/")}}
    return settings


def warn_about_unpinned_bpemb_files():
    bpemb = config["vocabulary"]["bpemb"]
    languages = [lang for lang in LANGUAGES if vocabulary_source(lang) == "bpemb"]
    unpinned = unpinned_files(languages, VocabularySettings.from_config(config["vocabulary"]).bpemb, config["vocabulary"]["dim"])
    if unpinned and not bpemb["record_sha256"]:
        logger.warning(
            f"{len(unpinned)} BPEmb files have no SHA-256 under config key 'vocabulary.bpemb.sha256' "
            f"({', '.join(unpinned[:3])}{', ...' if len(unpinned) > 3 else ''}); their subword_vocab jobs will refuse "
            "them. Pin them there, or set vocabulary.bpemb.record_sha256: true (in config.yaml or a --configfile) "
            "to trust the first download and record its sums (README, Security)."
        )


warn_about_unpinned_bpemb_files()


def vocabulary_inputs(wildcards):
    """The extracted sentences when a language's vocabulary is trained; nothing for BPEmb."""
    if vocabulary_source(wildcards.lang) == "train":
        return {"sentences": f"results/corpus/{wildcards.lang}/sentences.parquet"}
    return {}
