"""Rule paper_comparison: every published cell of the five papers beside this run's (results/paper_comparison.csv)
and the tables side by side as one page."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_csv_atomic, write_text_atomic
from xlclust.comparison.compare import run_comparison
from xlclust.comparison.page import comparison_page
from xlclust.comparison.papers import ADAPTERS
from xlclust.comparison.published import load_published
from xlclust.runlog import start_job

start_job(snakemake)
published = load_published()
adapters = [adapter for adapter in ADAPTERS if adapter.PAPER in snakemake.params.papers]
paths = {adapter.PAPER: {name: snakemake.input[f"{adapter.PAPER}_{name}"] for name in adapter.INPUTS} for adapter in adapters}
comparison = run_comparison(published, adapters, paths)
matched = comparison["ours"].notna()
print(f"{len(comparison)} published cells, {int(matched.sum())} with a value of this run")
print(comparison.groupby("paper", sort=False)["ours"].agg(cells="size", ours="count").to_string())
write_csv_atomic(comparison, snakemake.output.table)
write_text_atomic(snakemake.output.page, comparison_page(comparison, published, snakemake.params.demo, snakemake.params.papers))
