"""Language clustering and NER throughput through the rules' own code: sentence embedding
(sentences/s), language-identification and NER fine-tuning (sentences/s) and NER tagging
(sentences/s), on the CPU or a GPU.

Real WikiANN sentences (``../shared/data``, or XLCLUST_TEST_DATA): German train/test. Models are
XLM-R-shaped with random weights and a SentencePiece unigram tokenizer learnt on the sentences:
``small`` (2 layers, 128 hidden, 2 heads; a CPU-sized stand-in) and ``base`` (XLM-R base: 12
layers, 768 hidden, 12 heads, 3072 feed-forward, 250,002 embedding rows), so the figures are the
cost of the work, not of a good model. Writes benchmarks/results/langclust.csv (a rerun replaces
the rows of its settings).

    python benchmarks/langclust.py [--shapes small base] [--sentences 400]
    python benchmarks/langclust.py --shapes base --sentences 5000     # on a GPU
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import pandas as pd
import torch

from xlclust.demo.tiny_model import save_random_model, xlmr_tokenizer
from xlclust.langclust.embedding import sentence_vectors
from xlclust.langclust.identification import finetune_langid, sentence_text
from xlclust.models import ModelSource
from xlclust.ner.training import finetune_ner, predict_tags
from xlclust.token_classification.data import read_rahimi
from xlclust.training.finetuning import FinetuneSpec

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
WIKIANN = Path(os.environ.get("XLCLUST_TEST_DATA", REPO.parent / "shared" / "data")) / "wikiann"
SHAPES = {
    "small": {"num_hidden_layers": 2, "hidden_size": 128, "num_attention_heads": 2, "intermediate_size": 512, "vocab_size": None},
    "base": {"num_hidden_layers": 12, "hidden_size": 768, "num_attention_heads": 12, "intermediate_size": 3072, "vocab_size": 250_002},
}


def random_xlmr(shape: str, directory: Path, texts: list[str]) -> Path:
    from transformers import XLMRobertaConfig, XLMRobertaForMaskedLM

    tokenizer = xlmr_tokenizer(texts, 8000, 514, seed=0)
    architecture = dict(SHAPES[shape])
    vocab_size = architecture.pop("vocab_size") or len(tokenizer)
    config = XLMRobertaConfig(
        vocab_size=vocab_size,
        max_position_embeddings=514,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        **architecture,
    )
    save_random_model(XLMRobertaForMaskedLM, config, tokenizer, directory, seed=0)
    return directory


def sentences(split: str, n: int) -> list[dict]:
    return [{"id": str(i), "tokens": s.tokens, "tags": s.tags} for i, s in zip(range(n), read_rahimi(WIKIANN / "de" / split, "de"))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shapes", nargs="+", default=["small", "base"])
    parser.add_argument("--sentences", type=int, default=400)
    parser.add_argument("--precision", default="auto")
    args = parser.parse_args()
    train, test = sentences("train", args.sentences), sentences("test", args.sentences)
    texts = [sentence_text(s["tokens"]) for s in train]
    device = (
        torch.cuda.get_device_name()
        if torch.cuda.is_available()
        else f"CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"
    )
    rows = []
    for shape in args.shapes:
        with tempfile.TemporaryDirectory() as work:
            work = Path(work)
            source = ModelSource(str(random_xlmr(shape, work / "model", texts)))
            spec = FinetuneSpec(
                learning_rate=2e-5, batch_size=20, epochs=1, precision=args.precision, checkpoint_every=10**9, log_every=10**9
            )
            _, embedding = sentence_vectors(source, texts, "cls", 128, batch_size=64)
            _, _, langid = finetune_langid(
                source,
                texts,
                ["de", "en"],
                ["de", "en"] * (len(texts) // 2) + ["de"] * (len(texts) % 2),
                spec,
                128,
                work / "langid-checkpoints",
                work / "langid",
            )
            model, tokenizer, ner = finetune_ner(source, train, ["LOC", "ORG", "PER"], spec, 300, work / "ner-checkpoints")
            started = time.perf_counter()
            predict_tags(model, tokenizer, test, 300, batch_size=64)
            tagging = len(test) / (time.perf_counter() - started)
        rows.append(
            {
                "device": device,
                "shape": shape,
                "precision": ner.summary["precision"],
                "sentences": len(train),
                "embed_sentences_per_second": round(embedding["sentences_per_second"], 1),
                "langid_train_sentences_per_second": round(langid["sentences_per_second"], 1),
                "ner_train_sentences_per_second": round(ner.summary["examples_per_second"], 1),
                "ner_tag_sentences_per_second": round(tagging, 1),
            }
        )
        print(rows[-1], flush=True)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "langclust.csv"
    frame = pd.DataFrame(rows)
    if path.exists():  # a rerun replaces the rows of the same setting and keeps the others
        frame = pd.concat([pd.read_csv(path), frame], ignore_index=True).drop_duplicates(["device", "shape", "precision"], keep="last")
    frame.to_csv(path, index=False)


if __name__ == "__main__":
    main()
