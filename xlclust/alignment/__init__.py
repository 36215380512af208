"""Cross-lingual embedding spaces: dictionaries, Procrustes alignment, BLI evaluation."""
