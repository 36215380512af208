"""The adapters of the five papers, in the order of the systems (README)."""

from xlclust.comparison import hangya, heijden, icebert, shaffer, tomato

ADAPTERS = (icebert, tomato, shaffer, hangya, heijden)
