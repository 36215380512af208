"""Tagging throughput per embedder (van der Heijden et al.): sentences per second through training
steps (forward, CRF or cross-entropy loss, backward, optimizer step) and through prediction (Viterbi
or arg max), at the paper's shapes with random weights — LASER's 5-layer BiLSTM of 512 per direction
over 320-d BPE embeddings, the 300-d Transformer + CRF tagger, 300-d static vectors, a BERT-base-shaped
mBERT and an XLM of xlm-mlm-tlm-xnli15-1024's shape (12 layers of 1024, language embeddings). The
sentences are real CoNLL-2002 Dutch NER training sentences; BPE and the Transformers' tokenizers are
learnt from them (vocabulary size does not change the compute that matters). The device is the GPU
where there is one. Writes benchmarks/results/tagging.csv.

    python benchmarks/tagging.py                # paper shapes (CPU: minutes)
    python benchmarks/tagging.py --small        # tiny shapes: a check that it runs (CI)
"""

from __future__ import annotations

import argparse
import platform
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import torch

from xlclust.settings import DatasetSource
from xlclust.tagging.data import prepare_task_language
from xlclust.tagging.embedders import EMBEDDERS
from xlclust.tagging.finetuned import FinetunedTagger
from xlclust.tagging.laser import LaserEncoder, load_laser, save_laser
from xlclust.tagging.laser_pretraining import learn_bpe_files
from xlclust.tagging.run import DEVICE, Resources, batch_of_sentences, build_embedder, featurize, featurize_subwords, read_split, tag_names
from xlclust.tagging.tagger import TransformerCrfTagger
from xlclust.token_classification.data import NerFiles

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
RESULTS = REPO / "benchmarks" / "results"
CLASSES = ["PER", "LOC", "ORG", "MISC"]
PAPER = {
    "laser": {"embed_dim": 320, "hidden_size": 512, "layers": 5, "merges": 20_000},
    "tagger": {"model_dim": 300, "feedforward": 300},
    "static_dim": 300,
    "bert": {"hidden_size": 768, "layers": 12, "heads": 12, "vocab_size": 30_000},
    "xlm": {"hidden_size": 1024, "layers": 12, "heads": 8, "merges": 30_000},
}
SMALL = {
    "laser": {"embed_dim": 16, "hidden_size": 16, "layers": 2, "merges": 500},
    "tagger": {"model_dim": 32, "feedforward": 32},
    "static_dim": 16,
    "bert": {"hidden_size": 16, "layers": 1, "heads": 2, "vocab_size": 1000},
    "xlm": {"hidden_size": 16, "layers": 1, "heads": 2, "merges": 500},
}


def dutch_split(data: Path, sentences: int, directory: Path):
    files = NerFiles("conll", *(str(data / "conll2002" / f"ned.{split}") for split in ("train", "testa", "testb")))
    tables, _, _ = prepare_task_language("ner", DatasetSource(files=files), "nl", ["train"], classes=CLASSES, limits={"train": sentences})
    pq.write_table(tables["train"], directory / "train.parquet")
    return read_split(directory / "train.parquet", "nl", tag_names("ner", CLASSES))


def build_model(embedder: str, split, shapes: dict, directory: Path):
    """The tagger of ``embedder`` with random weights, and the split's inputs filled in for it."""
    texts = [" ".join(tokens).lower() for tokens in split.tokens]
    names = tag_names("ner", CLASSES)
    if embedder in ("bert", "xlm"):
        from transformers import AutoModel, AutoTokenizer

        from xlclust.demo.tiny_model import build_tiny_model, build_tiny_xlm

        shape = shapes[embedder]
        common = {"hidden_size": shape["hidden_size"], "layers": shape["layers"], "heads": shape["heads"], "max_positions": 512, "seed": 0}
        if embedder == "bert":
            build_tiny_model(texts, directory / embedder, vocab_size=shape["vocab_size"], **common)
        else:
            build_tiny_xlm(texts, directory / embedder, languages=["en", "nl"], merges=shape["merges"], **common)
        transformer = AutoModel.from_pretrained(directory / embedder)
        featurize_subwords(
            [split], AutoTokenizer.from_pretrained(directory / embedder), transformer.config, {"max_length": 512, "unlisted_language": None}
        )
        return FinetunedTagger(transformer, len(names))
    laser = directory / "laser"
    if not laser.exists():
        laser.mkdir()
        shape = shapes["laser"]
        dictionary = learn_bpe_files(texts, shape["merges"], laser / "codes", laser / "vocabulary")
        torch.manual_seed(0)
        save_laser(
            LaserEncoder(len(dictionary), 1, shape["embed_dim"], shape["hidden_size"], shape["layers"], True),
            dictionary,
            laser / "laser.pt",
        )
    encoder, dictionary = load_laser(laser / "laser.pt")
    resources = Resources(laser)
    if embedder == "muse":
        words = sorted({token.lower() for tokens in split.tokens for token in tokens})
        resources.vectors = {"nl": (words, np.random.default_rng(0).normal(size=(len(words), shapes["static_dim"])).astype(np.float32))}
    matrix = featurize([split], embedder, resources, dictionary)
    settings = {"bpe_gru_hidden": 150, "lstm_nopre": {"hidden_size": shapes["laser"]["hidden_size"], "layers": 2}}
    return TransformerCrfTagger(build_embedder(embedder, encoder, matrix, settings, 0), len(names), **shapes["tagger"])


def throughput(model, split, batch_size: int, train_steps: int, predict_sentences: int) -> dict:
    model.to(DEVICE)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    items = [(split, i) for i in range(len(split.tags))]
    model.train()
    batches = [batch_of_sentences(items[(s * batch_size) % len(items) :][:batch_size]).to(DEVICE) for s in range(train_steps)]

    def steps():
        for batch in batches:
            optimizer.zero_grad(set_to_none=True)
            model.loss(batch).backward()
            optimizer.step()

    steps()  # untimed: the allocator and kernels meet every batch shape once (else the first model measured pays for it)
    synchronize()
    started = time.perf_counter()
    steps()
    synchronize()
    train = train_steps * batch_size / (time.perf_counter() - started)
    model.eval()
    rows = list(range(min(predict_sentences, len(items))))

    def predictions():
        with torch.no_grad():
            for start in range(0, len(rows), 64):
                model.predict(split.batch(rows[start : start + 64]).to(DEVICE))

    predictions()  # untimed, as above
    synchronize()
    started = time.perf_counter()
    predictions()
    synchronize()
    return {"train_sentences_per_s": round(train, 2), "predict_sentences_per_s": round(len(rows) / (time.perf_counter() - started), 2)}


def synchronize() -> None:
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embedders", nargs="+", default=list(EMBEDDERS) + ["bert", "xlm"])
    parser.add_argument("--sentences", type=int, default=512, help="Dutch training sentences read (predicted, and cycled for training)")
    parser.add_argument("--train-steps", type=int, default=5, help="timed training steps (after the same steps untimed)")
    parser.add_argument("--data", type=Path, default=DATA, help="the folder holding conll2002/")
    parser.add_argument("--small", action="store_true", help="tiny shapes and 64 sentences: a check that it runs")
    parser.add_argument("--output", type=Path, default=RESULTS / "tagging.csv")
    args = parser.parse_args()
    shapes = SMALL if args.small else PAPER
    sentences = 64 if args.small else args.sentences
    torch.manual_seed(0)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        dutch = dutch_split(args.data, sentences, directory)
        for embedder in args.embedders:
            split = replace(dutch)  # a copy for this embedder's inputs
            model = build_model(embedder, split, shapes, directory)
            batch_size = 16 if embedder in ("bert", "xlm") else 32  # the paper's (Transformers) and ours
            measured = throughput(model, split, batch_size, 2 if args.small else args.train_steps, sentences)
            rows.append(
                {
                    "embedder": embedder,
                    "shapes": "small" if args.small else "paper",
                    "batch_size": batch_size,
                    **measured,
                    "parameters_m": round(sum(p.numel() for p in model.parameters()) / 1e6, 2),
                    "trainable_m": round(sum(p.numel() for p in model.parameters() if p.requires_grad) / 1e6, 2),
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                    "device": torch.cuda.get_device_name()
                    if DEVICE.type == "cuda"
                    else f"{platform.processor() or 'cpu'} × {torch.get_num_threads()} threads",
                }
            )
            print(rows[-1], flush=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(args.output, index=False)
    print(f"written {args.output}")


if __name__ == "__main__":
    main()
