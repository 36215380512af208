"""Settings of the low-resource alignment system (config section ``lowres``); defaults live in the schema."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MiningSettings:
    """``lowres.mining`` (Hangya et al. 2022 §3.1)."""

    sentences_per_iteration: int  # sentences sampled of each language before every mining
    threshold: float  # a pair is kept when its cosine similarity exceeds this
    mode: str  # the method's: forward_backward (mined) keeps both directions' pairs; intersection (§5.3) pairs found in both


@dataclass(frozen=True)
class UpdateSettings:
    """``lowres.update`` (§3.2): the linear layers' training on mined (or aligned parallel) word pairs."""

    steps: int
    batch_size: int  # sentence pairs (with their word pairs) per micro-batch
    gradient_accumulation: int
    learning_rate: float
    warmup_steps: int
    adam_betas: tuple[float, float]
    adam_epsilon: float
    max_grad_norm: float  # 0: no clipping
    init_noise: float  # weights start at identity + U(0, init_noise)
    bias: bool
    loss: str  # sum: Σ‖E_s − E_t‖² (the paper); mean: mean squared error (the public code)
    checkpoint_every: int
    log_every: int


@dataclass(frozen=True)
class ProbeSettings:
    """``lowres.ner`` (§4.2): a linear tagger over the frozen, aligned encoder, trained on English."""

    batch_size: int
    learning_rate: float
    warmup_steps: int
    dropout: float
    max_steps: int
    evaluate_every: int  # steps between dev evaluations (early stopping on the target's dev set)
    patience: int  # evaluations without improvement before stopping


@dataclass(frozen=True)
class VecmapSettings:
    """``lowres.vecmap`` (§4.2): the type-level anchors and the orthogonal map of the vecmap baselines."""

    words: int  # the most frequent word types that get an anchor
    sentences_per_word: int  # occurrences averaged into an anchor
    normalize: list[str]  # the alignment stage's steps before the map (unit, center)
    self_learning: str  # none, procb or mnn (the alignment stage's)
    rounds: int


@dataclass(frozen=True)
class FullSupSettings:
    """``lowres.full_sup`` (Cao et al. 2020 §3): the regularizer's weight λ on the English side."""

    regularization: float
