"""Headless Chromium for tests that look at HTML as a reader would (Debian's `chromium`, installed
on first use when missing, as ../shared/tools/slurm-test-cluster installs SLURM)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        import pytest

        pytest.skip("headless Chromium is not installed and installing Debian's chromium needs root and apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], check=True, capture_output=True, env=env, timeout=600
    )
    return shutil.which("chromium")


def render(page: Path, screenshot: Path, width: int = 1400, height: int = 1000) -> str:
    """Load ``page`` with its scripts run (10 s of virtual time), save a screenshot; the rendered DOM."""
    common = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000", f"--window-size={width},{height}"]
    subprocess.run([*common, f"--screenshot={screenshot}", page.as_uri()], check=True, capture_output=True, timeout=120)
    return subprocess.run([*common, "--dump-dom", page.as_uri()], check=True, capture_output=True, text=True, timeout=120).stdout
