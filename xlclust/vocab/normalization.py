"""ICEBERT §2.1 text normalization: lowercase, every digit → 0 (as BPEmb prepared its text).

NFKC comes first because SentencePiece applies it when it segments: without it a "²" would
become a "2" inside the segmenter, after the digits were mapped.
"""

import re
import unicodedata

DIGIT = re.compile(r"\d")
NORMALIZATION = {"unicode": "NFKC", "lowercase": True, "digits": "0"}  # recorded in every vocabulary's metadata


def normalize(text: str) -> str:
    return DIGIT.sub("0", unicodedata.normalize("NFKC", text).lower())
