"""Exact match and F1 exactly as the official SQuAD v1.1 evaluation script defines them (the
script XTREME scores TyDi QA GoldP with): answers normalized by lower-casing and removing ASCII
punctuation, the English articles a/an/the and extra whitespace; F1 over whitespace tokens;
each question's best score over its gold answers; the mean over all questions, in percent.

Kept as v1.1 has it, quirks included: only ASCII punctuation is removed (so '،' or '。' count as
words), and a prediction and gold answer that both normalize to nothing get EM 1 but F1 0.
"""

from __future__ import annotations

import re
import string
from collections import Counter

_PUNCTUATION = set(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_answer(text: str) -> str:
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def f1_score(prediction: str, gold: str) -> float:
    predicted, expected = normalize_answer(prediction).split(), normalize_answer(gold).split()
    common = Counter(predicted) & Counter(expected)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(predicted), same / len(expected)
    return 2 * precision * recall / (precision + recall)


def exact_match_score(prediction: str, gold: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(gold))


def squad_scores(predictions: dict[str, str], gold: dict[str, list[str]]) -> dict[str, float]:
    """EM and F1 (percent) over every question of ``gold`` (ID → gold answer texts); a question
    without a prediction scores 0, as in the official script. ``missing`` counts those."""
    if not gold:
        raise ValueError("no gold questions to score")
    exact = f1 = 0.0
    missing = 0
    for question_id, answers in gold.items():
        if question_id not in predictions:
            missing += 1
            continue
        prediction = predictions[question_id]
        exact += max(exact_match_score(prediction, answer) for answer in answers)
        f1 += max(f1_score(prediction, answer) for answer in answers)
    return {"n": len(gold), "EM": 100.0 * exact / len(gold), "F1": 100.0 * f1 / len(gold), "missing": missing}
