"""The answer of a question from its windows' start and end scores (BERT's SQuAD decoding):
the best-scoring valid span over all windows, cut from the original context."""

from __future__ import annotations

import numpy as np

from xlclust.tydiqa.features import NO_OFFSET, Window, extend_over_marks


def best_span(
    start_logits: np.ndarray, end_logits: np.ndarray, offsets: np.ndarray, n_best: int, max_answer_length: int
) -> tuple[float, int, int] | None:
    """(score, first, last token) of the best span inside the context of one window: among the
    ``n_best`` best starts and ends, end ≥ start and at most ``max_answer_length`` tokens long."""
    in_context = offsets[:, 0] != NO_OFFSET
    if not in_context.any():
        return None
    starts = np.where(in_context, start_logits, -np.inf)
    ends = np.where(in_context, end_logits, -np.inf)
    top_starts = np.argsort(-starts, kind="stable")[:n_best]
    top_ends = np.argsort(-ends, kind="stable")[:n_best]
    length = top_ends[None, :] - top_starts[:, None]
    scores = starts[top_starts][:, None] + ends[top_ends][None, :]
    scores = np.where((length >= 0) & (length < max_answer_length), scores, -np.inf)
    best = np.unravel_index(np.argmax(scores), scores.shape)
    if not np.isfinite(scores[best]):
        return None
    return float(scores[best]), int(top_starts[best[0]]), int(top_ends[best[1]])


def answer_text(context: str, offsets: np.ndarray, first: int, last: int) -> str:
    """The original context's characters from the first token's start to the last token's end
    (and the marks right after it), without surrounding whitespace: SentencePiece pieces own the
    space before their word ('▁word'), and their offsets cover it."""
    return context[int(offsets[first, 0]) : extend_over_marks(context, int(offsets[last, 1]))].strip()


def predict_answers(
    examples: list[dict],
    windows: list[Window],
    start_logits: list[np.ndarray],
    end_logits: list[np.ndarray],
    n_best: int = 20,
    max_answer_length: int = 30,
) -> dict[str, str]:
    """Question ID → answer text; a question none of whose windows gives a valid span gets ''."""
    best: dict[int, tuple[float, int, int, Window]] = {}
    for window, starts, ends in zip(windows, start_logits, end_logits, strict=True):
        found = best_span(starts, ends, window.offsets, n_best, max_answer_length)
        if found is not None and (window.example not in best or found[0] > best[window.example][0]):
            best[window.example] = (*found, window)
    answers = {}
    for index, example in enumerate(examples):
        if index in best:
            _, first, last, window = best[index]
            answers[example["id"]] = answer_text(example["context"], window.offsets, first, last)
        else:
            answers[example["id"]] = ""
    return answers
