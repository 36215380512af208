"""One vector per sentence (Shaffer 2021 §3): the final [CLS] state of the language-identification
model — the vector its classification head reads (RoBERTa-style heads read it directly; BERT's
passes it through its pooler first) — and, for comparison, the [CLS] and max-pooled final states
of the model before fine-tuning, which the paper found put most languages in one cluster."""

from __future__ import annotations

import logging
import time

import numpy as np

from xlclust.langclust.identification import padding_collator
from xlclust.models import ModelSource
from xlclust.training.finetuning import batched_outputs, feature_rows

log = logging.getLogger(__name__)
REPRESENTATIONS = {
    "finetuned_cls": ("finetuned", "cls"),
    "pretrained_cls": ("pretrained", "cls"),
    "pretrained_max": ("pretrained", "max"),
}


def sentence_vectors(source: ModelSource, texts: list[str], pooling: str, max_length: int, batch_size: int = 64) -> tuple[np.ndarray, dict]:
    """(len(texts) × hidden float32 matrix, throughput); ``pooling`` 'cls' (the first position)
    or 'max' (the element-wise maximum over the sentence's own tokens, specials left out)."""
    from transformers import AutoModel

    if pooling not in ("cls", "max"):
        raise ValueError(f"pooling {pooling!r}: cls or max")
    tokenizer, model = source.load(AutoModel)
    encoded = tokenizer(texts, truncation=True, max_length=max_length, return_special_tokens_mask=True)
    features = feature_rows(encoded, len(texts))
    vectors = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    started = time.perf_counter()
    for chosen, batch, output in batched_outputs(model, features, padding_collator(tokenizer), batch_size, desc="sentences"):
        states = output.last_hidden_state.float()
        if pooling == "cls":
            pooled = states[:, 0]
        else:
            own = batch["attention_mask"].bool().clone()
            for row, index in enumerate(chosen):
                special = batch["attention_mask"].new_tensor(encoded["special_tokens_mask"][index]).bool()
                span = slice(0, len(special)) if tokenizer.padding_side == "right" else slice(own.shape[1] - len(special), None)
                own[row, span] &= ~special
            pooled = states.masked_fill(~own.unsqueeze(-1), float("-inf")).amax(dim=1)
        vectors[chosen] = pooled.cpu().numpy()
    seconds = time.perf_counter() - started
    stats = {
        "sentences": len(texts),
        "seconds": seconds,
        "sentences_per_second": len(texts) / max(seconds, 1e-9),
        "device": str(next(model.parameters()).device),
    }
    log.info(
        "%d sentences embedded (%s pooling): %.1f sentences/s on %s", len(texts), pooling, stats["sentences_per_second"], stats["device"]
    )
    return vectors, stats
