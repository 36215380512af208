"""Zero-shot answers of a fine-tuned QA model: every window of every question scored in batches,
the best span over a question's windows cut from its original context."""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass

import numpy as np

from xlclust.qa.features import Collator, FeatureSpec, windows
from xlclust.qa.spans import predict_answers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PredictionSpec:
    n_best: int = 20  # Devlin et al. (2019) SQuAD decoding, as XTREME uses it
    max_answer_length: int = 30
    batch_size: int = 64


def answer_questions(model, tokenizer, questions: list[dict], features_spec: FeatureSpec, spec: PredictionSpec,
                     device: str | None = None) -> tuple[dict[str, str], dict]:
    """Question ID → predicted answer text, and throughput figures."""
    import torch
    from tqdm.auto import tqdm

    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    model = model.to(device).eval()
    started = time.perf_counter()
    found = list(windows(questions, tokenizer, features_spec))
    featurized = time.perf_counter()
    collate = Collator(tokenizer.pad_token_id)
    # windows of similar length share a batch: less padding
    order = np.argsort([len(w.inputs["input_ids"]) for w in found], kind="stable")
    starts: list[np.ndarray] = [None] * len(order)
    ends: list[np.ndarray] = [None] * len(order)
    bf16 = device.startswith("cuda") and torch.cuda.is_bf16_supported()
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
    with torch.inference_mode(), autocast:
        for begin in tqdm(range(0, len(order), spec.batch_size), desc="windows", unit="batch", mininterval=10):
            chosen = order[begin:begin + spec.batch_size]
            batch = {k: v.to(device) for k, v in collate([found[i].inputs for i in chosen]).items()}
            output = model(**batch)
            start_logits, end_logits = output.start_logits.float().cpu().numpy(), output.end_logits.float().cpu().numpy()
            for row, window in enumerate(chosen):
                length = len(found[window].inputs["input_ids"])
                starts[window], ends[window] = start_logits[row, :length], end_logits[row, :length]
    scored = time.perf_counter()
    answers = predict_answers(questions, found, starts, ends, spec.n_best, spec.max_answer_length)
    done = time.perf_counter()
    stats = {"questions": len(questions), "windows": len(order), "device": device,
             "featurize_seconds": featurized - started, "model_seconds": scored - featurized,
             "decode_seconds": done - scored, "questions_per_second": len(questions) / (done - started)}
    log.info("%d questions, %d windows: %.1f questions/s (%s)", len(questions), len(order), stats["questions_per_second"], device)
    return answers, stats
