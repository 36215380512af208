"""Ward clustering of sentence vectors and a majority vote per language (Shaffer 2021 §3).

Bottom-up agglomerative clustering with Ward linkage (Euclidean) builds one tree over every
sentence; cutting it into k clusters gives the clustering for each k, the same as running the
agglomeration to k clusters k by k. Each language goes to the cluster most of its sentences fall
in. Clusters are numbered by their first sentence (in the sentence table's order), so numbers do
not depend on scipy's internal order.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)


def ward_tree(vectors: np.ndarray) -> np.ndarray:
    """scipy's linkage matrix of Ward's method over the rows of ``vectors``."""
    from scipy.cluster.hierarchy import linkage

    if len(vectors) < 2:
        raise ValueError("Ward clustering needs at least two sentences")
    return linkage(np.asarray(vectors, dtype=np.float64), method="ward", metric="euclidean")


def cut(tree: np.ndarray, k: int) -> np.ndarray:
    """Cluster number (1..k) of every sentence when the tree is cut into ``k`` clusters,
    numbered in the order the clusters' first sentences appear."""
    from scipy.cluster.hierarchy import fcluster

    raw = fcluster(tree, k, criterion="maxclust")
    _, first = np.unique(raw, return_index=True)
    order = np.argsort(first)  # raw labels sorted by first appearance
    renumber = np.empty(raw.max() + 1, dtype=np.int64)
    renumber[np.unique(raw)[order]] = np.arange(1, len(order) + 1)
    return renumber[raw]


def vote_shares(languages: list[str], clusters: np.ndarray) -> pd.DataFrame:
    """Per language, the share of its sentences in each cluster (rows language, cluster,
    sentences, share; the shares of a language sum to 1)."""
    frame = pd.DataFrame({"language": languages, "cluster": clusters})
    counts = frame.groupby(["language", "cluster"]).size().rename("sentences").reset_index()
    counts["share"] = counts["sentences"] / counts.groupby("language")["sentences"].transform("sum")
    return counts


def majority(shares: pd.DataFrame) -> pd.DataFrame:
    """Each language's cluster: the one with most of its sentences (a tie goes to the lower
    number, and is logged). Rows language, cluster, vote_share."""
    rows = []
    for lang, group in shares.groupby("language", sort=True):
        best = group["sentences"].max()
        winners = group.loc[group["sentences"] == best, "cluster"].sort_values()
        if len(winners) > 1:
            log.warning("%s: a tie between clusters %s; taking %d", lang, list(winners), winners.iloc[0])
        chosen = group[group["cluster"] == winners.iloc[0]].iloc[0]
        rows.append({"language": lang, "cluster": int(chosen["cluster"]), "vote_share": float(chosen["share"])})
    return pd.DataFrame(rows)


def cluster_languages(vectors: np.ndarray, languages: list[str], ks: list[int]) -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame]:
    """(linkage tree, every vote share per k, each language's cluster per k)."""
    tree = ward_tree(vectors)
    shares, chosen = [], []
    for k in ks:
        votes = vote_shares(languages, cut(tree, k))
        shares.append(votes.assign(k=k))
        chosen.append(majority(votes).assign(k=k))
        log.info("k=%d: %s", k, ", ".join(f"{r.language}→{r.cluster} ({r.vote_share:.0%})" for r in chosen[-1].itertuples()))
    shares = pd.concat(shares)[["k", "language", "cluster", "sentences", "share"]]
    chosen = pd.concat(chosen)[["k", "language", "cluster", "vote_share"]]
    return tree, shares.reset_index(drop=True), chosen.reset_index(drop=True)


def node_languages(tree: np.ndarray, languages: list[str]) -> tuple[list[str], np.ndarray]:
    """For every node of the tree (leaves first, then merges), how many sentences of each language
    it holds: (language names, (2n-1) × languages count matrix)."""
    names = sorted(set(languages))
    index = {lang: i for i, lang in enumerate(names)}
    n = len(languages)
    counts = np.zeros((2 * n - 1, len(names)), dtype=np.int64)
    counts[np.arange(n), [index[lang] for lang in languages]] = 1
    for step, (left, right) in enumerate(tree[:, :2].astype(np.int64)):
        counts[n + step] = counts[left] + counts[right]
    return names, counts
