"""Corpus encoding and masked-LM pretraining: aligned corpora, the example stream, masking,
loss going down, exact resumption after a kill, corrupt checkpoints refused, launch commands."""

import json
import multiprocessing
import os
import pickletools
import signal
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import torch
from transformers import AutoTokenizer, BertConfig

from workflow_tests.test_tokenization import LANGUAGES, cluster_map, leipzig, segmenters  # noqa: F401  (fixture)
from xlclust.corpus.schema import MIX
from xlclust.errors import XlclustError
from xlclust.pretraining.data import ExampleStream, chunk_bounds
from xlclust.pretraining.encode import encode_corpus, encoded_shards
from xlclust.pretraining.flops import flops_per_token
from xlclust.pretraining.masking import IGNORE, MaskingSpec, mask_tokens, replacement_ids
from xlclust.pretraining.run import launch_command
from xlclust.pretraining.train import Preempted, TrainingSpec, pretrain
from xlclust.tokenization.build import (
    balanced_sample,
    build_baseline_tokenizer,
    build_cluster_tokenizer,
    save_tokenizer,
    train_baseline_segmenter,
)
from xlclust.training import checkpoint as ckpt
from xlclust.training.saving import metrics_text as training_log_text
from xlclust.training.schedule import linear_schedule

TINY = {"num_hidden_layers": 2, "hidden_size": 32, "intermediate_size": 64, "num_attention_heads": 2}


@pytest.fixture(scope="module")
def mix(tmp_path_factory):
    """A shuffled mix of real lines of every test language, in several row groups."""
    rows = [(lang, line, text) for lang in LANGUAGES for line, text in enumerate(leipzig(lang, 0, 300))]
    order = np.random.default_rng(0).permutation(len(rows))
    table = pa.table(
        {
            "position": np.arange(len(rows)),
            "lang": [rows[i][0] for i in order],
            "line": [rows[i][1] for i in order],
            "copy": np.zeros(len(rows), dtype=np.int32),
            "n_tokens": [len(rows[i][2].split()) for i in order],
            "text": [rows[i][2] for i in order],
        },
        schema=MIX,
    )
    path = tmp_path_factory.mktemp("mix") / "mix.parquet"
    pq.write_table(table, path, row_group_size=250)
    return path


@pytest.fixture(scope="module")
def tokenizers(segmenters, tmp_path_factory, mix):  # noqa: F811
    directory = tmp_path_factory.mktemp("tokenizers")
    table, names = cluster_map(segmenters, 8)  # about 1,100 IDs: a tiny model learns them in a few steps
    save_tokenizer(build_cluster_tokenizer(table, names, segmenters, model_max_length=64)[0], directory / "icebert", segmenters)
    sentences = directory / "sentences.parquet"
    pq.write_table(pq.read_table(mix, columns=["text"]), sentences)
    train_baseline_segmenter(
        balanced_sample({"all": sentences}, 1800, seed=0),
        directory / "sp.model",
        vocab_size=len(names) - 5,
        model_type="bpe",
        character_coverage=0.9995,
        seed=0,
    )
    save_tokenizer(build_baseline_tokenizer(directory / "sp.model", model_max_length=64), directory / "baseline", directory / "sp.model")
    return {name: directory / name for name in ("icebert", "baseline")}


@pytest.fixture(scope="module")
def corpora(tokenizers, mix, tmp_path_factory):
    directory = tmp_path_factory.mktemp("encoded")
    return {
        name: (encode_corpus(mix, path, directory / name, shard_lines=500, workers=2), directory / name)
        for name, path in tokenizers.items()
    }


def test_both_corpora_hold_the_same_lines_in_the_same_order(corpora, tokenizers, mix):
    texts = pq.read_table(mix)
    tables = {name: pa.concat_tables(pq.read_table(s) for s in encoded_shards(path)) for name, (_, path) in corpora.items()}
    assert len(encoded_shards(corpora["icebert"][1])) == 4  # 1800 lines in row groups of 250, ≥ 500 per shard
    for name, table in tables.items():
        assert table.column("position").to_pylist() == texts.column("position").to_pylist()
        assert table.column("lang").to_pylist() == texts.column("lang").to_pylist()
        manifest = corpora[name][0]
        assert manifest["checked_against_tokenizer"] > 0 and manifest["differing"] == 0
        assert manifest["lines"] == texts.num_rows and manifest["ids"] == sum(map(len, table.column("input_ids").to_pylist()))
        tokenizer = AutoTokenizer.from_pretrained(tokenizers[name], trust_remote_code=True)
        for row in range(0, texts.num_rows, 97):  # the stored IDs are the tokenizer's, without [CLS] and [SEP]
            text, lang = texts.column("text")[row].as_py(), texts.column("lang")[row].as_py()
            expected = tokenizer(text, language=lang)["input_ids"] if name == "icebert" else tokenizer(text)["input_ids"]
            assert table.column("input_ids")[row].as_py() == expected[1:-1]


def test_a_tokenizer_whose_segmenters_were_swapped_is_refused(tokenizers, mix, tmp_path):
    import shutil

    swapped = tmp_path / "swapped"
    shutil.copytree(tokenizers["icebert"], swapped)
    shutil.copyfile(swapped / "segmenters" / "ru.model", swapped / "segmenters" / "el.model")
    with pytest.raises(XlclustError, match="do not belong together|does not have"):
        encode_corpus(mix, swapped, tmp_path / "encoded", shard_lines=500, workers=1)
    assert not (tmp_path / "encoded").exists()


def test_long_lines_become_several_examples_and_empty_lines_none():
    starts, ends = chunk_bounds(np.array([5, 0, 2, 7]), 3)
    assert list(zip(starts, ends)) == [(0, 3), (3, 5), (5, 7), (7, 10), (10, 13), (13, 14)]


def test_the_example_stream_can_start_anywhere(corpora):
    shards = encoded_shards(corpora["baseline"][1])
    stream = ExampleStream(shards, 64, cls_id=1, sep_id=2, seed=5)
    first = stream.iterate(0)
    examples = [next(first) for _ in range(stream.total + 40)]
    assert all(e[0] == 1 and e[-1] == 2 and len(e) <= 64 for e in examples)
    assert len({tuple(e) for e in examples[: stream.total]}) > 0.95 * stream.total
    for start in (0, 7, stream.total - 3, stream.total + 11):
        resumed = stream.iterate(start)
        assert all(np.array_equal(next(resumed), examples[start + i]) for i in range(20))
    assert not all(np.array_equal(a, b) for a, b in zip(examples[:40], examples[stream.total :]))  # epochs reshuffle


def test_masking_follows_bert():
    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(5, 1000, (64, 512), generator=generator)
    ids[:, 0], ids[:, -1], ids[:3, 100:] = 1, 2, 0  # [CLS], [SEP], padding
    specials = torch.tensor([0, 1, 2, 3, 4])
    ordinary = replacement_ids(1000, specials)
    masked, labels = mask_tokens(ids, specials, 4, ordinary, MaskingSpec(), torch.Generator().manual_seed(1))
    chosen = labels != IGNORE
    assert not chosen[torch.isin(ids, specials)].any()
    assert abs(chosen.float().sum() / (~torch.isin(ids, specials)).sum() - 0.15) < 0.01
    assert torch.equal(labels[chosen], ids[chosen])
    share = lambda mask: (mask & chosen).sum() / chosen.sum()  # noqa: E731
    assert abs(share(masked == 4) - 0.8) < 0.02 and abs(share((masked != 4) & (masked != ids)) - 0.1) < 0.02
    assert not torch.isin(masked[chosen & (masked != 4)], specials).any()
    assert torch.equal(masked[~chosen], ids[~chosen])
    again, _ = mask_tokens(ids, specials, 4, ordinary, MaskingSpec(), torch.Generator().manual_seed(1))
    assert torch.equal(again, masked)


def test_schedule_warms_up_then_decays_to_zero():
    factor = linear_schedule(10, 110)
    assert factor(0) == pytest.approx(0.1) and factor(9) == 1.0 and factor(60) == pytest.approx(0.5) and factor(110) == 0.0


def test_the_taggers_schedule_keeps_its_own_rounding():
    """``one_minus`` (the taggers' adamw_linear) is the same line as BERT's decay, computed as 1 − step/total."""
    bert, tagging = linear_schedule(0, 3), linear_schedule(0, 3, one_minus=True)
    assert [tagging(step) for step in range(5)] == [max(0.0, 1.0 - step / 3) for step in range(5)]
    assert tagging(1) == pytest.approx(bert(1)) and tagging(1) != bert(1)  # 0.6666666666666667 against …666


def small_spec(**changes):
    settings = dict(
        learning_rate=1e-2,
        batch_size=32,
        per_device_batch_size=16,
        max_steps=60,
        max_length=64,
        warmup_steps=5,
        checkpoint_every=10,
        log_every=5,
        seed=3,
    )
    return TrainingSpec(**(settings | changes))


def train(corpus, tokenizer_dir, checkpoint_dir, spec, kill_at=None, signal_at=None):
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir, trust_remote_code=True)

    def on_step(step):
        if step == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)  # a job killed without warning
        if step == signal_at:
            os.kill(os.getpid(), signal.SIGTERM)  # SLURM's warning before preemption

    model, rows, summary, _ = pretrain(
        shards=encoded_shards(corpus), tokenizer=tokenizer, model_config=TINY, spec=spec, checkpoint_dir=checkpoint_dir, on_step=on_step
    )
    return model, rows, summary


def test_loss_goes_down_and_a_killed_run_resumes_to_the_same_weights(corpora, tokenizers, tmp_path):
    corpus = corpora["icebert"][1]
    model, rows, summary = train(corpus, tokenizers["icebert"], tmp_path / "whole", small_spec())
    assert [r["step"] for r in rows] == list(range(5, 61, 5))
    assert rows[-1]["loss"] < rows[0]["loss"] - 0.5 and rows[-1]["learning_rate"] == 0.0
    assert summary["gradient_accumulation"] == 2 and summary["steps"] == 60
    killed = multiprocessing.get_context("spawn").Process(
        target=train, args=(corpus, tokenizers["icebert"], tmp_path / "killed", small_spec()), kwargs={"kill_at": 17}
    )
    killed.start()
    killed.join()
    assert killed.exitcode == -signal.SIGKILL
    [run_dir] = (tmp_path / "killed").iterdir()
    assert [p.name for p in ckpt.checkpoints(run_dir)] == ["step-00000010"]
    resumed, resumed_rows, _ = train(corpus, tokenizers["icebert"], tmp_path / "killed", small_spec())
    reference = model.state_dict()
    assert all(torch.equal(value, reference[name]) for name, value in resumed.state_dict().items())
    assert [r["loss"] for r in resumed_rows] == [r["loss"] for r in rows]


@pytest.mark.workflow  # two torchrun launches of the whole training script (~20 s): outside the inner loop
def test_two_processes_train_as_one_with_accumulation(corpora, tokenizers, tmp_path):
    """Data parallelism (torchrun, gloo on CPUs) against one process accumulating the same micro-batches."""
    import subprocess
    import sys

    from safetensors.torch import load_file

    spec = {
        "learning_rate": 1e-2,
        "batch_size": 16,
        "per_device_batch_size": 8,
        "max_steps": 12,
        "max_length": 64,
        "warmup_steps": 2,
        "checkpoint_every": 6,
        "log_every": 3,
        "seed": 3,
    }
    outputs = {}
    for processes in (1, 2):
        description = {
            "tokenizer": str(tokenizers["baseline"]),
            "corpus": str(corpora["baseline"][1]),
            "size": "tiny",
            "architecture": TINY,
            "training": spec,
            "checkpoints": str(tmp_path / f"checkpoints{processes}"),
            "output": str(tmp_path / f"model{processes}"),
        }
        run_file = tmp_path / f"run{processes}.json"
        run_file.write_text(json.dumps(description))
        command = (
            launch_command(str(run_file), "torchrun", gpus=processes, nodes=1)
            if processes > 1
            else [sys.executable, "-m", "xlclust.pretraining.run", str(run_file)]
        )
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        outputs[processes] = load_file(tmp_path / f"model{processes}" / "model.safetensors")
        info = json.loads((tmp_path / f"model{processes}" / "training.json").read_text())
        assert info["processes"] == processes and info["gradient_accumulation"] == 3 - processes
    assert max(float((outputs[1][k] - outputs[2][k]).abs().max()) for k in outputs[1]) < 1e-5


def test_a_stop_signal_checkpoints_the_step_and_stops(corpora, tokenizers, tmp_path):
    corpus, tokenizer = corpora["baseline"][1], tokenizers["baseline"]
    spec = small_spec(max_steps=20, checkpoint_every=10)
    with pytest.raises(Preempted, match="step 3"):
        train(corpus, tokenizer, tmp_path, spec, signal_at=3)
    [run_dir] = tmp_path.iterdir()
    assert [p.name for p in ckpt.checkpoints(run_dir)] == ["step-00000003"]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is put back
    _, rows, _ = train(corpus, tokenizer, tmp_path, spec)  # the requeued job goes on from there
    assert [r["step"] for r in rows] == [5, 10, 15, 20]
    # its training log is the uninterrupted run's, byte for byte: the checkpoint carried the open
    # logging window (steps 1-3 of the row for step 5)
    _, uninterrupted, _ = train(corpus, tokenizer, tmp_path / "uninterrupted", spec)
    assert training_log_text(rows) == training_log_text(uninterrupted)
    assert set(uninterrupted[0]) >= {"seconds", "tokens_per_second"} and "seconds" not in training_log_text(rows)


def test_corrupt_and_partial_checkpoints_are_never_used(corpora, tokenizers, tmp_path):
    corpus, tokenizer = corpora["baseline"][1], tokenizers["baseline"]
    spec = small_spec(max_steps=10, checkpoint_every=5)
    train(corpus, tokenizer, tmp_path, spec)
    [run_dir] = tmp_path.iterdir()
    latest = ckpt.checkpoints(run_dir)[-1]
    state = latest / "state.pt"
    data = bytearray(state.read_bytes())
    data[len(data) // 2] ^= 0xFF
    state.write_bytes(bytes(data))
    with pytest.raises(XlclustError, match="checksum"):
        train(corpus, tokenizer, tmp_path, spec)
    (latest / ckpt.MANIFEST).unlink()
    with pytest.raises(XlclustError, match="not a complete checkpoint"):
        train(corpus, tokenizer, tmp_path, spec)
    for checkpoint in ckpt.checkpoints(run_dir):
        checkpoint.rename(run_dir / f".tmp-{checkpoint.name}.abc")  # what a kill during saving leaves
    model, rows, _ = train(corpus, tokenizer, tmp_path, spec)  # unfinished ones removed: a fresh start
    assert [r["step"] for r in rows] == [5, 10] and not list(run_dir.glob(".tmp-*"))
    other = small_spec(max_steps=10, checkpoint_every=5, learning_rate=1e-3)
    train(corpus, tokenizer, tmp_path, other)  # other settings: a run directory of their own
    assert len(list(tmp_path.iterdir())) == 2


def test_a_saved_checkpoint_of_other_settings_is_refused(tmp_path):
    ckpt.save_checkpoint(tmp_path, 4, {"step": 4}, None, "aaaa", keep=2)
    with pytest.raises(XlclustError, match="other model, data or training settings"):
        ckpt.load_latest(tmp_path, "bbbb")
    assert ckpt.load_latest(tmp_path, "aaaa")[0]["step"] == 4


class _RunsCode:
    """What an attacker puts in a state.pt: unpickling it calls ``Path.touch`` on a file of theirs."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_checkpoint_that_would_run_code_is_refused_and_nothing_runs(tmp_path):
    """Checksums can be recomputed by whoever writes the directory: the state is loaded as weights only."""
    marker = tmp_path / "ran"
    ckpt.save_checkpoint(tmp_path / "run", 4, {"step": 4, "payload": _RunsCode(marker)}, None, "aaaa", keep=2)
    with pytest.raises(XlclustError, match=r"state\.pt: holds objects other than tensors .* not a checkpoint xlclust wrote"):
        ckpt.load_latest(tmp_path / "run", "aaaa")  # its manifest's checksums match: they were computed over it
    assert not marker.exists()
    # the file really carries the call (read without unpickling: pickletools only lists the opcodes)
    with zipfile.ZipFile(ckpt.checkpoints(tmp_path / "run")[-1] / "state.pt") as archive:
        [name] = [n for n in archive.namelist() if n.endswith("/data.pkl")]
        strings = [arg for _, arg, _ in pickletools.genops(archive.read(name)) if isinstance(arg, str)]
    assert {"__builtin__ getattr", "pathlib Path", "touch", marker.name} <= set(strings)  # getattr(Path, "touch")(marker)


def test_launch_commands(monkeypatch):
    assert launch_command("run.json", "auto", gpus=1, nodes=1) is None
    assert launch_command("run.json", "auto", gpus=0, nodes=1) is None
    command = launch_command("run.json", "auto", gpus=4, nodes=1)
    assert command[1:4] == ["-m", "torch.distributed.run", "--standalone"] and "--nproc_per_node=4" in command
    assert command[-3:] == ["-m", "xlclust.pretraining.run", "run.json"]
    multi = launch_command("run.json", "auto", gpus=8, nodes=2)
    assert multi[0] == "srun" and "--nnodes=2" in multi and "--nproc_per_node=8" in multi
    assert launch_command("run.json", "accelerate", gpus=2, nodes=1)[:2] == ["accelerate", "launch"]
    # a TPU host (torch_xla sees 8 cores): accelerate starts one process per core — the command only;
    # no TPU here to run it on
    import xlclust.pretraining.run as run_module

    assert run_module.visible_tpu_cores() == 0  # no torch_xla installed here
    monkeypatch.setattr(run_module, "visible_tpu_cores", lambda: 8)
    assert launch_command("run.json", "accelerate", gpus=0, nodes=1)[:4] == ["accelerate", "launch", "--tpu", "--num_processes=8"]
    with pytest.raises(XlclustError):
        launch_command("run.json", "mpirun", gpus=2, nodes=1)


def test_model_flops_count_every_weight_multiplication():
    config = BertConfig(vocab_size=30000)  # BERT-base
    from transformers import BertForMaskedLM

    model = BertForMaskedLM(config)
    embeddings = sum(p.numel() for n, p in model.named_parameters() if "embeddings" in n and p.dim() == 2)
    weights = sum(p.numel() for n, p in model.named_parameters() if n.endswith("weight") and p.dim() == 2) - embeddings
    per_token = flops_per_token(config, 512)
    # the decoder shares the word embeddings, so its projection counts once more than the weights do
    assert per_token == pytest.approx(6 * (weights + config.vocab_size * config.hidden_size) + 12 * 12 * 768 * 512)
