"""Data files shipped with the package: the Wikipedia language editions xlclust knows
(wikipedia_languages.tsv, read by xlclust.languages)."""
