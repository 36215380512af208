"""Settings of the low-resource alignment system (config section ``lowres``); defaults live in the schema."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MiningSettings:
    """``lowres.mining`` (Hangya et al. 2022 §3.1)."""

    sentences_per_iteration: int  # sentences sampled of each language before every mining
    threshold: float  # a pair is kept when its cosine similarity exceeds this
    mode: str  # the method's: forward_backward (mined) the union of both directions' pairs; intersection (§5.3) pairs found in both
    search: str = "exact"  # exact cosine (§3.1) or a faiss index factory string such as App. C's "IVF100,PQ8"
    target_sentences: int | None = None  # English sentences sampled as candidates (App. C, Table 10); None: sentences_per_iteration

    @property
    def factory(self) -> str | None:
        """The faiss index factory string of an approximate search; None for exact search."""
        return None if self.search == "exact" else self.search


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
    self_learning: str  # vecmap (its self-learning, §4.2's "iterative refinement"), none, or the alignment stage's procb / mnn
    rounds: int  # procb / mnn rounds (vecmap's loop stops by its own criterion)
    refinement: RefinementSettings | None = None  # vecmap's loop; None: vecmap's own defaults


@dataclass(frozen=True)
class RefinementSettings:
    """``lowres.vecmap.refinement``: VecMap's self-learning loop (Artetxe et al. 2018), with the
    defaults of its map_embeddings.py for a seed dictionary (--semi_supervised / --identical)."""

    vocabulary_cutoff: int = 20000  # the most frequent words of each side a dictionary is induced over
    csls_k: int = 10  # CSLS neighbourhood of the dictionary induction
    threshold: float = 1e-6  # an improvement of the objective smaller than this does not count
    stochastic_initial: float = 0.1  # keep probability of a similarity in the first iterations
    stochastic_multiplier: float = 2.0  # the keep probability's growth after stochastic_interval iterations without improvement
    stochastic_interval: int = 50


@dataclass(frozen=True)
class FullSupSettings:
    """``lowres.full_sup`` (Cao et al. 2020 §3): the regularizer's weight λ on the English side."""

    regularization: float
