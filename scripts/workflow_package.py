"""Imported first by every rule script: puts this workflow's own xlclust package on sys.path.

Snakemake adds scripts/ to the search path of a rule script, not the workflow root, and a
rule's conda env does not have the package installed; this makes ``import xlclust`` find the
copy that belongs to the workflow being run.
"""

import sys
from pathlib import Path

workflow_root = str(Path(__file__).resolve().parent.parent)
if workflow_root not in sys.path:
    sys.path.insert(0, workflow_root)
