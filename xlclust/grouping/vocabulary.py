"""The joint ICEBERT vocabulary as a grouping source: every language's mapped embedding rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xlclust.tokenmap import BERT_SPECIALS


def vocabulary_source(joint: pd.DataFrame, mapped: dict[str, np.ndarray]) -> tuple[pd.DataFrame, np.ndarray]:
    """Token table (token, language, is_special, frequency_rank) and the mapped rows of the
    language tokens, in joint order. Language-agnostic pieces and the BERT specials are specials
    (singletons), as in the ICEBERT map. ``frequency_rank`` orders First-k: the languages take
    turns, most frequent pieces first, so that every language keeps the same share."""
    languages = list(mapped)
    language_rows = joint[~joint["is_special"]]
    missing = set(language_rows["language"]) - set(languages)
    if missing:
        raise ValueError(f"no mapped embeddings for the joint vocabulary's languages {sorted(missing)}")
    runs = int((language_rows["language"] != language_rows["language"].shift()).sum())
    if runs != language_rows["language"].nunique():
        raise ValueError("the joint vocabulary must list each language's tokens together")
    embeddings = np.vstack([mapped[lang][group["rank"].to_numpy()] for lang, group in language_rows.groupby("language", sort=False)])
    language_order = pd.Categorical(language_rows["language"], categories=languages).codes
    order = np.lexsort((language_order, language_rows["rank"].to_numpy()))
    frequency_rank = np.empty(len(order), dtype=np.int64)
    frequency_rank[order] = np.arange(len(order))
    tokens = pd.concat(
        [
            pd.DataFrame(
                {
                    "token": language_rows["token"].to_numpy(),
                    "language": language_rows["language"].to_numpy(),
                    "is_special": False,
                    "frequency_rank": frequency_rank,
                }
            ),
            pd.DataFrame(
                {"token": joint.loc[joint["is_special"], "token"].to_numpy(), "language": "", "is_special": True, "frequency_rank": -1}
            ),
            pd.DataFrame({"token": list(BERT_SPECIALS), "language": "", "is_special": True, "frequency_rank": -1}),
        ],
        ignore_index=True,
    )
    tokens["is_unknown"] = tokens["token"] == "[UNK]"
    return tokens, embeddings.astype(np.float32)
