# The grouping stage's helpers (rules/grouping.smk): input functions, params and targets.
from xlclust.pipelines import WILDCARD as PIPELINE_PATTERN
from xlclust.pipelines import backbone_of, expand_pipelines, is_backbone, parse_pipeline, pipeline_choices

GROUPING = config["grouping"]


def pipeline_embeddings_inputs(wildcards):
    if wildcards.pipeline == "vocabulary":
        return {
            "joint": "results/vocab/joint_vocabulary.parquet",
            "mapped": expand("results/alignment/{lang}/mapped.npy", lang=LANGUAGES),
        }
    return pipeline_model_files(wildcards.pipeline)


def lexicon_grouping_inputs(wildcards):
    """A lexicon grouping's pair set and the model whose tokenizer reads it (a model pipeline only)."""
    if wildcards.pipeline == "vocabulary":
        raise ValueError("lexicon grouping groups a model's subwords: the pipeline 'vocabulary' has no tokenizer")
    return {"pairs": f"results/grouping/pairs/{GROUPING['lexicon']['pairs']}.tsv"} | pipeline_model_files(wildcards.pipeline)


def grouped_model_inputs(wildcards):
    inputs = {"map": f"results/grouping/{wildcards.pipeline}/{wildcards.method}{wildcards.ratio}/token2cid.parquet"}
    return inputs | pipeline_model_files(wildcards.pipeline)


def pipeline_model(pipeline):
    """Where a pipeline's model lives, as ModelSource fields: a backbone is read where `models` says;
    an operation's result from its directory (its own code, grouped tokenizers and reduced models,
    runs only as xlclust.models' gate decides)."""
    if is_backbone(pipeline):
        return model_source(pipeline)
    return {"location": pipeline_directory(pipeline), "revision": None, "cache_dir": None}


def pipeline_directory(pipeline):
    return f"results/grouping/{pipeline}/model"


def pipeline_model_files(pipeline):
    """The files Snakemake tracks of a pipeline's model (a backbone's local directory, if any)."""
    return model_files(pipeline) if is_backbone(pipeline) else {"model": pipeline_directory(pipeline)}


def backbone_encoding(pipeline):
    """The continual-pretraining mix in the pipeline's backbone's token IDs (rule continual_encoded)."""
    return f"results/grouping/{backbone_of(pipeline)}/encoded"


def continual_encoding(pipeline):
    """The mix in a pipeline's token IDs: its backbone's encoding, or with a grouping step that
    encoding mapped through the groups (by continual_grouped_encoding). The pipeline is the one
    before its cpt step, parsed with it (a reduction alone is no pipeline)."""
    if parse_pipeline(f"{pipeline}/cpt").step("grouping"):
        return f"results/grouping/{pipeline}/encoded"
    return backbone_encoding(pipeline)


def grouping_pipelines():
    """Every pipeline the config names (grouping.pipelines expanded over the configured choices)."""
    return expand_pipelines(GROUPING["pipelines"], pipeline_choices(GROUPING))


def continual_pipelines():
    """The pipelines that end in continual pretraining (Table 3's rows)."""
    return [p for p in grouping_pipelines() if parse_pipeline(p).step("continual")]


def clsa_pair_files(wildcards):
    """The local files a CLSA pair set reads, so that Snakemake tracks them (or builds the demo's)."""
    spec, locations = GROUPING["clsa"], {}
    for source in GROUPING["clsa"]["pair_sets"][wildcards.pairs]:
        if source in ("muse", "muse_reverse"):
            for lang in spec["muse"]["languages"]:
                ends = (spec["pivot"], lang) if source == "muse" else (lang, spec["pivot"])
                locations[f"{source}_{lang}"] = spec["muse"]["location"].format(source=ends[0], target=ends[1])
        elif source == "panlex":
            locations["panlex"] = spec["panlex"]["location"]
        elif source == "concepticon":
            locations |= {f"concepticon_{i}": concept_list["location"] for i, concept_list in enumerate(spec["concepticon"]["lists"])}
    return local_files(locations)


def roundtrip_dictionary_files(wildcards):
    """The MUSE dictionaries (pivot to each language) whose words round-trip pairs are found among."""
    spec = GROUPING["clsa"]
    locations = {f"muse_{lang}": spec["muse"]["location"].format(source=spec["pivot"], target=lang) for lang in spec["muse"]["languages"]}
    return local_files(locations)


def roundtrip_input(wildcards):
    """The model's round-trip pairs (rule roundtrip_pairs) where the pair set has the source roundtrip."""
    if "roundtrip" not in GROUPING["clsa"]["pair_sets"][wildcards.pairs]:
        return {}
    return {"roundtrip": f"results/grouping/{wildcards.pipeline}/roundtrip/pairs.tsv"}


def translation_checks(pipeline):
    """A grouping step's translation check (grouping.translation_check), for model sources only."""
    if not GROUPING["translation_check"] or backbone_of(pipeline) == "vocabulary":
        return []
    last = parse_pipeline(pipeline).steps[-1:]
    if not last or last[0].kind != "grouping":
        return []
    return [f"results/grouping/{pipeline}/translations.json"]


def group_map_files(method):
    prefix = f"results/grouping/{{pipeline}}/{method}{{ratio}}"
    return {
        name: f"{prefix}/{file}"
        for name, file in [("map", "token2cid.parquet"), ("vocab", "vocab.txt"), ("summary", "summary.json"), ("sizes", "sizes.csv")]
    }


def grouping_outputs(pipeline, file, methods=("kmeans", "firstk")):
    """A grouping source's files of each method (kmeans, l2kmeans, firstk, lexicon) at every ratio."""
    return expand(
        "results/grouping/{pipeline}/{method}{ratio}/{file}",
        pipeline=pipeline,
        method=list(methods),
        ratio=GROUPING["ratios"],
        file=file,
    )


def grouping_targets():
    targets = []
    for pipeline in GROUPING["embeddings"]:
        targets += [f"results/grouping/{pipeline}/summary.csv", f"results/grouping/{pipeline}/sizes.png"]
        if pipeline != "vocabulary":
            targets += grouping_outputs(pipeline, "model")
    for pipeline in grouping_pipelines():
        targets += [pipeline_directory(pipeline), *translation_checks(pipeline)]
    if grouping_pipelines():
        targets += ["results/grouping/table3.csv", "results/grouping/translations.csv"]
    return list(dict.fromkeys(targets))


def inspection_groupings():
    """The pipelines (each ending in a grouping) whose groups are inspected (Figs. 8 and 13)."""
    groupings = expand_pipelines(GROUPING["inspection"]["groupings"], pipeline_choices(GROUPING))
    for pipeline in groupings:
        steps = parse_pipeline(pipeline, "grouping.inspection.groupings").steps
        if not steps or steps[-1].kind != "grouping":
            raise ValueError(f"grouping.inspection.groupings: {pipeline!r} does not end in a grouping (kmeansR, l2kmeansR, lexiconR)")
    return groupings


def inspection_targets():
    return [f"results/grouping/{pipeline}/{name}" for pipeline in inspection_groupings() for name in ("inspection.csv", "inspection.png")]
