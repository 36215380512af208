"""Semantic-grouping pipelines ("Tomato, Tomahto, Tomate"): CLSA's training rate (pairs/s) and
continual pretraining's model size, peak memory and speed (tokens/s, steps/s) per grouping ratio r_G
and embedding dimension d — the paper's Table 3 — through the rules' own code: ``align_rows`` on an
mBERT-sized embedding matrix, and ``pretrain`` from a model directory grouped to r_G·|V| rows and
reduced to d dimensions by ``reduce_model``. Each continual-pretraining setting runs in its own
process, so that its peak memory (RSS on the CPU, allocated memory on a GPU) is its own. The weights
and the corpus (full-length lines of random IDs) are random: only shapes matter here. Writes
benchmarks/results/grouping.csv.

    python benchmarks/grouping.py                    # CPU: mBERT's vocabulary, 2 layers of 256
    python benchmarks/grouping.py --shape base       # BERT-base layers (a GPU)
    python benchmarks/grouping.py --small            # tiny shapes: a check that it runs (CI)
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import measure  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
MBERT_VOCAB = 119_547
SHAPES = {
    "small": {"num_hidden_layers": 2, "hidden_size": 256, "intermediate_size": 1024, "num_attention_heads": 4},
    "base": {"num_hidden_layers": 12, "hidden_size": 768, "intermediate_size": 3072, "num_attention_heads": 12},
    "tiny": {"num_hidden_layers": 1, "hidden_size": 32, "intermediate_size": 64, "num_attention_heads": 2},
}


def device_name() -> str:
    if torch.cuda.is_available():
        return torch.cuda.get_device_name()
    return f"CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"


def clsa_rate(vocab: int, hidden: int, pairs: int, epochs: int) -> dict:
    from xlclust.grouping.clsa import ClsaSettings, align_rows

    generator = torch.Generator().manual_seed(0)
    weight = torch.randn(vocab, hidden, generator=generator)
    ids = np.random.default_rng(0).choice(vocab, size=(pairs, 2), replace=True)
    ids = ids[ids[:, 0] != ids[:, 1]]
    started = time.perf_counter()
    _, log = align_rows(weight, ids, ClsaSettings(epochs=epochs, patience=epochs + 1))
    seconds = time.perf_counter() - started
    trained = len(ids) * (len(log) - 1)
    return {"step": "clsa", "vocab": vocab, "hidden": hidden, "pairs": len(ids), "pairs_per_s": round(trained / seconds, 1)}


def synthetic_tokenizer(size: int):
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from transformers import PreTrainedTokenizerFast

    from xlclust.tokenization.build import BERT_SPECIALS

    vocab = {token: i for i, token in enumerate([*BERT_SPECIALS.values(), *(f"t{i}" for i in range(size - 5))])}
    return PreTrainedTokenizerFast(tokenizer_object=Tokenizer(WordLevel(vocab, unk_token="[UNK]")), **BERT_SPECIALS)


def continual_run(setting: dict) -> dict:
    """One continual-pretraining setting, in this process: a BERT masked LM of r_G·|V| rows reduced to
    d dimensions, saved, then trained by ``pretrain`` from that directory."""
    from transformers import BertConfig, BertForMaskedLM

    from xlclust.grouping.reduction import reduce_model
    from xlclust.pretraining.train import TrainingSpec, pretrain

    rows = max(100, round(setting["vocab"] * setting["ratio"] / 100))
    tokenizer = synthetic_tokenizer(rows)
    architecture = SHAPES[setting["shape"]]
    torch.manual_seed(0)
    model = BertForMaskedLM(BertConfig(vocab_size=rows, max_position_embeddings=setting["seq_len"], **architecture))
    reduced = setting["dim"] < architecture["hidden_size"]
    if reduced:
        reduce_model(model, setting["dim"])
    parameters = sum(p.numel() for p in model.parameters())
    steps = setting["steps"] + setting["warmup"]
    with tempfile.TemporaryDirectory() as work:
        model.save_pretrained(Path(work) / "model")
        if reduced:  # the model code a reduced model's directory carries
            from xlclust.grouping import reduced as reduced_code

            shutil.copyfile(reduced_code.__file__, Path(work) / "model" / "reduced.py")
        ids = np.random.default_rng(0).integers(5, rows, size=(setting["batch"] * steps, setting["seq_len"] - 2))
        shard = synthetic_corpus(Path(work) / "corpus", ids)
        spec = TrainingSpec(
            learning_rate=1e-4,
            batch_size=setting["batch"],
            max_steps=steps,
            max_length=setting["seq_len"],
            warmup_steps=1,
            precision=setting["precision"],
            checkpoint_every=10**9,
            log_every=1,
            seed=0,
        )
        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()
        _, log, summary, _ = pretrain(
            shards=[shard],
            tokenizer=tokenizer,
            model_config={},
            spec=spec,
            checkpoint_dir=Path(work) / "checkpoints",
            initial_model=Path(work) / "model",
        )
    timed = pd.DataFrame(log).iloc[setting["warmup"] :]
    result = {
        "step": "continual",
        "vocab": rows,
        "parameters": parameters,
        "model_mb": round(parameters * 4 / 2**20, 1),
        "precision": summary["precision"],
        "tokens_per_s": round(timed["tokens"].sum() / timed["seconds"].sum(), 1),
        "steps_per_s": round(len(timed) / timed["seconds"].sum(), 3),
    }
    if torch.cuda.is_available():
        result["peak_gpu_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return result


def synthetic_corpus(directory: Path, ids: np.ndarray) -> Path:
    """An encoded corpus of the given lines of IDs (one shard, as ``encode_corpus`` writes them)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from xlclust.pretraining.encode import ENCODED, MANIFEST

    offsets = pa.array(np.arange(0, ids.size + 1, ids.shape[1], dtype=np.int32))
    column = pa.ListArray.from_arrays(offsets, pa.array(ids.ravel().astype(np.int32)))
    table = pa.Table.from_arrays([pa.array(np.arange(len(ids))), pa.array(["xx"] * len(ids)), column], schema=ENCODED)
    directory.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, directory / "shard-00000.parquet")
    (directory / MANIFEST).write_text(json.dumps({"shards": [{"file": "shard-00000.parquet"}]}))
    return directory / "shard-00000.parquet"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shape", choices=sorted(SHAPES), default="small")
    parser.add_argument("--vocab", type=int, default=MBERT_VOCAB, help="|V| before grouping (mBERT's)")
    parser.add_argument("--ratios", nargs="+", type=int, default=[5, 100], help="r_G in percent")
    parser.add_argument("--dims", nargs="+", type=int, default=None, help="d (default: the hidden size and 8)")
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--clsa-pairs", type=int, default=20_000)
    parser.add_argument("--clsa-epochs", type=int, default=2)
    parser.add_argument("--small", action="store_true", help="tiny shapes: a check that the script runs")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a JSON setting: run it here, print its row
    parser.add_argument("--output", default=str(RESULTS / "grouping.csv"))
    args = parser.parse_args()
    if args.one:
        print(json.dumps(continual_run(json.loads(args.one))), flush=True)
        return
    if args.small:
        args.shape, args.vocab, args.seq_len, args.batch, args.steps, args.warmup = "tiny", 2000, 32, 4, 2, 1
        args.clsa_pairs, args.clsa_epochs = 500, 1
    hidden = SHAPES[args.shape]["hidden_size"]
    device = device_name()
    rows = [clsa_rate(args.vocab, hidden, args.clsa_pairs, args.clsa_epochs) | {"device": device, "shape": args.shape}]
    print(rows[-1], flush=True)
    for ratio in args.ratios:
        for dim in args.dims or [hidden, 8]:
            setting = {
                "shape": args.shape,
                "vocab": args.vocab,
                "ratio": ratio,
                "dim": dim,
                "seq_len": args.seq_len,
                "batch": args.batch,
                "steps": args.steps,
                "warmup": args.warmup,
                "precision": args.precision,
            }
            with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
                command = [sys.executable, __file__, "--one", json.dumps(setting)]
                usage = measure(["bash", "-c", f'"$@" > {out.name}', "run", *command])
                result = json.loads(Path(out.name).read_text().strip().splitlines()[-1])
            row = {"device": device, "shape": args.shape, "ratio": ratio, "dim": dim, "seq_len": args.seq_len, "batch": args.batch}
            rows.append(row | result | {"peak_rss_mb": usage["peak_rss_mb"]})
            print(rows[-1], flush=True)
    path = Path(args.output)
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)


if __name__ == "__main__":
    main()
