"""The groups a reader inspects ("Tomato, Tomahto, Tomate" §4.4, Figs. 8 and 13): the group of each
keyword (Swadesh-list words such as "they", "mother", "at"), the group that gathers the most numbers
and the one that gathers the most punctuation marks, with their members.

A subword is compared without its tokenizer's word markers (WordPiece's ``##``, SentencePiece's
``▁``, byte-level BPE's ``Ġ``): ``▁they`` is the word "they" of a SentencePiece vocabulary.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

MARKERS = ("##", "▁", "Ġ")
NUMBERS, PUNCTUATION = "NUMBERS", "PUNCTUATION"


def bare(token: str) -> str:
    """A subword without its word-start or continuation marker."""
    for marker in MARKERS:
        if token.startswith(marker):
            return token[len(marker) :]
    return token


def is_number(text: str) -> bool:
    return bool(text) and all(unicodedata.category(char) == "Nd" for char in text)


def is_punctuation(text: str) -> bool:
    return bool(text) and all(unicodedata.category(char).startswith("P") for char in text)


def _members(grouped: pd.DataFrame, cluster_id: int, limit: int) -> tuple[int, str]:
    members = grouped.loc[grouped["cluster_id"] == cluster_id, "token"]
    return len(members), " ".join(members.head(limit))


def _largest_share(grouped: pd.DataFrame, matches: np.ndarray) -> int | None:
    """The group with the most matching members (ties: the lowest ID); None when nothing matches."""
    counts = grouped.loc[matches, "cluster_id"].value_counts()
    if counts.empty:
        return None
    return int(counts[counts == counts.max()].index.min())


def inspected_groups(table: pd.DataFrame, keywords: list[str], limit: int = 40) -> pd.DataFrame:
    """One row per keyword, then NUMBERS and PUNCTUATION: ``label``, ``kind`` (keyword, numbers,
    punctuation), ``token`` (the keyword's subword), ``cluster_id``, ``size`` (members), ``matching``
    (members that are numbers or punctuation) and ``members`` (the first ``limit``, in vocabulary
    order). A keyword that is no subword of the vocabulary gets an empty group, not a guess.
    ``table``: a group map (xlclust.grouping.groups) of a k-means or lexicon grouping."""
    grouped = table[table["kind"] == "grouped"].reset_index(drop=True)
    words = grouped["token"].map(bare)
    starts = ~grouped["token"].str.startswith("##")  # a continuation piece is no word
    rows = []
    for keyword in keywords:
        hits = grouped.index[(words == keyword) & starts]
        if len(hits) == 0:
            rows.append({"label": keyword, "kind": "keyword", "token": "", "cluster_id": -1, "size": 0, "matching": 0, "members": ""})
            continue
        hit = grouped.loc[hits[0]]
        size, members = _members(grouped, int(hit["cluster_id"]), limit)
        rows.append(
            {
                "label": keyword,
                "kind": "keyword",
                "token": hit["token"],
                "cluster_id": int(hit["cluster_id"]),
                "size": size,
                "matching": 1,
                "members": members,
            }
        )
    for label, test in ((NUMBERS, is_number), (PUNCTUATION, is_punctuation)):
        matches = words.map(test).to_numpy(bool)
        cluster_id = _largest_share(grouped, matches)
        if cluster_id is None:
            rows.append({"label": label, "kind": label.lower(), "token": "", "cluster_id": -1, "size": 0, "matching": 0, "members": ""})
            continue
        size, members = _members(grouped, cluster_id, limit)
        matching = int((matches & (grouped["cluster_id"] == cluster_id).to_numpy()).sum())
        rows.append(
            {
                "label": label,
                "kind": label.lower(),
                "token": "",
                "cluster_id": cluster_id,
                "size": size,
                "matching": matching,
                "members": members,
            }
        )
    return pd.DataFrame(rows)


def inspection_figure(groups: pd.DataFrame, title: str, path) -> None:
    """Fig. 8's view as text panels: each inspected group's label, size and members."""
    import textwrap

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from xlclust.atomic import save_figure_atomic

    columns = 4
    rows = -(-max(1, len(groups)) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(3.6 * columns, 2.8 * rows), squeeze=False)
    for axis in axes.flat:
        axis.axis("off")
    for axis, group in zip(axes.flat, groups.itertuples()):
        heading = (
            f"{group.label}: group {group.cluster_id}, {group.size} subwords" if group.size else f"{group.label}: not in the vocabulary"
        )
        axis.set_title(heading, fontsize=8)
        axis.text(0.5, 0.5, textwrap.fill(group.members, 38), ha="center", va="center", fontsize=7, wrap=True)
    figure.suptitle(title)
    figure.tight_layout()
    save_figure_atomic(figure, path)
