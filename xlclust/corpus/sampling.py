"""Exponentially smoothed language sampling (ICEBERT §3.4, after Devlin et al. and XLM-R).

p_i = n_i / Σ_j n_j and q_i = p_i^α / Σ_j p_j^α. The largest language keeps its n lines and
every other language is up-sampled to n_max · q_i / q_max lines by duplicating its lines: each
line is copied ⌊f_i⌋ times and a seeded random subset once more, so the counts are exact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def smoothed_shares(sizes: dict[str, int], alpha: float) -> pd.DataFrame:
    """Per language: n_i, p_i, q_i, the target line count and the duplication factor."""
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must lie in (0, 1], got {alpha}")
    empty = [lang for lang, n in sizes.items() if n <= 0]
    if empty:
        raise ValueError(f"no lines to sample for language(s) {', '.join(empty)}")
    frame = pd.DataFrame({"language": list(sizes), "n_i": [int(n) for n in sizes.values()]})
    frame["p_i"] = frame["n_i"] / frame["n_i"].sum()
    smoothed = frame["p_i"] ** alpha
    frame["q_i"] = smoothed / smoothed.sum()
    anchor = frame["n_i"].idxmax()
    scale = frame.loc[anchor, "n_i"] / frame.loc[anchor, "q_i"]
    frame["lines_after"] = np.maximum(np.rint(frame["q_i"] * scale).astype(np.int64), frame["n_i"])
    frame["duplication_factor"] = frame["lines_after"] / frame["n_i"]
    return frame


def copies_per_line(n_lines: int, target: int, rng: np.random.Generator) -> np.ndarray:
    """How often each of ``n_lines`` lines occurs so that the total is exactly ``target``."""
    if target < n_lines:
        raise ValueError(f"target {target} is below the {n_lines} lines available")
    base, extra = divmod(target, n_lines)
    copies = np.full(n_lines, base, dtype=np.int32)
    copies[rng.choice(n_lines, size=extra, replace=False)] += 1
    return copies
