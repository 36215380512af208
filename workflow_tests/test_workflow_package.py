"""scripts/workflow_package.py: what every rule script imports first, and what it sets before numpy,
torch or faiss load (thread pools; with numerics.portable_kernels, the same kernels on every CPU)."""

import ast
import json
import os
import platform
import subprocess
import sys

import pytest

from workflow_tests.realdata import REPO

SCRIPTS = sorted(p for p in (REPO / "scripts").glob("*.py") if p.name != "workflow_package.py")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_script_imports_workflow_package_before_any_other_package(script):
    imported = []
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            imported += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module.split(".")[0])
    assert "workflow_package" in imported
    before = imported[: imported.index("workflow_package")]
    assert [name for name in before if name not in sys.stdlib_module_names and name != "__future__"] == []


def job_environment(config: dict, threads: int = 3) -> dict:
    """The environment workflow_package leaves, in a fresh interpreter whose __main__ has a
    Snakemake-like ``snakemake`` object."""
    code = f"""
import __main__, json, os, sys, types
__main__.snakemake = types.SimpleNamespace(threads={threads}, config={config!r})
sys.path.insert(0, {str(REPO / "scripts")!r})
import workflow_package
print(json.dumps(dict(os.environ)))
"""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "ATEN_CPU_CAPABILITY", "MKL_CBWR")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, timeout=60)
    return json.loads(result.stdout)


def test_thread_pools_take_the_rules_threads():
    env = job_environment({}, threads=3)
    assert env["OMP_NUM_THREADS"] == env["OPENBLAS_NUM_THREADS"] == env["MKL_NUM_THREADS"] == "3"
    assert "OPENBLAS_CORETYPE" not in env  # each CPU's fastest kernels unless asked


X86_ONLY = pytest.mark.skipif(platform.machine() != "x86_64", reason="the portable kernels are x86-64's")


@X86_ONLY
def test_portable_kernels_hold_every_library_to_avx2():
    env = job_environment({"numerics": {"portable_kernels": True}})
    assert env["OPENBLAS_CORETYPE"] == "Haswell" and env["ATEN_CPU_CAPABILITY"] == "avx2" and env["MKL_CBWR"].startswith("AVX2")


@X86_ONLY
def test_the_portable_kernels_reach_numpys_openblas_and_torch():
    """Set before the libraries load, the variables take effect (numpy's OpenBLAS reports its
    kernel through threadpoolctl; torch its dispatch level)."""
    code = f"""
import __main__, sys, types
__main__.snakemake = types.SimpleNamespace(threads=1, config={{"numerics": {{"portable_kernels": True}}}})
sys.path.insert(0, {str(REPO / "scripts")!r})
import workflow_package
import numpy, torch
from threadpoolctl import threadpool_info
print([i.get("architecture") for i in threadpool_info() if i.get("internal_api") == "openblas"], torch.backends.cpu.get_cpu_capability())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120).stdout
    assert "Haswell" in out and out.strip().endswith("AVX2"), out
