"""eBERT's vocabulary extension (Wang et al. 2020; Hangya et al. 2022 §4.1): per corpus size, the
seconds to split the text into the LM's words, to learn the language's WordPiece vocabulary
(SentencePiece BPE, one thread) and to count its pieces over the corpus, and the process's peak
memory. The real Bengali Leipzig sentences (1,000) cycle up to the size asked for, so the learnt
vocabulary saturates early: learning time on a real Wikipedia of that size is higher. A WordPiece
vocabulary learnt from the English sentences stands in for mBERT's (the time does not depend on it).
Writes benchmarks/results/ebert.csv.

    python benchmarks/ebert.py                          # 10k and 100k sentences (CPU: minutes)
    python benchmarks/ebert.py --sentences 1000000      # a Wikipedia-sized corpus
    python benchmarks/ebert.py --small                  # a check that it runs (CI)
"""

from __future__ import annotations

import argparse
import platform
import resource
import tempfile
import time
from pathlib import Path

import pandas as pd

from xlclust.demo.tiny_model import build_tiny_model
from xlclust.tokenization.wordpiece import bert_words, subword_counts, wordpiece_vocabulary

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
RESULTS = REPO / "benchmarks" / "results"


def leipzig_lines(data: Path, lang: str) -> list[str]:
    return (data / "leipzig-sentences" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--vocab-size", type=int, default=30_000, help="the learnt WordPiece vocabulary (lowres.ebert.wordpiece_vocab_size)"
    )
    parser.add_argument("--data", type=Path, default=DATA, help="the folder holding leipzig-sentences/")
    parser.add_argument("--small", action="store_true", help="1,000 sentences, a 2,000-piece vocabulary: a check that it runs")
    parser.add_argument("--output", type=Path, default=RESULTS / "ebert.csv")
    args = parser.parse_args()
    if args.small:
        args.sentences, args.vocab_size = [1000], 2000
    from transformers import AutoTokenizer

    with tempfile.TemporaryDirectory() as directory:
        build_tiny_model(
            leipzig_lines(args.data, "en"), directory, vocab_size=3000, hidden_size=16, layers=1, heads=2, max_positions=64, seed=0
        )
        tokenizer = AutoTokenizer.from_pretrained(directory)
    bengali = leipzig_lines(args.data, "bn")
    rows = []
    for count in args.sentences:
        texts = [bengali[i % len(bengali)] for i in range(count)]
        started = time.perf_counter()
        words = list(bert_words(tokenizer, texts))
        split = time.perf_counter()
        vocabulary = wordpiece_vocabulary(words, args.vocab_size, seed=0)
        learnt = time.perf_counter()
        counts = subword_counts(vocabulary, words)
        counted = time.perf_counter()
        rows.append(
            {
                "sentences": count,
                "characters": sum(map(len, texts)),
                "vocab_size": len(vocabulary),
                "pieces_counted": int(counts.sum()),
                "split_s": round(split - started, 3),
                "learn_s": round(learnt - split, 3),
                "count_s": round(counted - learnt, 3),
                "sentences_per_s": round(count / (counted - started), 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "device": f"{platform.processor() or 'cpu'}",
            }
        )
        print(rows[-1], flush=True)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(rows).to_csv(args.output, index=False)  # after each size: a long run cut short keeps the others
    print(f"written {args.output}")


if __name__ == "__main__":
    main()
