"""TyDi QA throughput: fine-tuning (windows/s, questions/s) and zero-shot prediction (questions/s)
of the configured model sizes, on the CPU or a GPU, through the rules' own code.

Real GoldP questions (``../shared/data``, or XLCLUST_TEST_DATA): English train to fine-tune, the
Swahili dev set to answer. The model is a BERT of the size's architecture with random weights
and a 30,000-ID vocabulary (a SentencePiece BPE model trained on the questions' contexts), so
the figures are the cost of the step, not of a good model. Windows of 384 tokens, stride 128.
Writes benchmarks/results/tydiqa.csv (a rerun replaces the rows of its settings).

    python benchmarks/tydiqa.py [--sizes small base] [--train-questions 200] [--dev-questions 200]
    python benchmarks/tydiqa.py --sizes base --train-questions 2000 --precision bf16   # on a GPU
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from pathlib import Path

import pandas as pd
import torch
import yaml
from transformers import AutoModelForQuestionAnswering

from xlclust.models import ModelSource
from xlclust.tokenization.build import build_baseline_tokenizer, train_baseline_segmenter
from xlclust.training.finetuning import FinetuneSpec
from xlclust.tydiqa.data import read_squad_json
from xlclust.tydiqa.features import FeatureSpec
from xlclust.tydiqa.finetune import finetune
from xlclust.tydiqa.predict import PredictionSpec, answer_questions

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
GOLDP = Path(os.environ.get("XLCLUST_TEST_DATA", REPO.parent / "shared" / "data")) / "tydiqa-goldp-v1.1"


def random_model(size: str, directory: Path, contexts: list[str]) -> Path:
    from transformers import BertConfig, BertForQuestionAnswering

    architecture = yaml.safe_load((REPO / "config.yaml").read_text())["pretraining"]["models"][size]["architecture"]
    train_baseline_segmenter(contexts, directory / "sp.model", vocab_size=30_000, model_type="bpe", character_coverage=0.9995, seed=0)
    tokenizer = build_baseline_tokenizer(directory / "sp.model", model_max_length=512)
    config = BertConfig(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id, max_position_embeddings=512, **architecture)
    torch.manual_seed(0)
    BertForQuestionAnswering(config).save_pretrained(directory / "model")
    tokenizer.save_pretrained(directory / "model")
    return directory / "model"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="+", default=["small", "base"])
    parser.add_argument("--train-questions", type=int, default=200)
    parser.add_argument("--dev-questions", type=int, default=200)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--output", default=str(RESULTS / "tydiqa.csv"))
    args = parser.parse_args()
    train = read_squad_json(GOLDP / "train" / "english.json", "en")
    dev = read_squad_json(GOLDP / "dev" / "swahili.json", "sw")[: args.dev_questions]
    features = FeatureSpec()
    cuda = torch.cuda.is_available()
    device = (
        torch.cuda.get_device_name() if cuda else f"CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"
    )
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as work:
            work = Path(work)
            model_dir = random_model(size, work, [q["context"] for q in train] + [q["context"] for q in dev])
            spec = FinetuneSpec(
                learning_rate=1e-5, batch_size=args.batch, epochs=1, precision=args.precision, checkpoint_every=10**9, log_every=10**9
            )
            trained = finetune(
                ModelSource(str(model_dir)), train[: args.train_questions], spec, features, work / "checkpoints", work / "qa"
            )
            tokenizer, model = ModelSource(str(work / "qa")).load(AutoModelForQuestionAnswering)
            _, predicted = answer_questions(model, tokenizer, dev, features, PredictionSpec())
        rows.append(
            {
                "device": device,
                "size": size,
                "precision": trained["precision"],
                "batch": args.batch,
                "train_questions": trained["questions"],
                "train_windows": trained["windows"],
                "train_windows_per_second": round(trained["windows_per_second"], 2),
                "train_questions_per_second": round(trained["questions"] / trained["train_seconds"], 2),
                "dev_questions": predicted["questions"],
                "dev_windows": predicted["windows"],
                "predict_questions_per_second": round(predicted["questions_per_second"], 2),
            }
        )
        print(rows[-1], flush=True)
    path = Path(args.output)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows)
    if path.exists():  # a rerun replaces the rows of the same setting and keeps the others
        frame = pd.concat([pd.read_csv(path), frame], ignore_index=True).drop_duplicates(
            ["device", "size", "precision", "batch"], keep="last"
        )
    frame.to_csv(path, index=False)


if __name__ == "__main__":
    main()
