"""Semantic grouping ("Tomato, Tomahto, Tomate" §2.1): subword embedding rows grouped by k-means."""
