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


def backend_normalizers() -> list:
    """:func:`normalize` as Hugging Face ``tokenizers`` normalizers, which keep offsets into the
    original text. ``str.lower`` writes a word-final capital sigma as ς; ``Lowercase`` works
    character by character, so that rule comes first."""
    from tokenizers import Regex, normalizers

    cased = r"[\p{Ll}\p{Lu}\p{Lt}]"
    ignorable = r"[\p{Mn}\p{Me}\p{Cf}\p{Lm}\p{Sk}.:'·’]"  # case-ignorable: "Δ.Σ." ends in ς too
    return [
        normalizers.NFKC(),
        normalizers.Replace(Regex(f"(?<={cased}|{cased}{ignorable})Σ(?!{cased}|{ignorable}{cased})"), "ς"),
        normalizers.Lowercase(),
        normalizers.Replace(Regex(r"\p{Nd}"), "0"),
    ]
