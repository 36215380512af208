"""Which sentences a tagger trains on in each scenario of van der Heijden et al.: zero-shot (all of
English), monolingual (all of the language), joint A (a quarter of every training language's
sentences) and joint B (all of English and a quarter of every other language's), for the train and
dev sets alike; the quarter is a seeded sample, the same for every embedder."""

from __future__ import annotations

import numpy as np

SCENARIOS = ("zeroshot", "monolingual", "joint_a", "joint_b")


def share_count(sentences: int, share: float) -> int:
    """How many of ``sentences`` a share keeps: rounded half up, at least one of a non-empty set."""
    return min(sentences, max(1 if sentences else 0, int(np.floor(sentences * share + 0.5))))


def scenario_sentences(
    scenario: str, sizes: dict[str, int], english: str, share: float, seed: int, language: str | None = None
) -> dict[str, np.ndarray]:
    """Per training language, the sorted indices of its sentences in ``scenario``; ``sizes`` holds every
    candidate language's sentence count, ``language`` the monolingual scenario's language. Samples
    depend on (seed, language) only, so joint A and B draw the same quarter of a language."""
    if scenario not in SCENARIOS:
        raise ValueError(f"scenario {scenario!r} is not one of {SCENARIOS}")
    if scenario == "zeroshot":
        return {english: np.arange(sizes[english])}
    if scenario == "monolingual":
        return {language: np.arange(sizes[language])}
    chosen = {}
    for lang, count in sizes.items():
        if scenario == "joint_b" and lang == english:
            chosen[lang] = np.arange(count)
            continue
        rng = np.random.default_rng([seed, *lang.encode()])
        chosen[lang] = np.sort(rng.choice(count, size=share_count(count, share), replace=False))
    return chosen
