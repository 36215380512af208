"""The joint vocabulary: every language's pieces marked with the language (``▁the_en``), except
language-agnostic pieces (digits, punctuation, symbols), kept once and unmarked as specials.

Control symbols (``<unk>``, ``<s>``, ``</s>``) are left out; the BERT specials come later.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from xlclust.vocabulary.space import WORD_START

CONTROL = {"<unk>", "<s>", "</s>", "<pad>"}


def is_language_agnostic(piece: str) -> bool:
    """Digits, punctuation and symbols only (the word-boundary marker aside)."""
    body = piece.replace(WORD_START, "")
    return bool(body) and all(unicodedata.category(c)[0] in "NPS" for c in body)


def marked(piece: str, lang: str) -> str:
    return f"{piece}_{lang}"


def joint_vocabulary(pieces_by_language: dict[str, list[str]]) -> pd.DataFrame:
    """One row per joint token: token, piece, language ('' for specials), rank (the piece's row in
    its language's matrix; for specials, in the first language that has it), is_special, and the
    languages that have the piece. Languages in the given order, pieces in rank order, specials last."""
    rows, specials = [], {}
    for lang, pieces in pieces_by_language.items():
        for rank, piece in enumerate(pieces):
            if piece in CONTROL:
                continue
            if is_language_agnostic(piece):
                special = specials.setdefault(
                    piece, {"token": piece, "piece": piece, "language": "", "rank": rank, "is_special": True, "languages": []}
                )
                special["languages"].append(lang)
            else:
                rows.append(
                    {"token": marked(piece, lang), "piece": piece, "language": lang, "rank": rank, "is_special": False, "languages": [lang]}
                )
    table = pd.DataFrame(rows + list(specials.values()))
    table["languages"] = table["languages"].map(",".join)
    return table
