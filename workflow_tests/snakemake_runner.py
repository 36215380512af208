"""Running the workflow with Snakemake in a scratch working directory, as users do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from workflow_tests.realdata import REPO


def run_workflow(workdir: Path, config: dict | str | Path, targets=("all",), *extra: str, timeout: int = 600):
    """``snakemake targets -s REPO/Snakefile --directory workdir --configfile config extra...``.

    ``config`` is a config file, or a dict written to one in ``workdir``. One thread a job and the
    greedy scheduler: the tests' small jobs run two at a time on CI's 2 cores, not one on both.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    if isinstance(config, dict):
        config_path = workdir / "test-config.yaml"
        config_path.write_text(yaml.safe_dump(config, allow_unicode=True))
        config = config_path
    command = [
        sys.executable,
        "-m",
        "snakemake",
        *targets,
        "-s",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        "--cores",
        "2",
        "--max-threads",
        "1",
        "--scheduler",
        "greedy",
        "--configfile",
        str(config),
        *extra,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=workdir)


def output_of(result) -> str:
    return result.stdout + result.stderr
