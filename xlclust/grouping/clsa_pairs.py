"""The translation pairs of a CLSA pair set (config ``grouping.clsa``), gathered from each lexicon's
files: MUSE's dictionaries with the pivot (and, for ``muse_reverse``, their other direction, a
source no default uses), and every two languages' words of one concept in the multi-parallel PanLex
Swadesh lists and Concepticon concept lists. The ``roundtrip`` source (App. B) depends on the model:
its pairs are the model's mutual nearest neighbours among MUSE's words
(:mod:`xlclust.grouping.roundtrip`, rule roundtrip_pairs), not part of the pair set's file here. Remote files are downloaded once and checked against their pinned SHA-256."""

from __future__ import annotations

import csv
import itertools
import logging

import numpy as np
import pandas as pd

from xlclust.alignment.panlex import Fetch, swadesh_files
from xlclust.atomic import atomic_path
from xlclust.errors import ConfigError, XlclustError
from xlclust.grouping.pair_sources import concepticon_pairs, muse_pairs, panlex_pairs

log = logging.getLogger(__name__)

SOURCES = ("muse", "muse_reverse", "roundtrip", "panlex", "concepticon")


def gather_pairs(sources: list[str], spec: dict, fetch: Fetch) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """The pairs of ``sources`` under ``spec`` (config ``grouping.clsa``), without repeats, and how
    many each source gave."""
    pivot, pairs, counts = spec["pivot"], [], {}
    for source in sources:
        found = []
        if source in ("muse", "muse_reverse"):
            for lang in spec["muse"]["languages"]:
                first, second = (pivot, lang) if source == "muse" else (lang, pivot)
                location = spec["muse"]["location"].format(source=first, target=second)
                found += muse_pairs(str(fetch(location, "grouping.clsa.muse.location")), "grouping.clsa.muse.location")
        elif source == "panlex":
            if not spec["panlex"]["location"]:
                raise ConfigError("grouping.clsa.panlex.location: a pair set uses PanLex, but no location is given")
            files = swadesh_files(spec["panlex"]["location"], spec["panlex"]["varieties"], fetch, spec["cache_dir"], "grouping.clsa.panlex")
            for first, second in itertools.combinations(sorted(files), 2):
                found += panlex_pairs(files[first], files[second], "grouping.clsa.panlex")
        elif source == "concepticon":
            for position, concept_list in enumerate(spec["concepticon"]["lists"]):
                key = f"grouping.clsa.concepticon.lists[{position}].location"
                path = fetch(concept_list["location"], key)
                for first, second in itertools.combinations(sorted(concept_list["columns"]), 2):
                    found += concepticon_pairs(path, concept_list["columns"][first], concept_list["columns"][second], key)
        elif source == "roundtrip":
            pass  # the model's own mutual nearest neighbours: rule roundtrip_pairs (xlclust.grouping.roundtrip)
        else:
            raise ConfigError(f"grouping.clsa.pair_sets: unknown source {source!r}; known: {', '.join(SOURCES)}")
        counts[source] = len(found)
        log.info("%s: %d pairs", source, len(found))
        pairs += found
    return list(dict.fromkeys(pairs)), counts


def write_pairs(pairs: list[tuple[str, str]], path) -> None:
    """Translation pairs as a two-column TSV (``source``, ``target``), atomically."""
    with atomic_path(path, suffix=".tsv") as tmp:
        pd.DataFrame(pairs, columns=["source", "target"]).to_csv(tmp, sep="\t", index=False, quoting=csv.QUOTE_NONE)


def read_pairs(path) -> list[tuple[str, str]]:
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=csv.QUOTE_NONE)
    if list(table.columns) != ["source", "target"]:
        raise XlclustError(f"{path}: expected the columns source and target, found {list(table.columns)}")
    return list(zip(table["source"], table["target"]))


def single_subword_ids(words: list[str], tokenizer) -> dict[str, int]:
    """The words that are one subword of ``tokenizer`` (as a word of running text: a word-initial
    piece), not the unknown token, and their IDs; each word tokenized once."""
    words = list(dict.fromkeys(words))
    encoded = tokenizer(words, add_special_tokens=False)["input_ids"] if words else []
    return {word: ids[0] for word, ids in zip(words, encoded) if len(ids) == 1 and ids[0] != tokenizer.unk_token_id}


def single_subword_pairs(pairs: list[tuple[str, str]], tokenizer) -> tuple[np.ndarray, dict]:
    """The (source ID, target ID) pairs whose words are each one subword of ``tokenizer`` (as a word
    of running text: a word-initial piece), neither unknown, the two different; and counts of what was
    kept. Each distinct word is tokenized once."""
    words = sorted({word for pair in pairs for word in pair})
    single = single_subword_ids(words, tokenizer)
    kept = sorted({(single[a], single[b]) for a, b in pairs if a in single and b in single and single[a] != single[b]})
    counts = {"pairs": len(pairs), "words": len(words), "single_subword_words": len(single), "kept_pairs": len(kept)}
    return np.asarray(kept, dtype=np.int64).reshape(-1, 2), counts
