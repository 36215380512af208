"""Where and how a training job runs: its numeric precision, and stop signals turned into a
checkpoint-then-stop request (SLURM sends SIGTERM or SIGUSR1 before preemption and time limits)."""

from __future__ import annotations

import logging
import signal

from xlclust.errors import XlclustError

log = logging.getLogger(__name__)


def choose_precision(requested: str) -> str:
    if requested != "auto":
        return requested
    import torch  # here, not at the top: jobs that only stop on signals or read sentences never load torch

    if torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        return "bf16"
    try:
        import torch_xla  # noqa: F401

        return "bf16"
    except ImportError:
        return "no"


class StopRequest:
    """Turns SIGTERM/SIGUSR1 into a request to checkpoint and stop after the current step."""

    def __init__(self):
        self.requested = False
        self._previous = {}

    def __enter__(self):
        for sig in (signal.SIGTERM, signal.SIGUSR1):
            try:
                self._previous[sig] = signal.signal(sig, self._handle)
            except ValueError:  # not the main thread
                pass
        return self

    def _handle(self, signum, frame):
        log.warning("signal %d: saving a checkpoint after this step, then stopping", signum)
        self.requested = True

    def __exit__(self, *exc):
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


class Preempted(XlclustError):
    """Raised after a checkpoint was saved on a stop signal; the job should be requeued."""
