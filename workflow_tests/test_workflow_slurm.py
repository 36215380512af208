"""The workflow through a real SLURM cluster (../shared/tools/slurm-test-cluster: one node, a fake
GPU) as users run it, from a fresh clone's root with `--profile slurm` (and profiles/default, which
Snakemake reads by itself), plus `--profile workflow_tests/slurm_profile` for what that cluster needs:
every job goes through sbatch, results equal the local demo run's, a job cancelled with scancel
is redone by a rerun, and a pretraining job cancelled mid-run resumes from its checkpoint."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workflow_tests.commands import fresh_clone
from workflow_tests.realdata import shared_data

pytestmark = pytest.mark.workflow
CLUSTER = shared_data().parent / "tools" / "slurm-test-cluster"
PROFILES = ["--profile", "slurm", "--profile", "workflow_tests/slurm_profile"]
CORPUS = [
    "results/corpus/stats.csv",
    "results/corpus/en/sentences.parquet",
    "results/corpus/qcy/sentences.parquet",
    "results/corpus/qgr/sentences.parquet",
]


@pytest.fixture(scope="module")
def slurm():
    """A running test cluster and the environment its clients need; stopped afterwards, also on failure.
    Skipped where SLURM is not installed and cannot be (the cluster script installs it as root)."""
    if not shutil.which("slurmctld") and (os.geteuid() != 0 or not shutil.which("apt-get")):
        pytest.skip("SLURM is not installed and installing Debian's slurm-wlm and munge needs root and apt-get")
    subprocess.run([str(CLUSTER), "start"], check=True, capture_output=True, text=True, timeout=600)
    try:
        exports = subprocess.run([str(CLUSTER), "env"], check=True, capture_output=True, text=True).stdout
        env = dict(os.environ)
        env.update(re.findall(r"export (\w+)=['\"]?([^'\"\n]*)", exports))
        yield env
    finally:
        subprocess.run([str(CLUSTER), "stop"], capture_output=True, text=True, timeout=120)


def snakemake(workdir: Path, targets, env, *extra) -> subprocess.Popen:
    log = open(workdir / f"snakemake-{time.monotonic_ns()}.log", "w")
    command = [
        "timeout",
        "-s",
        "INT",
        "-k",
        "15",
        "900",
        sys.executable,
        "-m",
        "snakemake",
        *targets,
        "--configfile",
        "demo/config.yaml",
        *PROFILES,
        *extra,
    ]
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    process.log_path = log.name
    return process


def finished(process) -> tuple[int, str]:
    code = process.wait(timeout=960)
    return code, Path(process.log_path).read_text()


def cancel_when(env, comment: str, ready=lambda: True, timeout: float = 300) -> str:
    """scancel the first running job whose comment starts with ``comment`` once ``ready()``; its ID."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = subprocess.run(["squeue", "-h", "-t", "R", "-o", "%i %k"], env=env, capture_output=True, text=True).stdout
        for line in jobs.splitlines():
            job_id, _, job_comment = line.partition(" ")
            if job_comment.startswith(comment) and ready():
                subprocess.run(["scancel", job_id], env=env, check=True)
                return job_id
        time.sleep(0.2)
    raise AssertionError(f"no running {comment} job within {timeout} s")


def submitted_rules(log: str) -> list[str]:
    """The rules of the jobs a run started, and whether each went to SLURM."""
    assert not re.search(r"^localrule ", log, re.M), "a job ran outside SLURM"
    rules = re.findall(r"^rule (\w+):", log, re.M)
    assert len(re.findall(r"has been submitted with SLURM jobid \d+", log)) == len(rules)
    return rules


def test_demo_corpus_stage_through_slurm_equals_the_local_run_after_a_cancelled_job(slurm, demo_runs, tmp_path):
    work = fresh_clone(tmp_path / "work")
    first = snakemake(work, CORPUS, slurm)
    cancelled = cancel_when(slurm, "rule_extract_wikipedia")
    code, log = finished(first)
    assert code != 0 and f"SLURM jobid {cancelled}" in log, log[-3000:]
    first_rules = submitted_rules(log)
    assert {"download_wikipedia", "plan_extraction", "extract_wikipedia"} <= set(first_rules)
    code, log = finished(snakemake(work, CORPUS, slurm))  # the rerun redoes what the cancel broke
    assert code == 0, log[-3000:]
    assert "extract_wikipedia" in submitted_rules(log) and "corpus_stats" in submitted_rules(log)
    local = demo_runs[0]
    for target in CORPUS:
        assert (work / target).read_bytes() == (local / target).read_bytes(), target
    slurm_logs = {p.relative_to(work / ".snakemake/slurm_logs").parts[0] for p in (work / ".snakemake/slurm_logs").rglob("*.log")}
    assert slurm_logs == {f"rule_{rule}" for rule in first_rules + submitted_rules(log)}
    done = subprocess.run(
        [sys.executable, "-m", "snakemake", *CORPUS, "--configfile", "demo/config.yaml", "-n"], capture_output=True, text=True, cwd=work
    )
    assert "Nothing to be done" in done.stdout + done.stderr


def test_a_cancelled_pretraining_job_resumes_from_its_checkpoint(slurm, demo_runs, tmp_path):
    """The demo's finished run, less one pretrained model: its job is cancelled after the first
    checkpoint (scancel sends SIGTERM: the step is saved), the rerun resumes there and ends with
    the uninterrupted run's weights."""
    work = tmp_path / "work"
    shutil.copytree(demo_runs[0], work, symlinks=True)  # the demo's clone with its outputs: only the model is missing
    model = "results/pretraining/models/baseline-tiny"
    shutil.rmtree(work / model)
    shutil.rmtree(work / "checkpoints/pretrain/baseline-tiny")
    job = snakemake(work, [model], slurm)  # one thread, as the local run had (demo_world.job_threads): the same float sums
    saved = lambda: any((work / "checkpoints/pretrain/baseline-tiny").glob("*/step-*"))  # noqa: E731
    cancel_when(slurm, "rule_pretrain", ready=saved, timeout=400)
    code, log = finished(job)
    assert code != 0, log[-3000:]
    assert not (work / model).exists()
    pretrain_log = (work / "logs/pretrain/baseline-tiny.log").read_text()
    assert re.search(r"signal \d+: saving a checkpoint", pretrain_log), pretrain_log[-3000:]
    code, log = finished(snakemake(work, [model], slurm))
    assert code == 0, log[-3000:]
    assert submitted_rules(log) == ["pretrain"]
    assert re.search(r"resum\w+ from .*step-\d+", (work / "logs/pretrain/baseline-tiny.log").read_text())
    # the uninterrupted run's weights, byte for byte
    assert (work / model / "model.safetensors").read_bytes() == (demo_runs[0] / model / "model.safetensors").read_bytes()
    # and its training log, byte for byte: the checkpoint carries the logging window it was taken in
    for name in ("training_log.csv", "loss.png"):
        assert (work / model / name).read_bytes() == (demo_runs[0] / model / name).read_bytes(), name
