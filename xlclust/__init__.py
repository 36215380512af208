"""xlclust: the library behind the xlclust Snakemake workflow.

Every algorithm of the workflow lives here, importable and testable without Snakemake;
the rule scripts under ``scripts/`` only read ``snakemake.*`` and call into this package.
"""

__version__ = "0.1.0"
