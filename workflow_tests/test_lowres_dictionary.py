"""vecmap_sup's seed dictionary for a language MUSE has none of (Hangya et al. 2022 Table 3's Eu):
``lowres.dictionaries.<lang>`` of format panlex_swadesh, PanLex's Swadesh lists read as CLSA reads
them (xlclust.alignment.panlex), from NLTK's zip or a directory."""

import hashlib
import zipfile

import pytest

from workflow_tests.paper_config import PAPER, validated
from xlclust.errors import ConfigError, XlclustError
from xlclust.lowres.dictionary import lowres_dictionary
from xlclust.lowres.methods import planned_runs

# three concepts: synonyms tab-separated, an empty line where a variety has no word, multi-word kept out
SWADESH = {"eus-000": "ni\n\nzu\tzuek\nbi hitz\n", "eng-000": "I\nyou\nthou\nwe\n"}


def swadesh_zip(path, varieties=SWADESH):
    with zipfile.ZipFile(path, "w") as archive:
        for variety, text in varieties.items():
            archive.writestr(f"panlex_swadesh/swadesh207/{variety}.txt", text)
    return path


def panlex_spec(file, varieties=None):
    return {"format": "panlex_swadesh", "file": str(file), "varieties": varieties or {"eu": "eus-000", "en": "eng-000"}}


EXPECTED = [("ni", "I"), ("zu", "thou"), ("zuek", "thou")]


def test_a_panlex_dictionary_pairs_one_concepts_words_from_the_zip_and_from_a_directory(tmp_path):
    archive = swadesh_zip(tmp_path / "panlex_swadesh.zip")
    assert lowres_dictionary(panlex_spec(archive), "eu", "en", tmp_path / "cache") == EXPECTED
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:16]
    assert (tmp_path / "cache" / "panlex" / digest / "eus-000.txt").is_file()  # extracted once, beside the download
    # another archive (a re-pinned release) in the same cache is extracted anew, not read from the first's files
    renamed = swadesh_zip(tmp_path / "newer.zip", {**SWADESH, "eus-000": "gu\n\nzu\n\n"})
    assert lowres_dictionary(panlex_spec(renamed), "eu", "en", tmp_path / "cache") == [("gu", "I"), ("zu", "thou")]
    directory = tmp_path / "swadesh"
    directory.mkdir()
    for variety, text in SWADESH.items():
        (directory / f"{variety}.txt").write_text(text, encoding="utf-8")
    assert lowres_dictionary(panlex_spec(directory), "eu", "en", tmp_path / "other") == EXPECTED


def test_a_variety_the_lists_lack_is_refused_naming_its_config_key(tmp_path):
    archive = swadesh_zip(tmp_path / "panlex_swadesh.zip")
    with pytest.raises(ConfigError, match=r"lowres\.dictionaries\.eu\.varieties\.eu: .* has no swadesh207/eus-001\.txt"):
        lowres_dictionary(panlex_spec(archive, {"eu": "eus-001", "en": "eng-000"}), "eu", "en", tmp_path / "cache")
    with pytest.raises(ConfigError, match=r"lowres\.dictionaries\.eu\.varieties': no PanLex variety for 'en'"):
        lowres_dictionary(panlex_spec(archive, {"eu": "eus-000"}), "eu", "en", tmp_path / "cache")
    with pytest.raises(XlclustError, match=r"lowres\.dictionaries\.eu\.file.*not found"):
        lowres_dictionary(panlex_spec(tmp_path / "missing.zip"), "eu", "en", tmp_path / "cache")


def test_a_remote_zip_is_read_only_with_its_pinned_sum_and_the_refusal_names_where_to_pin_it(tmp_path):
    location = "https://example.org/nltk/panlex_swadesh.zip"
    cache = tmp_path / "cache"
    cache.mkdir()
    swadesh_zip(cache / "example.org_nltk_panlex_swadesh.zip")  # as a first download leaves it
    digest = hashlib.sha256((cache / "example.org_nltk_panlex_swadesh.zip").read_bytes()).hexdigest()
    with pytest.raises(XlclustError, match=r"config key 'lowres\.dictionaries\.eu\.sha256\.file'.* has no SHA-256 pinned"):
        lowres_dictionary(panlex_spec(location), "eu", "en", cache)
    with pytest.raises(XlclustError, match=r"does not match its pinned SHA-256 0{64}"):
        lowres_dictionary(panlex_spec(location) | {"sha256": {"file": "0" * 64}}, "eu", "en", cache)
    assert lowres_dictionary(panlex_spec(location) | {"sha256": {"file": digest}}, "eu", "en", cache) == EXPECTED


def test_a_muse_dictionary_is_read_as_before(tmp_path):
    muse = tmp_path / "af-en.txt"
    muse.write_text("hond dog\nkat cat\n", encoding="utf-8")
    assert lowres_dictionary({"file": str(muse)}, "af", "en", tmp_path) == [("hond", "dog"), ("kat", "cat")]
    swapped = {"file": str(muse), "format": "muse", "pivot_first": True}
    assert lowres_dictionary(swapped, "af", "en", tmp_path) == [("dog", "hond"), ("cat", "kat")]


def test_the_paper_config_seeds_basque_with_panlex_from_the_zip_clsa_reads():
    config = validated()
    eu = config["lowres"]["dictionaries"]["eu"]
    assert eu["format"] == "panlex_swadesh" and eu["varieties"] == {"eu": "eus-000", "en": "eng-000"}
    assert eu["file"] == config["grouping"]["clsa"]["panlex"]["location"]
    runs = planned_runs(config["lowres"])
    assert ("vecmap_sup", "eu") in runs and ("ebert_vecmap_sup", "eu") not in runs  # Latin script: no eBERT
    assert sorted(lang for method, lang in runs if method == "vecmap_sup") == ["af", "bn", "eu", "mk"]


def test_the_schema_and_the_checks_refuse_a_panlex_dictionary_without_its_varieties():
    dictionaries = PAPER["lowres"]["dictionaries"]
    with pytest.raises(ConfigError, match=r"lowres\.dictionaries\.eu': 'varieties' is a required property"):
        validated(lowres__dictionaries=dictionaries | {"eu": {"format": "panlex_swadesh", "file": "/data/swadesh"}})
    with pytest.raises(
        ConfigError, match=r"lowres\.dictionaries\.af': .* should not be valid under \{'required': \['varieties'\]\}"
    ):  # varieties belong to the panlex form only
        validated(lowres__dictionaries=dictionaries | {"af": {"file": "/data/af-en.txt", "varieties": {"af": "afr-000"}}})
    with pytest.raises(ConfigError, match=r"lowres\.dictionaries\.eu\.varieties': no PanLex variety for 'en'"):
        validated(lowres__dictionaries=dictionaries | {"eu": panlex_spec("/data/swadesh", {"eu": "eus-000"})})
