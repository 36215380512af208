"""Corpus-encoding throughput of the two pretraining tokenizers, per core, on real text of the nine
TyDi QA languages (Leipzig sentences, repeated to --lines lines per language).

Compared on one core (RAYON_NUM_THREADS=1, SentencePiece num_threads=1), in IDs per second:
  sentencepiece   raw SentencePiece encoding of already-normalized text: the limit
  cid_mapping     ICEBERT's published approach: SentencePiece pieces of normalized text, then a
                  Python dictionary look-up of "piece_lang" per token
  fast_cluster    encode_corpus's path for a cluster tokenizer (FastEncoder): normalization,
                  SentencePiece, one array look-up
  fast_baseline   the same for the baseline (one SentencePiece BPE model for all languages)
  hf_cluster      the Hugging Face tokenizer itself (ClusterTokenizer, no special tokens)
  hf_baseline     the baseline's Hugging Face fast tokenizer
and encode_corpus (Parquet in and out, the rule's code) with 1 and 2 worker processes.
Segmenters are SentencePiece BPE models of --vocab pieces trained on the same text (BPEmb
files are not reachable here). Writes benchmarks/results/encoding.csv.

    python benchmarks/encoding.py [--lines 20000] [--vocab 8000]
"""

from __future__ import annotations

import os

os.environ["RAYON_NUM_THREADS"] = "1"  # before tokenizers starts its thread pool
os.environ["TOKENIZERS_PARALLELISM"] = "true"

import argparse  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
import sentencepiece as spm  # noqa: E402

from xlclust.corpus.schema import MIX  # noqa: E402
from xlclust.pretraining.encode import encode_corpus  # noqa: E402
from xlclust.tokenization.build import (  # noqa: E402
    BERT_SPECIALS,
    build_baseline_tokenizer,
    build_cluster_tokenizer,
    save_tokenizer,
    train_baseline_segmenter,
)
from xlclust.tokenization.fast_encoder import FastEncoder  # noqa: E402
from xlclust.vocabulary.joint import joint_vocabulary, marked  # noqa: E402
from xlclust.vocabulary.normalization import normalize  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
SHARED = Path(os.environ.get("XLCLUST_TEST_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
LANGUAGES = ["ar", "bn", "en", "fi", "id", "ko", "ru", "sw", "te"]


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--vocab", type=int, default=8000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="xlclust-encoding-"))
    texts, segmenters = {}, {}
    for lang in LANGUAGES:
        lines = (SHARED / "leipzig-sentences" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
        texts[lang] = (lines * (args.lines // len(lines) + 1))[: args.lines]
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter([normalize(t) for t in lines]),
            model_prefix=str(work / lang),
            model_type="bpe",
            vocab_size=args.vocab,
            hard_vocab_limit=False,
            character_coverage=0.9995,
            minloglevel=2,
            num_threads=2,
        )
        segmenters[lang] = work / f"{lang}.model"
    processors = {lang: spm.SentencePieceProcessor(model_file=str(path)) for lang, path in segmenters.items()}
    pieces = {lang: [p.id_to_piece(i) for i in range(p.get_piece_size())] for lang, p in processors.items()}
    joint = joint_vocabulary(pieces)
    clusters = np.arange(len(joint)) // 3  # cluster sizes do not change the encoding cost
    specials = list(BERT_SPECIALS.values())
    table = pd.DataFrame({"token": [*joint["token"], *specials], "cluster_id": [*clusters, *(clusters.max() + 1 + np.arange(5))]})
    names = [f"[C{i}]" for i in range(clusters.max() + 1)] + specials
    cluster_tokenizer, _ = build_cluster_tokenizer(table, names, segmenters, model_max_length=512)
    save_tokenizer(cluster_tokenizer, work / "icebert", segmenters)
    train_baseline_segmenter(
        (t for lang in LANGUAGES for t in texts[lang][:1000]),
        work / "baseline.model",
        vocab_size=len(names) - 5,
        model_type="bpe",
        character_coverage=0.9995,
        seed=0,
        threads=2,
    )
    baseline = build_baseline_tokenizer(work / "baseline.model", model_max_length=512)
    save_tokenizer(baseline, work / "baseline", work / "baseline.model")
    fast_cluster, fast_baseline = FastEncoder(work / "icebert", cluster_tokenizer), FastEncoder(work / "baseline", baseline)
    cid = dict(zip(table["token"], table["cluster_id"]))
    unk = cid["[UNK]"]

    rows = []
    for lang in LANGUAGES:
        normalized = [normalize(t) for t in texts[lang]]
        processor = processors[lang]
        ids, seconds = timed(lambda: processor.encode(normalized, num_threads=1))
        n_ids = sum(map(len, ids))
        rows.append({"method": "sentencepiece", "language": lang, "ids": n_ids, "seconds": seconds})

        def cid_mapping():
            out = []
            for line in texts[lang]:
                out.append([cid.get(marked(p, lang), cid.get(p, unk)) for p in processor.encode(normalize(line), out_type=str)])
            return out

        _, seconds = timed(cid_mapping)
        rows.append({"method": "cid_mapping", "language": lang, "ids": n_ids, "seconds": seconds})
        for method, encode in (
            ("fast_cluster", lambda: fast_cluster.encode(texts[lang], lang)),
            ("fast_baseline", lambda: fast_baseline.encode(texts[lang], None)),
            ("hf_cluster", lambda: cluster_tokenizer(texts[lang], language=lang, add_special_tokens=False)["input_ids"]),
            ("hf_baseline", lambda: [e.ids for e in baseline.backend_tokenizer.encode_batch_fast(texts[lang], add_special_tokens=False)]),
        ):
            encoded, seconds = timed(encode)
            rows.append({"method": method, "language": lang, "ids": int(sum(map(len, encoded))), "seconds": seconds})
        print(rows[-6:], file=sys.stderr)

    mixed = [(lang, t) for lang in LANGUAGES for t in texts[lang]]
    order = np.random.default_rng(0).permutation(len(mixed))
    mix = pa.table(
        {
            "position": np.arange(len(mixed)),
            "lang": [mixed[i][0] for i in order],
            "line": np.arange(len(mixed)),
            "copy": np.zeros(len(mixed), dtype=np.int32),
            "n_tokens": np.zeros(len(mixed), dtype=np.int32),
            "text": [mixed[i][1] for i in order],
        },
        schema=MIX,
    )
    pq.write_table(mix, work / "mix.parquet", row_group_size=10_000)
    for name in ("icebert", "baseline"):
        for workers in (1, 2):
            output = work / f"encoded-{name}-{workers}"
            manifest, seconds = timed(encode_corpus, work / "mix.parquet", work / name, output, shard_lines=20_000, workers=workers)
            rows.append(
                {"method": f"encode_corpus[{name}, {workers} workers]", "language": "all", "ids": manifest["ids"], "seconds": seconds}
            )
            shutil.rmtree(output)

    frame = pd.DataFrame(rows)
    frame["ids_per_second"] = (frame["ids"] / frame["seconds"]).round(0)
    totals = frame[frame.language != "all"].groupby("method")[["ids", "seconds"]].sum()
    totals["ids_per_second"] = (totals["ids"] / totals["seconds"]).round(0)
    totals["language"] = "all"
    frame = pd.concat([frame, totals.reset_index()], ignore_index=True)
    limit = totals.loc["sentencepiece", "ids_per_second"]
    frame["share_of_sentencepiece"] = (frame["ids_per_second"] / limit).round(3)
    RESULTS.mkdir(exist_ok=True)
    frame.to_csv(RESULTS / "encoding.csv", index=False)
    print(frame[frame.language == "all"].to_string(index=False))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
