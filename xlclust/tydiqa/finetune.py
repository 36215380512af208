"""Extractive QA fine-tuning (ICEBERT §3.4): a pretrained encoder with a span head
(``AutoModelForQuestionAnswering``) trained on the English questions only, through the shared
:mod:`xlclust.training.finetuning` loop (checkpoints keyed by the run's settings, resume, stop on a signal);
the finished model is written atomically.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import asdict

from xlclust.models import ModelSource
from xlclust.training.checkpoint import lines_digest
from xlclust.training.finetuning import LOG_FIELDS, FinetuneSpec, position_limit, train
from xlclust.training.saving import save_pretrained_model
from xlclust.tydiqa.features import Collator, FeatureSpec, training_features

log = logging.getLogger(__name__)


def finetune(
    source: ModelSource,
    questions: list[dict],
    spec: FinetuneSpec,
    features_spec: FeatureSpec,
    checkpoint_root: str | os.PathLike,
    output_dir: str | os.PathLike,
    callbacks: list | None = None,
) -> dict:
    """Fine-tune on ``questions``; write the model, its tokenizer, the training log and a summary
    to ``output_dir``. Returns the summary. SIGTERM/SIGUSR1 (a preempted cluster job) save a
    checkpoint after the current step and raise :class:`Preempted`; a rerun resumes from it."""
    from transformers import AutoModelForQuestionAnswering, set_seed

    set_seed(spec.seed)  # the span head's initialization too
    tokenizer, model = source.load(AutoModelForQuestionAnswering)
    features_spec.check(position_limit(model, tokenizer))
    started = time.perf_counter()
    features, unreachable = training_features(questions, tokenizer, features_spec)
    featurize_seconds = time.perf_counter() - started
    log.info(
        "%d questions → %d windows in %.1f s; %d questions have no window holding their answer",
        len(questions),
        len(features),
        featurize_seconds,
        unreachable,
    )
    if not features:
        raise ValueError("no training windows: every question was skipped")
    question_ids = lines_digest(q["id"] for q in questions)
    run_identity = {
        "features": asdict(features_spec),
        "model": source.identity(),
        "questions": len(questions),
        "question_ids_sha256": question_ids,
    }
    run = train(model, features, Collator(tokenizer.pad_token_id), spec, run_identity, checkpoint_root, "tydiqa.training", callbacks)
    summary = {
        "questions": len(questions),
        "windows": len(features),
        "unreachable_answers": unreachable,
        "featurize_seconds": featurize_seconds,
        **run.summary,
    }
    summary["windows_per_second"] = summary.pop("examples_per_second")
    if run.trainer.is_world_process_zero():
        save_pretrained_model(run.trainer.model, tokenizer, run.rows, summary, output_dir, list(LOG_FIELDS), "span loss")
    return summary
