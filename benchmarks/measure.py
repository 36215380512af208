"""Run a command, and measure wall time, CPU time and peak memory of its whole process tree."""

from __future__ import annotations

import resource
import subprocess
import tempfile
import time

import psutil


def measure(command: list[str], poll_seconds: float = 0.02, **popen) -> dict:
    # stderr goes to a file: a pipe nobody reads while polling fills at 64 KiB and stops the command
    # there (Snakemake logs every job to stderr: the whole demo hung after its first 58 jobs)
    with tempfile.TemporaryFile() as errors:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, **popen)
        peak = 0
        while process.poll() is None:
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(poll_seconds)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if process.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{command[:3]} failed: {errors.read().decode(errors='replace')[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "peak_rss_mb": round(peak / 2**20, 1)}
