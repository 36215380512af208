"""Zero-shot answers of a fine-tuned QA model: every window of every question scored in batches,
the best span over a question's windows cut from its original context."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from xlclust.training.finetuning import batched_outputs
from xlclust.tydiqa.features import Collator, FeatureSpec, windows
from xlclust.tydiqa.spans import predict_answers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PredictionSpec:
    n_best: int = 20  # Devlin et al. (2019) SQuAD decoding, as XTREME uses it
    max_answer_length: int = 30
    batch_size: int = 64


def answer_questions(
    model, tokenizer, questions: list[dict], features_spec: FeatureSpec, spec: PredictionSpec, device: str | None = None
) -> tuple[dict[str, str], dict]:
    """Question ID → predicted answer text, and throughput figures."""
    started = time.perf_counter()
    found = list(windows(questions, tokenizer, features_spec))
    featurized = time.perf_counter()
    starts: list[np.ndarray] = [None] * len(found)
    ends: list[np.ndarray] = [None] * len(found)
    inputs = [w.inputs for w in found]
    for chosen, _, output in batched_outputs(model, inputs, Collator(tokenizer.pad_token_id), spec.batch_size, device, "windows"):
        start_logits, end_logits = output.start_logits.float().cpu().numpy(), output.end_logits.float().cpu().numpy()
        for row, window in enumerate(chosen):
            length = len(inputs[window]["input_ids"])
            starts[window], ends[window] = start_logits[row, :length], end_logits[row, :length]
    scored = time.perf_counter()
    answers = predict_answers(questions, found, starts, ends, spec.n_best, spec.max_answer_length)
    done = time.perf_counter()
    stats = {
        "questions": len(questions),
        "windows": len(found),
        "device": str(next(model.parameters()).device),
        "featurize_seconds": featurized - started,
        "model_seconds": scored - featurized,
        "decode_seconds": done - scored,
        "questions_per_second": len(questions) / (done - started),
    }
    log.info("%d questions, %d windows: %.1f questions/s (%s)", len(questions), len(found), stats["questions_per_second"], stats["device"])
    return answers, stats
