"""Typed settings: built from config sections, naming the key of what is wrong, and declaring exactly
the keys the schema allows there (so the two cannot drift apart)."""

import dataclasses

import pytest

from workflow_tests.test_defaults import SCHEMA, resolved, schema_node
from xlclust.alignment.dictionaries import DictionarySpec
from xlclust.errors import ConfigError
from xlclust.lowres.settings import FullSupSettings, MiningSettings, ProbeSettings, UpdateSettings, VecmapSettings
from xlclust.search import SearchSettings
from xlclust.settings import DatasetSource, HubDataset, settings_from
from xlclust.token_classification.data import NerFiles
from xlclust.vocabulary.settings import BPEmbSettings, SubwordTrainingSettings, VocabularySettings


def field_names(cls) -> set[str]:
    return {field.name for field in dataclasses.fields(cls)}


def schema_keys(node: dict) -> set[str]:
    """The keys a schema node allows, over all the forms of a oneOf."""
    node = resolved(node)
    forms = node.get("oneOf", [node])
    return {key for form in forms for key in resolved(form).get("properties", {})}


@pytest.mark.parametrize(
    ("cls", "node"),
    [
        (VocabularySettings, schema_node(["vocabulary"])),
        (BPEmbSettings, schema_node(["vocabulary", "bpemb"])),
        (SubwordTrainingSettings, schema_node(["vocabulary", "train"])),
        (DictionarySpec, SCHEMA["$defs"]["dictionary"]),
        (NerFiles, SCHEMA["$defs"]["ner_files"]),
        (HubDataset, schema_node(["tydiqa", "dataset", "hub"])),
        (SearchSettings, schema_node(["search"])),
        (MiningSettings, schema_node(["lowres", "mining"])),
        (UpdateSettings, schema_node(["lowres", "update"])),
        (ProbeSettings, schema_node(["lowres", "ner"])),
        (VecmapSettings, schema_node(["lowres", "vecmap"])),
        (FullSupSettings, schema_node(["lowres", "full_sup"])),
    ],
)
def test_each_settings_class_has_the_keys_its_schema_section_allows(cls, node):
    keys = schema_keys(node)
    if cls is VocabularySettings:  # the per-language source is the workflow's choice, not the job's
        keys -= {"source"}
    if cls is SearchSettings:  # the run's seed, added by the workflow
        keys |= {"seed"}
    if cls is MiningSettings:  # the method's direction rule (mined, mined_intersection), added by the workflow
        keys |= {"mode"}
    assert field_names(cls) == keys


def test_search_defaults_are_the_schemas():
    defaults = {key: node["default"] for key, node in schema_node(["search"])["properties"].items()}
    assert {key: value for key, value in dataclasses.asdict(SearchSettings()).items() if key != "seed"} == defaults


def test_settings_name_the_config_key_of_what_is_wrong():
    train = {"character_coverage": 1.0, "max_sentences": 5, "algorithm": "skipgram", "window": 5, "epochs": 1, "negative": 5}
    with pytest.raises(ConfigError, match=r"config key 'vocabulary\.train\.min_count' is missing"):
        VocabularySettings.from_config({"size": 10, "dim": 2, "train": train})
    settings = VocabularySettings.from_config({"size": 10, "dim": 2, "train": train | {"min_count": 1, "deterministic": True}})
    assert isinstance(settings.train, SubwordTrainingSettings) and settings.bpemb is None and settings.train.window == 5
    with pytest.raises(ConfigError, match=r"config key 'dictionaries\.fi': unknown keys \['tset'\]"):
        DictionarySpec.from_config({"format": "muse", "pivot_first": False, "train": "a", "tset": "b"}, "fi")
    with pytest.raises(ConfigError, match=r"config key 'vocabulary\.bpemb': expected a mapping"):
        settings_from(VocabularySettings, {"size": 1, "dim": 1, "bpemb": "https://x"}, "vocabulary")


def test_a_dataset_source_reads_the_section_its_source_names():
    section = {"source": "hub", "hub": {"name": "unimelb-nlp/wikiann"}, "files": {"nl": {}}, "drop_classes": ["MISC"]}
    source = DatasetSource.from_config(section, "ner.generalization.dataset", NerFiles)
    assert source == DatasetSource(hub=HubDataset("unimelb-nlp/wikiann"), drop_classes=("MISC",))
    files = {"format": "conll", "train": "t", "dev": "d", "test": "e", "tag_column": 3}
    source = DatasetSource.from_config({"source": "files", "files": files}, "ner.generalization.dataset", NerFiles)
    assert source.files == NerFiles("conll", "t", "d", "e", tag_column=3) and source.hub is None
    with pytest.raises(ConfigError, match=r"'wikiann\.dataset': source is 'files' but 'wikiann\.dataset\.files' is not set"):
        DatasetSource.from_config({"source": "files", "hub": {"name": "x"}}, "wikiann.dataset")
    with pytest.raises(ConfigError, match=r"config key 'wikiann\.dataset\.files': unknown keys \['columns'\]"):
        DatasetSource.from_config({"files": files | {"columns": 2}}, "wikiann.dataset", NerFiles)
