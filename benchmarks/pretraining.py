"""Pretraining throughput: tokens/s and model FLOPs utilisation (MFU) of the training loop for the
configured model sizes at sequence lengths 128 and 512, on the CPU or a GPU.

A synthetic corpus of full-length lines (random IDs, 30,000-ID vocabulary) feeds ``pretrain``,
the rule's own loop (masking, accumulation, AdamW, schedule; checkpointing off). The first
--warmup steps are left out of the rate. MFU = model FLOPs per token (xlclust.pretraining.flops)
× tokens/s ÷ peak: the device's dense bf16 peak on GPUs (vendor data sheet), numpy's measured
float32 matmul rate on CPUs. Writes benchmarks/results/pretraining.csv (a rerun replaces the rows of its settings).

    python benchmarks/pretraining.py [--sizes small base] [--seq-lens 128 512] [--steps 10]
    python benchmarks/pretraining.py --sizes base --seq-lens 512 --batch 32 --precision bf16   # on a GPU
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import torch
import yaml

from xlclust.pretraining.encode import ENCODED, MANIFEST
from xlclust.pretraining.flops import flops_per_token, peak_tflops
from xlclust.pretraining.train import TrainingSpec, build_model, pretrain

RESULTS = Path(__file__).resolve().parent / "results"
CONFIG = Path(__file__).resolve().parents[1] / "config.yaml"
VOCAB = 30_000


def synthetic_tokenizer():
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from transformers import PreTrainedTokenizerFast

    from xlclust.tokenization.build import BERT_SPECIALS

    vocab = {token: i for i, token in enumerate([*BERT_SPECIALS.values(), *(f"t{i}" for i in range(VOCAB - 5))])}
    return PreTrainedTokenizerFast(tokenizer_object=Tokenizer(WordLevel(vocab, unk_token="[UNK]")), **BERT_SPECIALS)


def synthetic_corpus(directory: Path, lines: int, length: int) -> Path:
    import json

    rng = np.random.default_rng(0)
    ids = rng.integers(5, VOCAB, size=(lines, length), dtype=np.int32)
    offsets = pa.array(np.arange(0, lines * length + 1, length, dtype=np.int32))
    table = pa.Table.from_arrays(
        [pa.array(np.arange(lines)), pa.array(["xx"] * lines), pa.ListArray.from_arrays(offsets, pa.array(ids.ravel()))], schema=ENCODED
    )
    directory.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, directory / "shard-00000.parquet")
    (directory / MANIFEST).write_text(json.dumps({"shards": [{"file": "shard-00000.parquet"}]}))
    return directory


def cpu_peak_tflops() -> float:
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    a @ b
    started = time.perf_counter()
    for _ in range(10):
        a @ b
    return 2 * 2048**3 * 10 / (time.perf_counter() - started) / 1e12


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="+", default=["small", "base"])
    parser.add_argument("--seq-lens", nargs="+", type=int, default=[128, 512])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int, default=None, help="sequences per step (default: 32 small, 8 base on CPU)")
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--compile", action="store_true", help="torch.compile the model")
    parser.add_argument("--output", default=str(RESULTS / "pretraining.csv"))
    args = parser.parse_args()
    models = yaml.safe_load(CONFIG.read_text())["pretraining"]["models"]
    tokenizer = synthetic_tokenizer()
    cuda = torch.cuda.is_available()
    device = (
        torch.cuda.get_device_name() if cuda else f"CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"
    )
    peak = peak_tflops(device) if cuda else cpu_peak_tflops()
    rows = []
    for size in args.sizes:
        for seq_len in args.seq_lens:
            batch = args.batch or (32 if size == "small" or cuda else 8)
            with tempfile.TemporaryDirectory() as work:
                corpus = synthetic_corpus(Path(work) / "corpus", batch * (args.steps + args.warmup), seq_len - 2)
                spec = TrainingSpec(
                    learning_rate=1e-4,
                    batch_size=batch,
                    max_steps=args.steps + args.warmup,
                    max_length=seq_len,
                    warmup_steps=1,
                    precision=args.precision,
                    checkpoint_every=10**9,
                    log_every=1,
                    seed=0,
                    compile=args.compile,
                )
                _, log, summary, _ = pretrain(
                    shards=[corpus / "shard-00000.parquet"],
                    tokenizer=tokenizer,
                    model_config=models[size]["architecture"],
                    spec=spec,
                    checkpoint_dir=Path(work) / "checkpoints",
                )
            timed = pd.DataFrame(log).iloc[args.warmup :]
            tokens_per_second = timed["tokens"].sum() / timed["seconds"].sum()
            config = build_model(models[size]["architecture"], tokenizer, seq_len, 0).config
            tflops = flops_per_token(config, seq_len) * tokens_per_second / 1e12
            rows.append(
                {
                    "device": device,
                    "size": size,
                    "seq_len": seq_len,
                    "batch": batch,
                    "precision": summary["precision"],
                    "compiled": args.compile,
                    "parameters": summary["parameters"],
                    "tokens_per_second": round(tokens_per_second, 1),
                    "model_tflops": round(tflops, 4),
                    "peak_tflops": round(peak, 3) if peak else None,
                    "mfu": round(tflops / peak, 4) if peak else None,
                }
            )
            print(rows[-1], flush=True)
    path = Path(args.output)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows)
    if path.exists():  # a rerun replaces the rows of the same setting and keeps the others
        keys = ["device", "size", "seq_len", "batch", "precision", "compiled"]
        frame = pd.concat([pd.read_csv(path), frame], ignore_index=True).drop_duplicates(keys, keep="last")
    frame.to_csv(path, index=False)


if __name__ == "__main__":
    main()
