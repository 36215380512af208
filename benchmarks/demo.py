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
from xlclust.demo.figures import compare_figures, read_expected  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "demo.csv"
FIELDS = ["date", "commit", "label", "machine", "cores", "jobs", "wall_s", "cpu_s", "peak_rss_mb", "figures_as_expected"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    repo = Path(__file__).resolve().parent.parent
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as scratch:
        clone = fresh_clone(Path(scratch))
        row = measure([sys.executable, "-m", "snakemake", *shlex.split(quick_start_demo())[1:]], cwd=clone)
        [log] = (clone / ".snakemake" / "log").glob("*.snakemake.log")  # the run's own log: one job per "Finished jobid"
        jobs = log.read_text(encoding="utf-8").count("\nFinished jobid: ")
        problems = compare_figures(pd.read_csv(clone / "results/demo_figures.csv"), read_expected(clone / "demo/expected_figures.csv"))
    row |= {
        "date": date.today().isoformat(),
        "commit": commit,
        "label": args.label,
        "machine": cpu_model(),
        "cores": os.cpu_count(),
        "jobs": jobs,
        "figures_as_expected": not problems,
    }
    new = not RESULTS.exists()
    with RESULTS.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        if new:
            writer.writeheader()
        writer.writerow({field: row[field] for field in FIELDS})
    print(row, *problems[:20], sep="\n")


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
