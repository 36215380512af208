"""The GPUs of the machine Snakemake runs on, for its local limit of one GPU job per GPU
(``gpu_jobs`` in profiles/default): where there is none, model jobs run on the CPU and only the
cores bound them (the demo's tiny models two at a time on 2 cores, not one)."""

from __future__ import annotations

import os
from pathlib import Path

NVIDIA_GPUS = Path("/proc/driver/nvidia/gpus")  # one entry per GPU the NVIDIA driver sees


def visible_gpus(driver_dir: Path = NVIDIA_GPUS, environ=os.environ) -> int:
    """How many GPUs jobs started here can use: those the driver lists, narrowed by
    CUDA_VISIBLE_DEVICES where it is set (empty: none)."""
    found = len(list(driver_dir.iterdir())) if driver_dir.is_dir() else 0
    chosen = environ.get("CUDA_VISIBLE_DEVICES")
    if chosen is None:
        return found
    return min(found, len([device for device in chosen.split(",") if device.strip() not in ("", "-1")]))
