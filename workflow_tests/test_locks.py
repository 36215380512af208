"""The locks (locks/*.txt, `bash locks/refresh`) against pyproject.toml, against each other, against
the conda envs, and against what is installed: a fresh install gets the figures the demo's expected
figures were measured with only while all four agree."""

import importlib.metadata
import sys

import pytest
import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from workflow_tests.realdata import REPO

sys.path.insert(0, str(REPO / "locks"))
from pin_envs import env_lock, lock_pins, pinned, python_of  # noqa: E402

LOCKS = {"cpu": ["cpu"], "test": ["cpu", "test"], "gpu": ["gpu"]}  # lock -> the extras it resolves (locks/refresh)
CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"
CUDA_ONLY = {
    canonicalize_name(line) for line in (REPO / "locks" / "cuda-only.txt").read_text().splitlines() if line and not line.startswith("#")
}
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def pins(lock: str) -> dict[str, str]:
    return lock_pins(REPO / "locks" / f"{lock}.txt")


@pytest.mark.parametrize("lock", LOCKS)
def test_every_requirement_of_pyproject_is_locked_within_its_range(lock):
    locked = pins(lock)
    wanted = PROJECT["dependencies"] + [spec for extra in LOCKS[lock] for spec in PROJECT["optional-dependencies"][extra]]
    for requirement in map(Requirement, wanted):
        name = canonicalize_name(requirement.name)
        assert name in locked, f"locks/{lock}.txt lacks {name}: run `bash locks/refresh`"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"locks/{lock}.txt pins {name}=={locked[name]}, pyproject.toml asks {requirement.specifier}: run `bash locks/refresh`"
        )


def test_the_locks_pin_one_version_of_every_package_they_share():
    cpu, test, gpu = pins("cpu"), pins("test"), pins("gpu")
    assert {n: (v, test[n]) for n, v in cpu.items() if test.get(n, v) != v} == {}
    assert {n: (v, gpu[n]) for n, v in test.items() if gpu.get(n, v) != v} == {}


@pytest.mark.parametrize("lock", ["cpu", "test"])
def test_the_cpu_locks_take_torch_from_the_cpu_index_and_no_cuda_library(lock):
    text = (REPO / "locks" / f"{lock}.txt").read_text()
    assert CPU_INDEX in text.splitlines()
    locked = pins(lock)
    assert locked["torch"] == "2.13.0" and locked["faiss-cpu"] and "faiss-gpu" not in locked
    assert sorted(name for name in locked if name in CUDA_ONLY or name.startswith("nvidia-")) == []


def test_the_gpu_lock_has_cuda_torch_and_faiss_gpu():
    locked = pins("gpu")
    assert "faiss-cpu" not in locked and locked["faiss-gpu"]
    assert CUDA_ONLY - {"cuda-toolkit"} <= set(locked), sorted(CUDA_ONLY - set(locked))
    assert CPU_INDEX not in (REPO / "locks" / "gpu.txt").read_text()


@pytest.mark.parametrize("env", sorted((REPO / "envs").glob("*.yaml")), ids=lambda p: p.name)
def test_every_conda_env_pins_its_locks_versions(env):
    text = env.read_text()
    assert pinned(text, lock_pins(REPO / "locks" / f"{env_lock(text)}.txt", python_of(text)), env.name) == text, (
        f"envs/{env.name} differs from its lock: run `bash locks/refresh`"
    )


def test_this_environment_was_installed_from_the_test_lock():
    """What the README's test command installs (CI's too): any other version here means the install
    did not come from the lock, and the demo's figures may not be the expected ones."""
    differ = {}
    for name, version in pins("test").items():
        try:
            installed = Version(importlib.metadata.version(name)).public  # 2.13.0+cpu is 2.13.0
        except importlib.metadata.PackageNotFoundError:
            continue  # a package of another platform's fork, or one this install leaves out
        if installed != Version(version).public:
            differ[name] = (installed, version)
    assert differ == {}, f"installed versions differ from locks/test.txt (installed, locked): {differ}"


def test_the_lock_scripts_are_what_the_readme_and_ci_run():
    readme, ci = (REPO / "README.md").read_text(), (REPO / ".ci" / "run").read_text()
    assert "pip install --no-deps -r locks/cpu.txt -e ." in readme
    assert "pip install --no-deps -r locks/test.txt -e ." in readme and "-r locks/test.txt" in ci
    assert "bash locks/refresh" in readme
