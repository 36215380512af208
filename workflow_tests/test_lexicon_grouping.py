"""Grouping by bilingual lexicons ("Tomato, Tomahto, Tomate" App. F, an option): translations always
share a group, the groups number r_G · |V|, and a pipeline names it like the other groupings."""

import numpy as np
import pandas as pd
import pytest

from xlclust.grouping.groups import group_table
from xlclust.grouping.lexicon import lexicon_components, lexicon_labels
from xlclust.pipelines import parse_pipeline


def token_table(size: int, specials=(0,)) -> pd.DataFrame:
    special = np.isin(np.arange(size), specials)
    return pd.DataFrame(
        {"token": [f"t{i}" for i in range(size)], "language": "", "is_special": special, "is_unknown": False, "token_id": np.arange(size)}
    )


def test_components_follow_the_pairs_and_skip_specials():
    tokens = token_table(8)
    pairs = np.array([[1, 2], [2, 3], [5, 6], [0, 7]])  # 0 is special: that pair links nothing
    components = lexicon_components(tokens, pairs)  # rows of tokens 1..7
    assert len(components) == 7
    assert components[0] == components[1] == components[2] and components[4] == components[5]
    assert len(set(components)) == 4  # {1,2,3}, {4}, {5,6}, {7}


def test_translations_share_a_group_at_every_ratio():
    rng = np.random.default_rng(0)
    size = 400
    tokens = token_table(size)
    pairs = rng.choice(np.arange(1, size), size=(60, 2), replace=True)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    embeddings = rng.standard_normal((size - 1, 16)).astype(np.float32)
    components = lexicon_components(tokens, pairs)
    for ratio in (0.05, 0.2, 1.0):
        labels, summary = lexicon_labels(embeddings, components, ratio, seed=1, init="k-means++", max_iterations=10)
        assert all(labels[a - 1] == labels[b - 1] for a, b in pairs)  # row = token ID − 1 (token 0 is special)
        expected = min(summary["asked_groups"], summary["components"])
        assert summary["groups"] == expected == len(np.unique(labels))
        table = group_table(tokens, labels, method="lexicon")
        assert set(table["kind"]) == {"special", "grouped"}
    again, _ = lexicon_labels(embeddings, components, 0.2, seed=1, init="k-means++", max_iterations=10)
    assert np.array_equal(again, lexicon_labels(embeddings, components, 0.2, seed=1, init="k-means++", max_iterations=10)[0])


def test_a_pipeline_names_a_lexicon_grouping():
    pipeline = parse_pipeline("mbert/clsa-all/lexicon10/cpt")
    assert pipeline.describe() | {} == {
        "backbone": "mbert",
        "clsa": "all",
        "method": "lexicon",
        "ratio": 10,
        "dim": None,
        "continual": True,
    }
    with pytest.raises(Exception, match="lexiconR"):
        parse_pipeline("mbert/lexicon")
