"""ICEBERT §2.1 text normalization, the same BPEmb applied to its training text."""

import re

DIGIT = re.compile(r"\d")
NORMALIZATION = {"lowercase": True, "digits": "0"}  # recorded in every vocabulary's metadata


def normalize(text: str) -> str:
    """Lowercase, and map every (Unicode) decimal digit to 0."""
    return DIGIT.sub("0", text.lower())
