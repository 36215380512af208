"""MIRACL retrieval's throughput through the rules' own code: corpus encoding (passages/s, a DPR
encoder of BERT's shape over full-length passages, :func:`xlclust.retrieval.shards.encode_corpus`)
and the faiss index (build seconds, queries/s; exact shard-by-shard search against IVF and HNSW,
with their recall@100 of the exact top 100, :mod:`xlclust.retrieval.index`). Weights, token IDs and
vectors are random; the vectors are drawn around cluster centres, as real passage vectors bunch, so
that the approximate indexes' recall means something. Writes benchmarks/results/retrieval.csv.

    python benchmarks/retrieval.py                  # CPU: 2 layers of 256, 200k vectors of 768
    python benchmarks/retrieval.py --shape base --passages 20000 --vectors 2000000   # a GPU node
    python benchmarks/retrieval.py --small          # tiny shapes: a check that it runs (CI)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import torch

from xlclust.retrieval import index
from xlclust.retrieval.shards import encode_corpus
from xlclust.search import SearchSettings, set_threads

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grouping import SHAPES, device_name  # noqa: E402  (the same model shapes and device label)

RESULTS = Path(__file__).resolve().parent / "results"


def encoding_rate(shape: str, passages: int, length: int, batch: int, work: Path) -> dict:
    """Passages/s of the DPR encoder over ``passages`` passages of ``length`` subwords."""
    from transformers import BertConfig, BertModel

    from xlclust.retrieval.dpr import pool

    torch.manual_seed(0)
    config = BertConfig(vocab_size=30_000, max_position_embeddings=max(512, length), **SHAPES[shape])
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = BertModel(config, add_pooling_layer=False).to(device).eval()
    ids = np.random.default_rng(0).integers(1000, 30_000, size=(passages, length))
    corpus = work / "corpus.parquet"
    pq.write_table(
        pa.table({"docid": [str(i) for i in range(passages)], "title": [""] * passages, "text": [str(i) for i in range(passages)]}), corpus
    )
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if device.type == "cuda" else torch.autocast("cpu", enabled=False)

    def encode(_, texts):
        rows = ids[[int(t) for t in texts]]
        vectors = []
        with torch.inference_mode(), autocast:
            for begin in range(0, len(rows), batch):
                input_ids = torch.as_tensor(rows[begin : begin + batch], device=device)
                mask = torch.ones_like(input_ids)
                vectors.append(pool(model(input_ids=input_ids, attention_mask=mask).last_hidden_state, mask, "cls").float().cpu().numpy())
        return np.vstack(vectors)

    encode(None, ["0"] * min(batch, passages))  # warm-up
    started = time.perf_counter()
    encode_corpus(corpus, work / "shards", encode, shard_size=max(1, passages // 4))
    seconds = time.perf_counter() - started
    return {"step": "encode", "setting": f"{shape} seq {length}", "items": passages, "seconds": seconds, "per_second": passages / seconds}


def clustered_vectors(count: int, dim: int, centres: int, rng) -> np.ndarray:
    means = rng.standard_normal((centres, dim), dtype=np.float32)
    vectors = means[rng.integers(0, centres, count)] + 0.5 * rng.standard_normal((count, dim), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def index_rows(vectors: int, dim: int, queries: int, shard_size: int, work: Path) -> list[dict]:
    rng = np.random.default_rng(1)
    keys = clustered_vectors(vectors, dim, max(10, vectors // 500), rng)
    asked = clustered_vectors(queries, dim, max(10, vectors // 500), rng)
    shard_dir = work / "index-shards"
    corpus = work / "index-corpus.parquet"
    pq.write_table(
        pa.table({"docid": [str(i) for i in range(vectors)], "title": [""] * vectors, "text": [str(i) for i in range(vectors)]}), corpus
    )
    encode_corpus(corpus, shard_dir, lambda _, texts: keys[int(texts[0]) : int(texts[-1]) + 1], shard_size)
    rows = []
    started = time.perf_counter()
    _, exact = index.exact_search(shard_dir, asked, 100)
    seconds = time.perf_counter() - started
    rows.append(
        {
            "step": "search",
            "setting": "flat (exact)",
            "items": queries,
            "seconds": seconds,
            "per_second": queries / seconds,
            "recall_at_100": 1.0,
        }
    )
    for kind in ("ivf", "hnsw"):
        settings = SearchSettings(index=kind)
        built = index.build_index(shard_dir, work / f"{kind}.faiss", settings, train_vectors=min(vectors, 256 * 1024))
        started = time.perf_counter()
        _, found = index.approximate_search(work / f"{kind}.faiss", asked, 100)
        seconds = time.perf_counter() - started
        rows.append(
            {
                "step": "build",
                "setting": kind,
                "items": vectors,
                "seconds": built["build_seconds"],
                "per_second": vectors / built["build_seconds"],
            }
        )
        recall = index.recall_against(exact, found)
        rows.append(
            {
                "step": "search",
                "setting": kind,
                "items": queries,
                "seconds": seconds,
                "per_second": queries / seconds,
                "recall_at_100": recall,
            }
        )
    return [row | {"vectors": vectors, "dim": dim} for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shape", choices=sorted(SHAPES), default="small")
    parser.add_argument("--passages", type=int, default=2000)
    parser.add_argument("--length", type=int, default=256, help="subwords per passage (MIRACL's DPR: 256)")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--vectors", type=int, default=200_000)
    parser.add_argument("--dim", type=int, default=768)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--shard-size", type=int, default=50_000)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--small", action="store_true", help="tiny shapes: a check that the script runs")
    parser.add_argument("--output", default=str(RESULTS / "retrieval.csv"))
    args = parser.parse_args()
    if args.small:
        args.shape, args.passages, args.length, args.vectors, args.dim, args.queries, args.shard_size = "tiny", 64, 32, 3000, 32, 50, 1000
    set_threads(args.threads)
    with tempfile.TemporaryDirectory() as work:
        rows = [encoding_rate(args.shape, args.passages, args.length, args.batch, Path(work))]
        rows += index_rows(args.vectors, args.dim, args.queries, args.shard_size, Path(work))
    frame = pd.DataFrame(rows).assign(device=device_name())
    frame.to_csv(args.output, index=False)
    print(frame.to_string(index=False))


if __name__ == "__main__":
    main()
