"""Span-level NER scores as the CoNLL-2003 script defines them (Tjong Kim Sang & De Meulder
2003: an entity counts when its type and both boundaries match), through seqeval.

``mode="strict"`` reads tags as strict IOB2 (an ``I-X`` that does not continue an X entity starts
none); ``mode="conlleval"`` reads them as the original perl script does (such an ``I-X`` starts an
entity). Gold data is repaired to valid IOB2 on loading, so the modes differ only on predictions.
"""

from __future__ import annotations

import warnings

from xlclust.token_classification import OVERALL

MODES = ("strict", "conlleval")


def span_scores(gold: list[list[str]], predicted: list[list[str]], classes: list[str], mode: str = "strict") -> list[dict]:
    """One row per class of ``classes`` and one for all of them: precision, recall, F1 (in %)
    and support (gold entities); a class without gold or predicted entities scores 0."""
    if mode not in MODES:
        raise ValueError(f"mode {mode!r}: one of {', '.join(MODES)}")
    if len(gold) != len(predicted) or any(len(g) != len(p) for g, p in zip(gold, predicted)):
        raise ValueError("gold and predicted tag sequences differ in number or length")
    from seqeval.metrics import classification_report  # imports scikit-learn (0.7 s): only where scored
    from seqeval.scheme import IOB2

    options = {"mode": "strict", "scheme": IOB2} if mode == "strict" else {}
    with warnings.catch_warnings():  # seqeval averages empty arrays when nothing is found
        warnings.simplefilter("ignore", RuntimeWarning)
        report = classification_report(gold, predicted, output_dict=True, zero_division=0, **options)
    rows = []
    for name, key in [*((c, c) for c in classes), (OVERALL, "micro avg")]:
        found = report.get(key, {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0})
        rows.append(
            {
                "class": name,
                "precision": 100 * float(found["precision"]),
                "recall": 100 * float(found["recall"]),
                "f1": 100 * float(found["f1-score"]),
                "support": int(found["support"]),
            }
        )
    return rows
