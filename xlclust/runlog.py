"""Logging for rule scripts: everything to the rule's log file, the final error to the console too."""

from __future__ import annotations

import logging
import sys
import traceback


def setup_logging(log_path: str, level: int = logging.INFO) -> None:
    """Send logging, warnings, tqdm progress (stderr) and tracebacks to ``log_path``.

    An uncaught exception is written to the log with its traceback, and its one-line message
    to the console, so that a failed job says what is wrong without opening the log.
    """
    console = sys.stderr
    log_file = open(log_path, "w", buffering=1, encoding="utf-8")
    sys.stderr = log_file
    logging.basicConfig(
        stream=log_file, level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    logging.captureWarnings(True)

    def report(kind, value, tb):
        traceback.print_exception(kind, value, tb, file=log_file)
        log_file.flush()
        print(f"xlclust error: {value}\n(full traceback in {log_path})", file=console, flush=True)

    sys.excepthook = report
