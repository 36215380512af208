"""Defaults can't drift: config.yaml (the cited paper setup), the schema's defaults and the training
dataclasses' defaults agree wherever two of them give a value."""

import dataclasses

import yaml

from workflow_tests.realdata import REPO
from xlclust.pretraining.train import TrainingSpec
from xlclust.training.finetuning import FinetuneSpec

SCHEMA = yaml.safe_load((REPO / "schemas" / "config.schema.yaml").read_text())
PAPER = yaml.safe_load((REPO / "config.yaml").read_text())
# where the schema's default runs nothing that needs other settings (models, languages, classes) and
# config.yaml turns on the paper's study: these, and only these, differ
STUDIES_TURNED_ON = {
    "grouping.embeddings",
    "grouping.backbones",
    "grouping.compared_backbones",
    "grouping.inspection.groupings",
    "grouping.inspection.keywords",
    "grouping.pipelines",
    "grouping.translation_check",
    "grouping.continual.languages",
    "tydiqa.reference_models",
    "ner.zero_shot.held_out",
    "ner.generalization.dataset.drop_classes",
    "lowres.dictionaries.eu.format",  # not a study: Basque's seed is PanLex's (panlex_swadesh), the others MUSE's default format
}


def resolved(node: dict) -> dict:
    """A schema node with its $ref followed (the node's own keys, such as a default, win)."""
    while "$ref" in node:
        target = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        node = target | {key: value for key, value in node.items() if key != "$ref"}
    return node


def schema_node(path: list[str]) -> dict | None:
    node = resolved(SCHEMA)
    for key in path:
        properties = node.get("properties", {})
        extra = node.get("additionalProperties")
        if key in properties:
            node = resolved(properties[key])
        elif isinstance(extra, dict):
            node = resolved(extra)
        else:
            return None
    return node


def leaves(value, path=()):
    if isinstance(value, dict) and value:
        for key, child in value.items():
            yield from leaves(child, (*path, key))
    else:
        yield list(path), value


def test_config_yaml_gives_the_schemas_default_wherever_the_schema_has_one():
    differ, compared = set(), 0
    for path, value in leaves(PAPER):
        node = schema_node(path)
        if node is not None and "default" in node:
            compared += 1
            if node["default"] != value:
                differ.add(".".join(path))
    assert compared > 100 and differ == STUDIES_TURNED_ON


def test_finetuning_defaults_are_the_schemas():
    schema = resolved(SCHEMA["$defs"]["finetuning"])["properties"]
    fields = {f.name: f.default for f in dataclasses.fields(FinetuneSpec)}
    assert set(schema) <= set(fields)
    assert {key: fields[key] for key in schema} == {key: resolved(node).get("default") for key, node in schema.items()}


def test_every_pretraining_setting_of_the_schema_is_a_field_of_the_training_spec():
    """Pretraining's defaults live in TrainingSpec alone (the schema gives none), so no key the
    config accepts may be one the trainer would not read."""
    training = schema_node(["pretraining", "models", "tiny", "training"])
    assert not any("default" in node for node in training["properties"].values())
    assert set(training["properties"]) <= {f.name for f in dataclasses.fields(TrainingSpec)}
