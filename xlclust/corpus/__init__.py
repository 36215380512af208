"""Corpus tables: their schemas, statistics, packing into lines, α-smoothed sampling, shuffling."""
