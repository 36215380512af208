"""The DPR bi-encoder (Karpukhin et al. 2020) as MIRACL's mDPR trains it: one shared encoder for
queries and passages (``title`` and ``text`` as a sentence pair), the [CLS] vector (``pooling:
cls``; ``mean`` as an option), the dot product as score, and a cross-entropy over every passage of
the batch — each query's positive against the other queries' passages (in-batch negatives) and the
dataset's judged non-relevant passages (hard negatives).

Which positive and which hard negatives a query trains with is fixed per query from the seed (ours:
a resumed run sees the same batches as an uninterrupted one): its first judged positive and a seeded
draw of ``hard_negatives`` of its judged negatives.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import numpy as np

from xlclust.atomic import atomic_directory
from xlclust.errors import ConfigError, XlclustError
from xlclust.models import ModelSource
from xlclust.training.checkpoint import fingerprint, lines_digest
from xlclust.training.finetuning import FinetuneSpec, batched_outputs, feature_rows, position_limit, train

log = logging.getLogger(__name__)
POOLINGS = ("cls", "mean")
SUMMARY = "training.json"  # the training summary, saved with the finished encoder


def pool(hidden, attention_mask, pooling: str):
    """One vector per sequence: [CLS] (the first position) or the mean over its real tokens."""
    if pooling == "cls":
        return hidden[:, 0]
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)


def _bi_encoder_class():
    import torch

    class BiEncoder(torch.nn.Module):
        """The shared encoder and the contrastive loss (a Trainer trains it like any model)."""

        def __init__(self, encoder, pooling: str):
            super().__init__()
            self.encoder, self.pooling = encoder, pooling

        def embed(self, **inputs):
            output = self.encoder(**inputs)
            return pool(output.last_hidden_state, inputs["attention_mask"], self.pooling)

        def forward(self, query, passages, positive):
            scores = self.embed(**query) @ self.embed(**passages).T
            loss = torch.nn.functional.cross_entropy(scores.float(), positive)
            return {"loss": loss, "scores": scores}

    return BiEncoder


def encode_queries(tokenizer, queries: list[str], max_length: int) -> list[dict]:
    return feature_rows(tokenizer(queries, truncation=True, max_length=max_length), len(queries))


def encode_passages(tokenizer, titles: list[str], texts: list[str], max_length: int) -> list[dict]:
    return feature_rows(tokenizer(titles, texts, truncation="only_second", max_length=max_length), len(texts))


def training_features(examples: list[dict], tokenizer, settings: dict, seed: int) -> list[dict]:
    """One feature a query: its encoded query, its positive and its hard negatives."""
    features = []
    for example in examples:
        negatives = list(example["negatives"])
        random.Random(f"{seed}/{example['qid']}").shuffle(negatives)
        chosen = [example["positives"][0], *negatives[: settings["hard_negatives"]]]
        features.append(
            {
                "query": encode_queries(tokenizer, [example["query"]], settings["query_length"])[0],
                "passages": encode_passages(
                    tokenizer, [p["title"] for p in chosen], [p["text"] for p in chosen], settings["passage_length"]
                ),
            }
        )
    return features


def collator(tokenizer):
    """A batch of queries, all their passages in one padded block, and each query's positive row."""
    import torch

    def collate(features: list[dict]) -> dict:
        passages, positive = [], []
        for feature in features:
            positive.append(len(passages))
            passages.extend(feature["passages"])
        return {
            "query": dict(tokenizer.pad([f["query"] for f in features], return_tensors="pt")),
            "passages": dict(tokenizer.pad(passages, return_tensors="pt")),
            "positive": torch.tensor(positive),
        }

    return collate


def _check_settings(model, tokenizer, settings: dict, config_key: str) -> None:
    if settings["pooling"] not in POOLINGS:
        raise ConfigError(f"{config_key}.pooling: {settings['pooling']!r} is not one of {POOLINGS}")
    limit = position_limit(model, tokenizer)
    for key in ("query_length", "passage_length"):
        if settings[key] > limit:
            raise ConfigError(f"{config_key}.{key}: {settings[key]} subwords, the model takes at most {limit}")


def finetune_dpr(source: ModelSource, examples: list[dict], spec: FinetuneSpec, settings: dict, checkpoint_root, config_key: str):
    """Train the bi-encoder on ``examples`` (qid, query, positives, negatives: lists of {title, text});
    returns (encoder, tokenizer, summary). A finished encoder is kept under ``checkpoint_root`` so that
    a rerun killed while encoding the corpus does not train again."""
    from transformers import AutoModel, set_seed

    identity = {"task": "dpr", "model": source.identity(), "settings": settings, "ids_sha256": lines_digest(e["qid"] for e in examples)}
    final = Path(checkpoint_root) / f"encoder-{fingerprint(identity | {'spec': repr(spec)})}"
    if (final / "config.json").is_file():
        log.info("the trained encoder is there already: %s", final)
        tokenizer, encoder = ModelSource(str(final)).load(AutoModel)
        return encoder, tokenizer, _saved_summary(final)
    set_seed(spec.seed)
    tokenizer, encoder = source.load(AutoModel, add_pooling_layer=False) if _takes_pooling_flag(source) else source.load(AutoModel)
    _check_settings(encoder, tokenizer, settings, config_key)
    model = _bi_encoder_class()(encoder, settings["pooling"])
    features = training_features(examples, tokenizer, settings, spec.seed)
    run = train(model, features, collator(tokenizer), spec, identity, checkpoint_root, f"{config_key}.training")
    with atomic_directory(final) as directory:
        encoder.save_pretrained(directory)
        tokenizer.save_pretrained(directory)
        (directory / SUMMARY).write_text(json.dumps(run.summary, indent=1, default=str) + "\n", encoding="utf-8")
    run.remove_checkpoints()
    encoder.name_or_path = str(final)  # what the corpus encodings are kept under
    return encoder, tokenizer, run.summary


def _saved_summary(final: Path) -> dict:
    """The training summary kept beside a finished encoder: a rerun that reuses the encoder reports
    what the run that trained it reported."""
    path = final / SUMMARY
    if not path.is_file():
        raise XlclustError(f"{final}: a trained encoder without its {SUMMARY} (saved by an older xlclust); delete {final} to train again")
    return json.loads(path.read_text(encoding="utf-8"))


def _takes_pooling_flag(source: ModelSource) -> bool:
    """BERT-like encoders take ``add_pooling_layer`` (the unused pooler would get no gradient)."""
    return source.load_config().model_type in ("bert", "xlm-roberta", "roberta")  # reduced models keep their family's type


def embed(encoder, tokenizer, features: list[dict], pooling: str, batch_size: int, desc: str) -> np.ndarray:
    """Vectors of encoded queries or passages, in input order (float32)."""
    from transformers import DataCollatorWithPadding

    hidden = encoder.config.hidden_size
    vectors = np.zeros((len(features), hidden), dtype=np.float32)
    collate = DataCollatorWithPadding(tokenizer)
    for chosen, batch, output in batched_outputs(encoder, features, collate, batch_size, desc=desc):
        vectors[chosen] = pool(output.last_hidden_state, batch["attention_mask"], pooling).float().cpu().numpy()
    return vectors
