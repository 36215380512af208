"""The compared systems of Hangya et al. (2022) §4.2 and Tables 2, 3 and 5 as one method on one backbone:
each method sits on mBERT (``lowres.model``) or, named with the prefix ``ebert_``, on the language's
eBERT (§4.1: mBERT with the language's vocabulary extension, trained further on its Wikipedia), so
that eBERT_linear_unsup is ``ebert_mined`` and the eBERT row itself is ``ebert`` (the LM as it is)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EBERT = "ebert"
PREFIX = f"{EBERT}_"
# the methods on a backbone: the LM as it is, its layers (mined, linear_sup, vecmap) or the LM trained further
BASE_METHODS = ("base", "mined", "mined_intersection", "linear_sup", "full_sup", "vecmap_id", "vecmap_sup")
METHODS = (*BASE_METHODS, EBERT, *(PREFIX + method for method in BASE_METHODS if method != "base"))
MINING_MODES = {"mined": "forward_backward", "mined_intersection": "intersection"}  # lowres.mining.mode of each mining method


def split_method(method: str) -> tuple[str, str]:
    """(backbone, base method): ``("model", "mined")`` for mined, ``("ebert", "mined")`` for ebert_mined,
    ``("ebert", "base")`` for ebert."""
    if method == EBERT:
        return EBERT, "base"
    if method.startswith(PREFIX):
        return EBERT, method.removeprefix(PREFIX)
    return "model", method


def base_method(method: str) -> str:
    return split_method(method)[1]


def on_ebert(method: str) -> bool:
    return split_method(method)[0] == EBERT


def ebert_model_dir(lang: str) -> str:
    """The directory rule ebert_model writes the language's eBERT to (its weights and its tokenizer)."""
    return f"results/lowres/models/{EBERT}/{lang}"


def is_planned(method: str, lang: str, lowres: Mapping[str, Any]) -> bool:
    """Whether a method runs for a language: vecmap_sup's only where it has a dictionary
    (lowres.dictionaries), eBERT's only for lowres.ebert.languages (Tables 2-3: scripts other than
    Latin and Cyrillic)."""
    backbone, base = split_method(method)
    if base == "vecmap_sup" and lang not in lowres["dictionaries"]:
        return False
    return backbone != EBERT or lang in lowres[EBERT]["languages"]


def planned_runs(lowres: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(method, language) of every evaluated run, in lowres.methods' order, then lowres.languages'."""
    return [(method, lang) for method in lowres["methods"] for lang in lowres["languages"] if is_planned(method, lang, lowres)]


def method_files(method: str, lang: str) -> dict[str, str]:
    """What a method evaluates with besides its backbone: its weights (the backbone trained further:
    full_sup) or its layers; none for a backbone as it is (base, ebert)."""
    base = base_method(method)
    if base == "base":
        return {}
    if base == "full_sup":
        return {"weights": f"results/lowres/models/{method}/{lang}"}
    return {"layers": f"results/lowres/layers/{method}/{lang}"}
