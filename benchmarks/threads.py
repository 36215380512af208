"""CPU oversubscription: a training job on a machine that other jobs keep busy, with its thread pools
left to themselves (torch, BLAS and OpenMP take every core and spin while they wait for one: how
rule jobs ran before) and held to the rule's threads the way scripts/workflow_package.py and
start_job hold them (OMP_NUM_THREADS etc., OMP_WAIT_POLICY=PASSIVE, torch.set_num_threads).

The job is the pretraining loop of the `small` model (benchmarks/pretraining.py, 128 IDs), the
competing load one busy process per core. Reports wall and CPU seconds of the job's process tree.
Writes benchmarks/results/threads.csv.

    python benchmarks/threads.py [--steps 30] [--job-threads 1]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import measure  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
HELD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "RAYON_NUM_THREADS")
LIMIT = "import torch; torch.set_num_threads({threads}); torch.set_num_interop_threads(1); import runpy, sys; sys.argv = {argv!r}; runpy.run_path({script!r}, run_name='__main__')"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--job-threads", type=int, default=1, help="the rule's threads:")
    parser.add_argument("--load", type=int, default=len(os.sched_getaffinity(0)), help="busy processes beside the job")
    parser.add_argument("--output", default=str(RESULTS / "threads.csv"))
    args = parser.parse_args()
    script = str(Path(__file__).resolve().parent / "pretraining.py")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        argv = [script, "--sizes", "small", "--seq-lens", "128", "--steps", str(args.steps), "--warmup", "2", "--batch", "16"]
        argv += ["--output", str(Path(scratch) / "pretraining.csv")]
        free = {k: v for k, v in os.environ.items() if k not in HELD and k != "OMP_WAIT_POLICY"}
        held = {**free, **dict.fromkeys(HELD, str(args.job_threads)), "OMP_WAIT_POLICY": "PASSIVE"}
        limited = [sys.executable, "-c", LIMIT.format(threads=args.job_threads, argv=argv, script=script)]
        for load in (0, args.load):
            busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(load)]
            try:
                for pools, command, env in (
                    ("left to themselves", [sys.executable, *argv], free),
                    ("held to the rule's threads", limited, held),
                ):
                    result = measure(command, env=env)
                    rows.append({"competing_processes": load, "thread_pools": pools, "job_threads": args.job_threads, **result})
                    print(rows[-1], flush=True)
            finally:
                for process in busy:
                    process.kill()
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(output, index=False)


if __name__ == "__main__":
    main()
