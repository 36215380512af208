"""Writes the locks' versions into the conda envs (envs/*.yaml), which cannot be resolved here (no
conda channel): every package an env names gets the version its lock pins for the env's Python on
Linux x86_64 (envs holding faiss-gpu read the GPU lock, the others the CPU lock). Run by
locks/refresh; workflow_tests/test_locks.py checks that envs and locks agree."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"matplotlib-base": "matplotlib"}  # conda's name -> the PyPI distribution
NOT_PACKAGES = {"python", "pip"}
ENTRY = re.compile(r"^(?P<lead>\s*-\s+)(?P<name>[A-Za-z0-9_.\-]+)(?P<pin>\s*==?\s*[^\s#]+)?(?P<rest>.*)$")


def lock_pins(path: Path, python: str = "3.11") -> dict[str, str]:
    """package -> version, for CPython ``python`` on Linux x86_64 (a universal lock may fork by platform)."""
    environment = {"python_version": python, "python_full_version": f"{python}.0", "sys_platform": "linux",
                   "platform_system": "Linux", "platform_machine": "x86_64", "implementation_name": "cpython",
                   "platform_python_implementation": "CPython", "os_name": "posix"}  # fmt: skip
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        requirement, _, marker = line.partition(";")
        if "==" not in requirement or line.startswith((" ", "#", "-")):
            continue
        if marker.strip() and not Marker(marker.strip()).evaluate(environment):
            continue
        name, version = (part.strip() for part in requirement.split("=="))
        pins[canonicalize_name(name)] = version
    return pins


def env_lock(text: str) -> str:
    """The lock an env's pins come from."""
    return "gpu" if re.search(r"^\s*-\s+faiss-gpu\b", text, re.M) else "cpu"


def python_of(text: str) -> str:
    match = re.search(r"^\s*-\s+python\s*=\s*([0-9.]+)", text, re.M)
    return match.group(1) if match else "3.11"


def pinned(text: str, pins: dict[str, str], source: str) -> str:
    """The env's text with each package's version set to the lock's (conda's ``=``, pip's ``==``)."""
    lines, in_dependencies = [], False
    for line in text.splitlines(keepends=True):
        if not line.startswith((" ", "#")):
            in_dependencies = line.startswith("dependencies:")
        match = in_dependencies and ENTRY.match(line.rstrip("\n"))
        name = match and canonicalize_name(CONDA_NAMES.get(match["name"], match["name"]))
        if not match or name in NOT_PACKAGES:
            lines.append(line)
            continue
        if name not in pins:
            sys.exit(f"{source}: {match['name']} is in no lock (add it to pyproject.toml, then rerun locks/refresh)")
        operator = "==" if line.startswith("      ") else "="  # pip entries sit under `- pip:`
        lines.append(f"{match['lead']}{match['name']}{operator}{pins[name]}{match['rest']}\n")
    return "".join(lines)


def main() -> None:
    for env in sorted((ROOT / "envs").glob("*.yaml")):
        text = env.read_text(encoding="utf-8")
        pins = lock_pins(ROOT / "locks" / f"{env_lock(text)}.txt", python_of(text))
        env.write_text(pinned(text, pins, f"envs/{env.name}"), encoding="utf-8")


if __name__ == "__main__":
    main()
