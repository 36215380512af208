"""Do translations share a group? The measure of CLSA's effect on grouping ("Tomato, Tomahto, Tomate"
§2.2): of the translation pairs whose words are each one subword of the model, the share whose two
subwords fall into one group; and of the groups mixing writing systems, the share holding such a
pair."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd


def token_script(token: str) -> str:
    """The writing system of a token's first letter (LATIN, CYRILLIC, …); '' for a token without one."""
    for character in token:
        if character.isalpha():
            return unicodedata.name(character, "").split(" ")[0]
    return ""


def translation_sharing(table: pd.DataFrame, pair_ids: np.ndarray) -> dict:
    """``table``: a group map (token, token_id, cluster_id, kind); ``pair_ids``: (N, 2) token IDs."""
    table = table.sort_values("token_id")
    groups = table["cluster_id"].to_numpy()
    together = groups[pair_ids[:, 0]] == groups[pair_ids[:, 1]] if len(pair_ids) else np.zeros(0, bool)
    scripts = pd.Series([token_script(str(token)) for token in table["token"]], index=table.index)
    grouped = table.assign(script=scripts.to_numpy())[lambda t: t["kind"].isin(["grouped", "kept"]) & (t["script"] != "")]
    mixed = grouped.groupby("cluster_id")["script"].nunique().loc[lambda n: n > 1].index.to_numpy()
    with_pair = np.unique(groups[pair_ids[together, 0]]) if len(pair_ids) else np.zeros(0, np.int64)
    return {
        "pairs": len(pair_ids),
        "pairs_sharing_a_group": int(together.sum()),
        "pair_share": float(together.mean()) if len(pair_ids) else float("nan"),
        "mixed_script_groups": len(mixed),
        "mixed_script_groups_with_translation": int(np.isin(mixed, with_pair).sum()),
        "mixed_script_share_with_translation": float(np.isin(mixed, with_pair).mean()) if len(mixed) else float("nan"),
    }
