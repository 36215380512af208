"""Logging for rule scripts, the one convention of every job: everything a job prints — logging,
warnings, tqdm progress, the Hugging Face Trainer's loss dicts, tracebacks — goes to the rule's log
file, one line per update (tqdm's carriage returns become line ends); the console, shared by every
job of the run, shows Snakemake's own per-job progress and a failed job's one-line error."""

from __future__ import annotations

import io
import logging
import shutil
import sys
import time
import traceback

from xlclust.atomic import remove_stale_temporaries


def keep_failed_log(log_path: str) -> str:
    """A copy of a failed job's log beside it (``….log.failed-YYYYmmddTHHMMSS``): Snakemake deletes a
    job's log before running it again, and with it the failed attempt's message."""
    kept = f"{log_path}.failed-{time.strftime('%Y%m%dT%H%M%S')}"
    shutil.copyfile(log_path, kept)
    return kept


class LineLog(io.TextIOWrapper):
    """A log file in which a carriage return (tqdm redrawing its bar) ends the line instead."""

    def write(self, text: str) -> int:
        super().write(text.replace("\r\n", "\n").replace("\r", "\n"))
        return len(text)


def setup_logging(log_path: str, level: int = logging.INFO) -> None:
    """Send logging, warnings, stdout and stderr (tqdm, the Trainer's dicts) and tracebacks to ``log_path``.

    An uncaught exception is written to the log with its traceback, and its one-line message
    to the console, so that a failed job says what is wrong without opening the log; the log is
    kept beside it under another name, which a rerun does not delete.
    """
    console = sys.stderr
    log_file = LineLog(open(log_path, "wb"), encoding="utf-8", line_buffering=True)
    sys.stderr = sys.stdout = log_file
    logging.basicConfig(stream=log_file, level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    logging.captureWarnings(True)

    def report(kind, value, tb):
        traceback.print_exception(kind, value, tb, file=log_file)
        log_file.flush()
        kept = keep_failed_log(log_path)
        print(f"xlclust error: {value}\n(full traceback in {log_path}; kept as {kept})", file=console, flush=True)

    sys.excepthook = report


def limit_threads(threads: int) -> None:
    """Hold the thread pools already loaded to ``threads`` (scripts/workflow_package.py set the
    environment for those that load later): BLAS and OpenMP through threadpoolctl, torch's intra-op
    pool (and its inter-op pool to one: jobs here have no parallel graph branches to overlap)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads)  # not as a context: for the rest of the job
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        torch.set_num_threads(threads)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:  # already started: it keeps its size
            pass
    if "faiss" in sys.modules:
        sys.modules["faiss"].omp_set_num_threads(threads)


def start_job(job) -> None:
    """What every rule script does first, given Snakemake's ``snakemake`` object: log to the rule's
    log, hold its thread pools to the rule's ``threads:``, and remove what a killed earlier attempt
    of this job left (temporaries of its outputs, gigabytes with real dumps)."""
    setup_logging(job.log[0])
    limit_threads(max(1, int(job.threads)))
    for leftover in remove_stale_temporaries(job.output):
        logging.getLogger(__name__).info("removed %s, left by a killed earlier attempt of this job", leftover)
