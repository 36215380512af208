"""Word-pair mining and the layers' update step (Hangya et al. 2022 Appendix C): per mining iteration,
the seconds to encode the sampled sentences of both languages (the frozen LM), to search (faiss, both
directions) and the source words mined per second, at 1k sentences (the paper's) and 100k; then the
update step's time (batch 2 × 6 accumulation, the layers only).

A BERT-base-shaped model with random weights and a WordPiece vocabulary learnt from real Leipzig
sentences stands in for mBERT (the time does not depend on the weights; 30k pieces where mBERT has
119k only changes the embedding lookup). Sentences cycle through the 1,000 real Swahili and English
Leipzig sentences when more are sampled. Writes benchmarks/results/lowres.csv.

    python benchmarks/lowres.py                                  # base model, 1k sentences (CPU: minutes)
    python benchmarks/lowres.py --sentences 1000 10000 100000:ivf  # on a GPU node
    python benchmarks/lowres.py --small                          # a check that it runs (CI)
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

import pandas as pd

from xlclust.lowres.contextual import ContextualEncoder
from xlclust.lowres.examples import MinedExamples
from xlclust.lowres.layers import LayerMaps
from xlclust.lowres.mining import mine_pairs
from xlclust.lowres.settings import MiningSettings, UpdateSettings
from xlclust.lowres.update import train_layers
from xlclust.lowres.words import tokenize_lines
from xlclust.search import SearchSettings, gpu_count

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
RESULTS = REPO / "benchmarks" / "results"
SHAPES = {
    "base": dict(hidden_size=768, layers=12, heads=12, vocab_size=30000),
    "small": dict(hidden_size=64, layers=2, heads=2, vocab_size=3000),
}


def leipzig_lines(data: Path, lang: str) -> list[str]:
    return (data / "leipzig-sentences" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()


def sentences(data: Path, lang: str, count: int) -> list[list[str]]:
    lines = leipzig_lines(data, lang)
    words = tokenize_lines(lines, "moses", lang, 100)
    return [words[i % len(words)] for i in range(count)]


def encoder(data: Path, shape: str, batch_size: int) -> ContextualEncoder:
    import torch
    from transformers import AutoModel, AutoTokenizer

    from xlclust.demo.tiny_model import build_tiny_model

    texts = [line for lang in ("sw", "en") for line in leipzig_lines(data, lang)]
    directory = Path(tempfile.mkdtemp()) / "model"
    settings = SHAPES[shape]
    build_tiny_model(
        texts,
        directory,
        vocab_size=settings["vocab_size"],
        hidden_size=settings["hidden_size"],
        layers=settings["layers"],
        heads=settings["heads"],
        max_positions=512,
        seed=0,
    )
    model = AutoModel.from_pretrained(directory)
    if torch.cuda.is_available():
        model = model.cuda()
    return ContextualEncoder(model, AutoTokenizer.from_pretrained(directory), batch_size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="base")
    parser.add_argument("--sentences", nargs="+", default=["1000"], help="sentences sampled per language, N or N:index (flat, ivf, hnsw)")
    parser.add_argument("--data", type=Path, default=DATA, help="the folder holding leipzig-sentences/")
    parser.add_argument("--update-steps", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=256, help="sentences per LM forward pass")
    parser.add_argument("--device", choices=["auto", "cpu", "gpu"], default="auto", help="faiss's device")
    parser.add_argument("--small", action="store_true", help="small model, 200 sentences: a check that it runs")
    parser.add_argument("--output", type=Path, default=RESULTS / "lowres.csv")
    args = parser.parse_args()
    if args.small:
        args.shape, args.sentences, args.update_steps = "small", ["200", "300:ivf"], 10
    import torch

    lm = encoder(args.data, args.shape, args.batch_size)
    device = torch.cuda.get_device_name() if torch.cuda.is_available() else f"{platform.processor() or 'cpu'} ×{torch.get_num_threads()}"
    rows = []
    for run in args.sentences:
        count, _, index = run.partition(":")
        count, search = int(count), SearchSettings(device=args.device, index=index or "flat")
        data = {"sw": sentences(args.data, "sw", count), "en": sentences(args.data, "en", count)}
        started = time.perf_counter()
        vectors = {lang: lm.encode(data[lang], lang) for lang in ("sw", "en")}
        encoded = time.perf_counter()
        mined = mine_pairs(vectors["sw"].vectors, vectors["en"].vectors, 0.2, "forward_backward", search)
        searched = time.perf_counter()
        words = len(vectors["sw"])
        rows.append(
            {
                "step": "mining",
                "sentences": count,
                "index": search.index,
                "source_words": words,
                "target_words": len(vectors["en"]),
                "pairs": len(mined),
                "encode_s": round(encoded - started, 3),
                "search_s": round(searched - encoded, 3),
                "source_words_per_s": round(words / (searched - started), 1),
                "device": device,
                "faiss_gpus": gpu_count(),
            }
        )
        print(rows[-1], flush=True)
        write(rows, args.output)  # after each run: a long one cut short keeps the others
    update = UpdateSettings(args.update_steps, 2, 6, 5e-5, 0, (0.9, 0.98), 1e-9, 1.0, 0.01, False, "sum", 10**9, 10**9)
    data = {"sw": sentences(args.data, "sw", 1000), "en": sentences(args.data, "en", 1000)}
    provider = MinedExamples(
        lm, data, ("sw", "en"), MiningSettings(1000, 0.2, "forward_backward"), seed=0, search=SearchSettings(device=args.device)
    )
    examples = provider.build(0, LayerMaps.identity())

    class Fixed:  # the same mined examples every iteration: the step alone is timed
        def build(self, iteration, maps, state=None):
            return examples

    with tempfile.TemporaryDirectory() as checkpoints:
        started = time.perf_counter()
        train_layers(Fixed(), ("sw", "en"), lm.dim, update, 0, checkpoints, {"benchmark": True})
        seconds = time.perf_counter() - started
    rows.append(
        {
            "step": "update",
            "sentences": 1000,
            "pairs": len(examples.source_vectors),
            "update_steps": args.update_steps,
            "update_ms_per_step": round(1000 * seconds / args.update_steps, 3),
            "device": device,
        }
    )
    print(rows[-1], flush=True)
    write(rows, args.output)
    print(f"written {args.output}")


def write(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)


if __name__ == "__main__":
    main()
