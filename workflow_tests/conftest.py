"""Shared fixtures: the repository, and the demo run every workflow test module can compare with."""

import os

# Under pytest-xdist each worker gets its share of the cores, before torch or numpy start their
# thread pools: two workers whose pools each took every core (and spun waiting for them) made the
# unit tests three times slower on 2 cores.
if os.environ.get("PYTEST_XDIST_WORKER"):
    _share = str(max(1, (os.cpu_count() or 1) // int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))))
    for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "RAYON_NUM_THREADS"):
        os.environ.setdefault(_variable, _share)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import shlex  # noqa: E402
import shutil  # noqa: E402

import pytest  # noqa: E402

from workflow_tests.commands import fresh_clone, quick_start_demo, run_snakemake
from workflow_tests.realdata import REPO
from workflow_tests.snakemake_runner import output_of, run_workflow


@pytest.fixture
def repo():
    return REPO


DEMO = str(REPO / "demo" / "config.yaml")
# Rebuilt in the second run (the targets: files, or directory outputs) and compared byte for byte
# with the first (the files; a directory's timing records, such as training.json, are left out).
COMPARED = {
    "results/alignment/qcy/mapped.npy": [],
    "results/bli_scores.csv": [],
    "results/clusters/token2cid.parquet": [],
    "results/clusters/vocab.txt": [],
    "results/grouping/vocabulary/kmeans20/token2cid.parquet": [],
    "results/grouping/tiny/firstk20/token2cid.parquet": [],
    "results/grouping/tiny/kmeans20/model": ["model.safetensors", "token_groups.json"],
    "results/grouping/tiny/clsa-demo/kmeans20/translations.json": [],
    "results/grouping/tiny/d8/model": ["model.safetensors"],
    "results/tokenizers/icebert": ["cluster_tokenizer.json"],
    "results/tokenizers/baseline": ["sentencepiece.model"],
    "results/pretraining/encoded/mix/icebert": ["shard-00001.parquet"],
    "results/pretraining/encoded/mix/baseline": ["shard-00002.parquet"],
}
COMPARED_FILES = [f"{target}/{name}" if names else target for target, names in COMPARED.items() for name in (names or [None])]
# What the second run deletes from its copy of the first: the stages from the alignment to the
# encoded corpora. The others are tested for determinism on their own — corpus and vocabulary
# (test_corpus, test_vocab), pretraining and fine-tuning, which end with the same weights when run
# again or resumed (test_pretraining, test_tydiqa) — and rebuilding them too would double the suite's
# longest test.
REBUILT = [
    "results/alignment",
    "results/dictionaries",
    "results/bli",
    "results/bli_scores.csv",
    "results/clusters",
    "results/grouping",
    "results/tokenizers",
    "results/pretraining/encoded",
    "resources/demo/model",
]


@pytest.fixture(scope="session")
def demo_runs(tmp_path_factory):
    """The demo as the README's quick start runs it (its literal command, in a fresh clone, no
    --cores), then its stages from the alignment on again in a copy."""
    first = fresh_clone(tmp_path_factory.mktemp("first"))
    result = run_snakemake(shlex.split(quick_start_demo())[1:], first, timeout=3600)  # 10-12 min on 2 cores (2026-12-05)
    assert result.returncode == 0, output_of(result)[-4000:]
    second = tmp_path_factory.mktemp("second") / "work"
    shutil.copytree(first, second, symlinks=True)  # keeps modification times: Snakemake sees the kept outputs as done
    for path in REBUILT:
        target = second / path
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    result = run_workflow(second, DEMO, list(COMPARED), timeout=1500)
    assert result.returncode == 0, output_of(result)[-4000:]
    return first, second
