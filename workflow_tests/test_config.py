import copy
import re

import pytest
import yaml

from workflow_tests.paper_config import PAPER, SCHEMA, validated
from workflow_tests.realdata import REPO
from xlclust.config import config_key, per_language
from xlclust.errors import ConfigError
from xlclust.languages import known_languages
from xlclust.workflow_config import validate_workflow_config


def test_paper_config_is_valid_and_gets_defaults():
    config = validated()
    assert config["languages"] == ["ar", "bn", "en", "fi", "id", "ko", "ru", "sw", "te"]
    assert config["pivot"] == "en"
    assert config["sampling"]["alpha"] == 0.3
    assert config["sampling"]["max_line_tokens"] == 512
    assert set(config["languages"]) <= set(known_languages())


def test_defaults_fill_missing_sections():
    config = copy.deepcopy(PAPER)
    del config["sampling"], config["extract"]
    validate_workflow_config(config, SCHEMA)
    assert config["sampling"] == {"alpha": 0.3, "max_line_tokens": 512, "shuffle_bucket_mb": 256}
    assert config["extract"]["unicode_normalization"] == "NFC"


def test_demo_config_is_valid():
    config = copy.deepcopy(PAPER)
    demo = yaml.safe_load((REPO / "demo" / "config.yaml").read_text())
    config.update(demo)
    validate_workflow_config(config, SCHEMA)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"sampling__alpha": 1.5}, "config key 'sampling.alpha': 1.5 is greater than the maximum of 1"),
        ({"sampling__alpha": 0}, "config key 'sampling.alpha'"),
        ({"extract__unicode_normalization": "NFD"}, "allowed values: 'NFC', 'NFKC', 'none'"),
        ({"languages": ["en", "EN!"]}, "config key 'languages[1]': 'EN!' is not a language code"),
        ({"languages": ["en", "xx"]}, "config key 'languages[1]': unknown language code 'xx'"),
        ({"pivot": "de"}, "config key 'pivot': 'de' is not one of the configured languages"),
        ({"wikipedia__dump_date": "2024-03-01"}, "config key 'wikipedia.dump_date'"),
        ({"wikipedia__mirror": "dumps.wikimedia.org"}, "config key 'wikipedia.mirror'"),
        ({"wikipedia__parts": {"default": 0}}, "config key 'wikipedia.parts.default'"),
        ({"sampling__shuffle_bucket": 3}, "known keys here: alpha, max_line_tokens, shuffle_bucket_mb"),
        ({"wikipedia__sources": {"de": {"dump": "/x.bz2"}}}, "'wikipedia.sources.de': 'de' is not one of the configured"),
        ({"wikipedia__sources": {"en": {"dump": "/x.bz2", "sha1": "abc"}}}, "config key 'wikipedia.sources.en.sha1'"),
        ({"seed": -1}, "config key 'seed'"),
        ({"languages": ["en", "sw", "de"]}, "config key 'dictionaries.de': language 'de' has no dictionary"),
        ({"dictionaries__fi": {"format": "csv", "pivot_first": True, "train": "x"}}, "config key 'dictionaries.fi'"),
        (
            {"dictionaries__fi": {"unsupervised": "identical", "format": "muse"}},
            "has none of the allowed forms ({unsupervised}; {format, pivot_first, train}",
        ),
        ({"alignment__self_learning": "vecmap"}, "allowed values: 'none', 'procb', 'mnn'"),
        ({"vocabulary__source": {"default": "glove"}}, "config key 'vocabulary.source.default'"),
        (
            {"wikipedia__mirror": "http://dumps.wikimedia.org"},
            "config key 'wikipedia.mirror': http://dumps.wikimedia.org: plain http:// is refused",
        ),
        ({"wikipedia__sources": {"sw": {"dump": "http://example.org/sw.xml.bz2"}}}, "config key 'wikipedia.sources.sw.dump'"),
        ({"vocabulary__bpemb": {"base_url": "http://bpemb.h-its.org/"}}, "config key 'vocabulary.bpemb.base_url'"),
        (
            {"dictionaries__fi": {"format": "muse", "pivot_first": False, "train": "http://example.org/fi-en.txt"}},
            "config key 'dictionaries.fi.train'",
        ),
        (
            {"vocabulary__bpemb": {"sha256": {"ar/ar.wiki.bpe.vs50000.model": "abc"}}},
            "config key 'vocabulary.bpemb.sha256.ar/ar.wiki.bpe.vs50000.model'",
        ),
    ],
)
def test_invalid_values_name_the_key(changes, message):
    with pytest.raises(ConfigError) as error:
        validated(**changes)
    assert message in str(error.value)


def test_unknown_language_is_accepted_with_an_explicit_source():
    config = validated(
        languages=["en", "xx"],
        wikipedia__sources={"xx": {"dump": "/data/xxwiki.xml.bz2"}},
        dictionaries={"xx": {"unsupervised": "numerals"}},
    )
    assert config["languages"] == ["en", "xx"]


def test_config_key_formatting_and_per_language():
    assert config_key(["languages", 3]) == "languages[3]"
    assert config_key(["sampling", "alpha"]) == "sampling.alpha"
    assert per_language({"default": 2, "en": 64}, "en") == 64
    assert per_language({"default": 2, "en": 64}, "sw") == 2


def test_paper_config_fetches_the_pinned_dump_from_the_wikimedia_mirror():
    from xlclust.wiki.sources import source_for

    source = source_for("sw", validated()["wikipedia"])
    assert source.dump == "https://dumps.wikimedia.org/swwiki/20261101/swwiki-20261101-pages-articles-multistream.xml.bz2"
    assert source.checksums == "https://dumps.wikimedia.org/swwiki/20261101/swwiki-20261101-sha1sums.txt"


def test_tydiqa_settings_are_checked_against_the_rest_of_the_config():
    from xlclust.config import tydiqa_languages

    config = validated(
        languages=["en", "sw", "fi"], dictionaries={"sw": {"unsupervised": "identical"}, "fi": {"unsupervised": "identical"}}
    )
    assert tydiqa_languages(config) == ["en", "fi", "sw"]  # GoldP's languages that the workflow has
    assert config["tydiqa"]["dataset"]["hub"]["config"] == "secondary_task" and config["tydiqa"]["seeds"]["small"] == [1, 2, 3, 4, 5]
    with pytest.raises(ConfigError, match=r"tydiqa\.reference_models\[0\]': 'xlmr_xl' is not a model under 'models'"):
        validated(tydiqa__reference_models=["xlmr_xl"])
    with pytest.raises(ConfigError, match=r"tydiqa\.dataset\.files\.dev\.ar': no dev file"):
        validated(tydiqa__dataset={"source": "files", "files": {"train": {"en": "en.json"}, "dev": {"en": "en.json"}}})
    with pytest.raises(ConfigError, match=r"tydiqa\.train_language': 'de' is not one of the configured languages"):
        validated(tydiqa__train_language="de")
    with pytest.raises(ConfigError, match=r"tydiqa\.features\.doc_stride"):
        validated(tydiqa__features={"max_length": 128, "doc_stride": 100, "max_query_length": 64})
    with pytest.raises(ConfigError, match=r"tydiqa\.dataset\.source"):
        validated(tydiqa__dataset={"source": "ftp"})


def test_langclust_and_ner_settings_are_checked():
    config = validated()
    assert config["wikiann"]["languages"][:3] == ["ar", "da", "de"] and len(config["wikiann"]["languages"]) == 15
    assert set(config["wikiann"]["families"]) == set(config["wikiann"]["languages"])
    assert config["langclust"]["k"] == 4 and config["ner"]["training"]["batch_size"] == 20
    assert config["ner"]["max_length"] == 300 and config["ner"]["seeds"] == [1, 2, 3, 4, 5]
    with pytest.raises(ConfigError, match=r"langclust\.model': 'xlmr_xl' is not a model under 'models'"):
        validated(langclust__model="xlmr_xl")
    with pytest.raises(ConfigError, match=r"langclust\.k': 7 is not one of langclust\.ks"):
        validated(langclust__k=7)
    with pytest.raises(ConfigError, match=r"langclust\.ks\[0\]': 16 clusters of 15 languages"):
        validated(langclust__ks=[16], langclust__k=16)
    with pytest.raises(ConfigError, match=r"wikiann\.families\.ar': 'ar' has no family"):
        validated(wikiann__families={"en": "Germanic"})
    with pytest.raises(ConfigError, match=r"ner\.zero_shot\.held_out\[0\]': 'nl' is not one of wikiann\.languages"):
        validated(ner__zero_shot={"held_out": ["nl"]})
    with pytest.raises(ConfigError, match=r"wikiann\.dataset\.files\.ar': no files for 'ar'"):
        validated(wikiann__dataset={"source": "files", "files": {}})
    with pytest.raises(ConfigError, match=r"wikiann\.dataset\.files\.en\.format"):
        validated(wikiann__dataset={"source": "files", "files": {"en": {"format": "iob", "train": "a", "dev": "b", "test": "c"}}})
    with pytest.raises(ConfigError, match=r"ner\.evaluation\.mode"):
        validated(ner__evaluation={"mode": "lenient"})
    study = config["ner"]["generalization"]
    assert study["name"] == "conll2003" and study["dataset"]["hub"]["name"] == "eriktks/conll2003"
    with pytest.raises(ConfigError, match=r"ner\.generalization\.language': 'nl' is not one of wikiann\.languages"):
        validated(ner__generalization={**study, "language": "nl"})
    with pytest.raises(ConfigError, match=r"ner\.generalization\.name': 'de' is a WikiAnn language's code"):
        validated(ner__generalization={**study, "name": "de"})
    with pytest.raises(ConfigError, match=r"ner\.generalization\.dataset\.files': missing for source 'files'"):
        validated(ner__generalization={**study, "dataset": {"source": "files"}})
    with pytest.raises(ConfigError, match=r"ner\.generalization\.trainings"):
        validated(ner__generalization={**study, "trainings": ["cluster", "news"]})
    assert validated(ner__generalization=None)["ner"]["generalization"] is None


def test_conflicting_model_settings_are_caught_before_any_job():
    small = validated()["pretraining"]["models"]["small"]
    with pytest.raises(ConfigError, match=r"small\.training\.per_device_batch_size': 5 does not divide batch_size 16"):
        validated(pretraining__models={"small": {**small, "training": {**small["training"], "batch_size": 16, "per_device_batch_size": 5}}})
    with pytest.raises(ConfigError, match=r"small\.architecture\.hidden_size': 64 is not a multiple of num_attention_heads 3"):
        validated(pretraining__models={"small": {**small, "architecture": {**small["architecture"], "num_attention_heads": 3}}})
    with pytest.raises(
        ConfigError,
        match=r"max_position_embeddings': the model has 256 positions, but "
        r"pretraining\.models\.small\.training\.max_length is 512",
    ):
        validated(pretraining__models={"small": {**small, "architecture": {**small["architecture"], "max_position_embeddings": 256}}})
    short = {**small, "training": {**small["training"], "max_length": 128}}  # 128 positions: TyDi QA's windows are 384
    with pytest.raises(ConfigError, match=r"128 positions, but tydiqa\.features\.max_length is 384"):
        validated(pretraining__models={"small": short})
    assert validated(pretraining__models={"small": short}, pretraining__sizes=[])  # not fine-tuned: no conflict


def test_every_hub_model_of_the_paper_config_is_pinned_to_a_commit():
    models = PAPER["models"]
    assert {name for name, model in models.items() if "hub" in model} == {"mbert", "xlmr", "xlm", "xlmr_large", "xlmv"}
    # their commits could not be read offline: config.yaml says so, Snakemake warns, runs log the commit they read
    unpinned = {"xlm", "xlmr_large", "xlmv"}
    for name, model in models.items():
        assert (name in unpinned) != bool(re.fullmatch(r"[0-9a-f]{40}", model.get("revision", ""))), name


def test_lowres_settings_are_checked():
    config = validated()
    lowres = config["lowres"]
    assert lowres["languages"] == ["bn", "eu", "mk", "ml", "af", "sw", "kn", "gu", "ne"] and set(lowres["parallel"]) == set(
        lowres["languages"]
    )
    assert lowres["update"]["steps"] == 5000 and lowres["mining"]["threshold"] == 0.2 and lowres["tokenizer"]["bn"] == "indic"
    with pytest.raises(ConfigError, match=r"lowres\.model': 'xlmr_xl' is not a model under 'models'"):
        validated(lowres__model="xlmr_xl")
    with pytest.raises(ConfigError, match=r"lowres\.parallel\.yo': no parallel corpus of 'yo' with 'en'"):
        validated(lowres__languages=["sw", "yo"])
    with pytest.raises(ConfigError, match=r"lowres\.languages\[1\]': 'en' is lowres\.english"):
        validated(lowres__languages=["sw", "en"])
    with pytest.raises(ConfigError, match=r"lowres\.parallel\.sw\.english': http://example\.org/en\.txt: plain http"):
        validated(lowres__parallel={**lowres["parallel"], "sw": {"english": "http://example.org/en.txt", "other": "/data/sw.txt"}})
    assert validated(dictionaries__sw={"unsupervised": "mined", "min_count": 2})["dictionaries"]["sw"]["min_count"] == 2
    with pytest.raises(ConfigError, match=r"dictionaries\.te': a mined seed comes from the low-resource system"):
        validated(dictionaries__te={"unsupervised": "mined"})  # te is not one of lowres.languages
    with pytest.raises(ConfigError, match=r"lowres\.mining.*'mode' was unexpected"):  # the method says: mined, mined_intersection
        validated(lowres__mining={"mode": "intersection"})
    with pytest.raises(ConfigError, match=r"lowres\.ebert\.model': 'labse' is not a model under 'models'"):
        validated(lowres__ebert={**lowres["ebert"], "model": "labse"})
    with pytest.raises(ConfigError, match=r"lowres\.tokenizer\.eu"):
        validated(lowres__tokenizer={"default": "moses", "eu": "jieba"})


def test_tagging_settings_are_checked():
    config = validated()
    tagging = config["tagging"]
    assert tagging["embedders"][:2] == ["bpe_bow", "bpe_gru"] and tagging["joint_share"] == 0.25 and tagging["optional"] == ["de"]
    with pytest.raises(ConfigError, match=r"tagging\.languages': 'en' \(tagging\.english"):
        validated(tagging__languages=["es", "nl"])
    with pytest.raises(ConfigError, match=r"tagging\.data\.it\.ner': no ner data for 'it'"):
        validated(tagging__languages=["en", "it"])
    data = {
        **tagging["data"],
        "nl": {"ner": tagging["data"]["nl"]["ner"], "pos": {k: v for k, v in tagging["data"]["nl"]["pos"].items() if k != "map"}},
    }
    with pytest.raises(ConfigError, match=r"tagging\.data\.nl\.pos\.map'"):
        validated(tagging__data=data)
    assert tagging["finetuned_models"] == {"bert": "mbert", "xlm": "xlm"} and tagging["confusion"]["language"] == "nl"
    with pytest.raises(ConfigError, match=r"tagging\.confusion\.language': 'fr' is not a NER evaluation language"):
        validated(tagging__confusion={**tagging["confusion"], "language": "fr"})
    with pytest.raises(ConfigError, match=r"tagging\.confusion\.embedders'"):
        validated(tagging__embedders=["bpe_bow", "laser_top"])  # muse, Fig. 5's default, not run
    assert tagging["task_embedders"] == {}  # Table 2: every embedder on both tasks
    assert validated(tagging__task_embedders={"pos": ["bpe_gru", "laser_top"]})["tagging"]["task_embedders"]["pos"] == [
        "bpe_gru",
        "laser_top",
    ]
    with pytest.raises(ConfigError, match=r"tagging\.task_embedders\.pos': \['laser_elmo'\] not among tagging\.embedders"):
        validated(tagging__embedders=["bpe_bow", "muse", "laser_top"], tagging__task_embedders={"pos": ["laser_top", "laser_elmo"]})
    with pytest.raises(ConfigError, match=r"tagging\.confusion\.embedders': \['muse', 'laser_top'\] not all among NER's embedders"):
        validated(tagging__task_embedders={"ner": ["bpe_bow", "laser_top"]})
    assert tagging["scenario_embedders"] == {}  # every embedder in every scenario
    with pytest.raises(ConfigError, match=r"tagging\.scenario_embedders\.joint_a': \['laser_elmo'\] not among tagging\.embedders"):
        validated(tagging__embedders=["bpe_bow", "muse", "laser_top"], tagging__scenario_embedders={"joint_a": ["laser_elmo"]})
    with pytest.raises(ConfigError, match=r"tagging\.confusion\.embedders': \['muse', 'laser_top'\] not all among NER's embedders"):
        validated(tagging__scenario_embedders={"zeroshot": ["bpe_bow", "laser_top"]})  # Fig. 5's muse not run zero-shot
    assert validated(tagging__scenario_embedders={"joint_a": ["laser_top"]})  # Fig. 5 is zero-shot: joint_a may leave muse out
    with pytest.raises(ConfigError, match=r"tagging\.finetuned_models\.xlm': 'xlm2' is not a model of `models`"):
        validated(tagging__finetuned_models={"bert": "mbert", "xlm": "xlm2"})
    assert validated(tagging__muse={**tagging["muse"], "en": "aligned"})  # English is a language of the alignment stage
    with pytest.raises(ConfigError, match=r"tagging\.muse\.nl': 'aligned' reads the alignment stage's space, but 'nl'"):
        validated(tagging__muse={**tagging["muse"], "nl": "aligned"})


def test_a_renamed_key_is_refused_with_its_new_name():
    """CHANGELOG.md's renames: the Hungarian NER files' old ``scheme`` is refused naming ``tag_encoding``
    (the schema alone would only call it unknown)."""
    config = copy.deepcopy(PAPER)
    files = config["tagging"]["data"]["hu"]["ner"]["files"]
    files["scheme"] = files.pop("tag_encoding")
    with pytest.raises(ConfigError) as error:
        validate_workflow_config(config, SCHEMA)
    assert str(error.value) == (
        "config key 'tagging.data.hu.ner.files.scheme' was renamed: write 'tagging.data.hu.ner.files.tag_encoding' (CHANGELOG.md, Renamed)"
    )
    assert validated()["tagging"]["data"]["hu"]["ner"]["files"]["tag_encoding"] == "iob1"


def test_a_dump_source_s_old_index_key_is_refused_with_its_new_name():
    config = copy.deepcopy(PAPER)
    config["wikipedia"]["sources"] = {"sw": {"dump": "https://example.org/sw.xml.bz2", "index": "https://example.org/sw-index.txt.bz2"}}
    with pytest.raises(ConfigError, match=r"'wikipedia.sources.sw.index' was renamed: write 'wikipedia.sources.sw.multistream_index'"):
        validate_workflow_config(config, SCHEMA)
    config["wikipedia"]["sources"]["sw"]["multistream_index"] = config["wikipedia"]["sources"]["sw"].pop("index")
    assert validate_workflow_config(config, SCHEMA)["wikipedia"]["sources"]["sw"]["multistream_index"].endswith("sw-index.txt.bz2")


def test_grouping_s_old_sources_key_is_refused_with_its_new_name():
    config = copy.deepcopy(PAPER)
    config["grouping"]["sources"] = config["grouping"].pop("embeddings")
    with pytest.raises(ConfigError, match=r"config key 'grouping.sources' was renamed: write 'grouping.embeddings'"):
        validate_workflow_config(config, SCHEMA)
