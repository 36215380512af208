"""The README's demo command, as a new user runs it: a fresh clone of this checkout, then
`snakemake all --configfile demo/config.yaml` from its root; wall time, CPU time and peak memory of
the whole run, and whether its figures are demo/expected_figures.csv's. Appends a row to
benchmarks/results/demo.csv (the issue's target: 10 minutes on 2 idle cores).

    python benchmarks/demo.py [--label after]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shlex
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.measure import measure  # noqa: E402
from workflow_tests.commands import fresh_clone, quick_start_demo  # noqa: E402
from xlclust.atomic import write_csv_atomic  # noqa: E402
from xlclust.demo.figures import compare_figures, read_expected  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "demo.csv"
FIELDS = ["date", "commit", "label", "machine", "cores", "jobs", "wall_s", "cpu_s", "peak_rss_mb", "figures_as_expected", "speed_probe_s"]
# What most demo jobs spend their first seconds on (torch, transformers' model classes), then a fixed
# numpy product: its CPU seconds, before and after the run, tell a slow hour of this shared machine
# (the same jobs took 1.4x the CPU time an hour apart) from a slower demo.
SPEED_PROBE = (
    "import numpy, torch; from transformers import BertForTokenClassification; "
    "a = numpy.random.default_rng(0).random((600, 600)); [a @ a for _ in range(40)]"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    repo = Path(__file__).resolve().parent.parent
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    probes = [speed_probe()]
    with tempfile.TemporaryDirectory() as scratch:
        clone = fresh_clone(Path(scratch))
        row = measure([sys.executable, "-m", "snakemake", *shlex.split(quick_start_demo())[1:]], cwd=clone)
        [log] = (clone / ".snakemake" / "log").glob("*.snakemake.log")  # the run's own log: one job per "Finished jobid"
        jobs = log.read_text(encoding="utf-8").count("\nFinished jobid: ")
        problems = compare_figures(pd.read_csv(clone / "results/demo_figures.csv"), read_expected(clone / "demo/expected_figures.csv"))
    probes.append(speed_probe())
    row |= {
        "speed_probe_s": round(sum(probes) / len(probes), 2),
        "date": date.today().isoformat(),
        "commit": commit,
        "label": args.label,
        "machine": cpu_model(),
        "cores": os.cpu_count(),
        "jobs": jobs,
        "figures_as_expected": not problems,
    }
    # rewritten whole, so that rows from before a column existed keep their places (blank there)
    rows = list(csv.DictReader(RESULTS.open(newline=""))) if RESULTS.exists() else []
    rows.append({field: row[field] for field in FIELDS})
    write_csv_atomic(pd.DataFrame(rows, columns=FIELDS), RESULTS)
    print(row, *problems[:20], sep="\n")


def speed_probe() -> float:
    """CPU seconds of SPEED_PROBE in a fresh single-threaded process."""
    environment = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return measure([sys.executable, "-c", SPEED_PROBE], env=environment)["cpu_s"]


def cpu_model() -> str:
    """The processor's name as Linux reports it (platform.processor() is empty there)."""
    cpuinfo = Path("/proc/cpuinfo")
    names = (
        [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        if cpuinfo.exists()
        else []
    )
    return names[0] if names else platform.processor() or platform.machine()


if __name__ == "__main__":
    main()
