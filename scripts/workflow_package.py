"""Imported first by every rule script: puts this workflow's own xlclust package on sys.path, and
holds every thread pool to the rule's ``threads:`` before numpy, torch or faiss load.

Snakemake adds scripts/ to the search path of a rule script, not the workflow root, and a
rule's conda env does not have the package installed; this makes ``import xlclust`` find the
copy that belongs to the workflow being run.

Thread pools read their size when they start: BLAS and OpenMP (numpy, scipy, faiss, torch) from
these variables, so they are set here, first. Left alone, each pool takes every core of the node,
and with several jobs on one machine the idle threads spin waiting for a core (the demo's CPU time
grew 3.8× on a shared 2-core machine); OMP_WAIT_POLICY=PASSIVE makes them sleep instead.

With ``numerics.portable_kernels`` (the demo sets it), the numeric libraries are held to the same
x86-64 kernels on every CPU, read when they load, so here too: OpenBLAS picks its kernels by the
CPU (numpy, scipy, gensim's word vectors: SkylakeX on an AVX-512 Xeon, Haswell on an AVX2 one), and
floats summed in another order made every later figure of the demo differ between machines.
"""

import os
import platform
import sys
from pathlib import Path

import __main__

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "RAYON_NUM_THREADS")
# AVX2, which every x86-64 server CPU since 2013 has: OpenBLAS's Haswell kernels, torch's AVX2
# dispatch, oneDNN and MKL (conditional numerical reproducibility) at that level
PORTABLE_KERNELS = {
    "OPENBLAS_CORETYPE": "Haswell",
    "ATEN_CPU_CAPABILITY": "avx2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "DNNL_MAX_CPU_ISA": "AVX2",
    "MKL_CBWR": "AVX2,STRICT",
    "MKL_ENABLE_INSTRUCTIONS": "AVX2",
}

workflow_root = str(Path(__file__).resolve().parent.parent)
if workflow_root not in sys.path:
    sys.path.insert(0, workflow_root)

job = getattr(__main__, "snakemake", None)  # Snakemake's script preamble defines it before the script runs
if job is not None:
    threads = str(max(1, int(job.threads)))
    for variable in THREAD_VARIABLES:
        os.environ[variable] = threads
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    os.environ["TOKENIZERS_PARALLELISM"] = "true" if threads != "1" else "false"
    if job.config.get("numerics", {}).get("portable_kernels") and platform.machine() in ("x86_64", "AMD64"):
        os.environ.update(PORTABLE_KERNELS)
