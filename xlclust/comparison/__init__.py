"""The papers' published numbers beside this run's: the transcribed tables
(``xlclust/data/published/tables.csv``), one adapter per paper that reads this run's result tables into the
same cells, and the comparison table and report page."""
