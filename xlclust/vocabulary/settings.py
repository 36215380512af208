"""The vocabulary stage's settings (config section ``vocabulary``); defaults live in the schema."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from xlclust.settings import settings_from


@dataclass(frozen=True)
class BPEmbSettings:
    """``vocabulary.bpemb``: where the published files come from and how they are trusted."""

    base_url: str
    cache_dir: str
    large_vocab: int
    small_vocab: int
    sha256: Mapping[str, str] = field(default_factory=dict)  # path in the cache -> hex digest
    record_sha256: bool = False


@dataclass(frozen=True)
class SubwordTrainingSettings:
    """``vocabulary.train``: SentencePiece BPE and skip-gram (or fastText) on the extracted corpus."""

    character_coverage: float
    max_sentences: int
    algorithm: str
    window: int
    epochs: int
    negative: int
    min_count: int
    deterministic: bool


@dataclass(frozen=True)
class VocabularySettings:
    """What one language's vocabulary needs: its size and dimension and its source's section (the
    workflow passes only that source's, so that the other's changes never rerun the job)."""

    size: int
    dim: int
    bpemb: BPEmbSettings | None = None
    train: SubwordTrainingSettings | None = None

    @classmethod
    def from_config(cls, section: Mapping, key: str = "vocabulary") -> VocabularySettings:
        return settings_from(cls, {name: section[name] for name in ("size", "dim", "bpemb", "train") if name in section}, key)
