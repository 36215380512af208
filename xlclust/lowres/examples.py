"""What the linear layers train on: word pairs grouped into examples, a sentence pair each (the unit
of the paper's batch of 2). Mined examples are mined anew for every iteration from a fresh sample
of both languages, in the space of the layers as they are then; supervised examples are the word-
aligned parallel sentences (the ``linear_sup`` baseline), the same for every pass."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from xlclust.atomic import atomic_path
from xlclust.errors import XlclustError
from xlclust.lowres.contextual import ContextualEncoder, WordVectors
from xlclust.lowres.layers import LayerMaps
from xlclust.lowres.mining import BACKWARD, BOTH, mine_pairs
from xlclust.lowres.settings import MiningSettings
from xlclust.search import EXACT, SearchSettings

log = logging.getLogger(__name__)


@dataclass
class PairExamples:
    """LM vectors (unmapped) of both words of every pair, pairs sorted by the example they belong to."""

    source_vectors: np.ndarray
    target_vectors: np.ndarray
    offsets: np.ndarray  # example i holds pairs offsets[i]:offsets[i+1]
    state: dict = field(default_factory=dict)  # what a checkpoint keeps to rebuild these
    stats: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.offsets) - 1

    def pair_rows(self, examples: np.ndarray) -> np.ndarray:
        return (
            np.concatenate([np.arange(self.offsets[i], self.offsets[i + 1]) for i in examples]) if len(examples) else np.zeros(0, np.int64)
        )


def grouped(
    source: WordVectors, target: WordVectors, source_rows, target_rows, keys: list[np.ndarray], state: dict, stats: dict
) -> PairExamples:
    """Pairs (rows of ``source`` and ``target``) grouped into examples by ``keys`` (sorted lexically)."""
    order = np.lexsort(keys[::-1])
    source_rows, target_rows = source_rows[order], target_rows[order]
    sorted_keys = np.stack([k[order] for k in keys], axis=1)
    starts = np.flatnonzero(np.any(sorted_keys[1:] != sorted_keys[:-1], axis=1)) + 1 if len(order) else np.zeros(0, np.int64)
    offsets = np.concatenate([[0], starts, [len(order)]]).astype(np.int64) if len(order) else np.zeros(1, np.int64)
    return PairExamples(source.vectors[source_rows], target.vectors[target_rows], offsets, state, stats)


class MinedExamples:
    """Examples mined from monolingual sentences (Hangya et al. 2022 §3.1)."""

    def __init__(
        self,
        encoder: ContextualEncoder,
        sentences: dict[str, list[list[str]]],
        languages: tuple[str, str],
        mining: MiningSettings,
        seed: int,
        search: SearchSettings = EXACT,
        record_dir: str | os.PathLike | None = None,
    ):
        """``record_dir``: where each iteration's mined pairs are written (words and similarity), so
        that a resumed run still reports every iteration's pairs."""
        self.encoder, self.sentences, self.languages = encoder, sentences, languages
        self.mining, self.seed, self.search = mining, seed, search
        self.record_dir = Path(record_dir) if record_dir is not None else None
        for lang in languages:
            if not sentences[lang]:
                raise XlclustError(f"no sentences of {lang} to mine")

    def sample(self, lang: str, iteration: int) -> np.ndarray:
        """The sentences of ``lang`` mined at ``iteration``: a seeded sample, a fresh one each time;
        for English (the target side) ``mining.target_sentences`` of them where set (App. C, Table 10)."""
        count = len(self.sentences[lang])
        wanted = self.mining.sentences_per_iteration
        if lang == self.languages[1] and self.mining.target_sentences is not None:
            wanted = self.mining.target_sentences
        size = min(count, wanted)
        salt = self.languages.index(lang)
        return np.sort(np.random.default_rng([self.seed, iteration, salt]).choice(count, size=size, replace=False))

    def build(self, iteration: int, maps: LayerMaps, state: dict | None = None) -> PairExamples:
        source_lang, target_lang = self.languages
        vectors = {}
        for lang in self.languages:
            chosen = self.sample(lang, iteration)
            vectors[lang] = self.encoder.encode([self.sentences[lang][i] for i in chosen], lang)
            vectors[lang].sentence = chosen[vectors[lang].sentence]  # indices into the whole corpus
        source, target = vectors[source_lang], vectors[target_lang]
        if state is None:
            mined = mine_pairs(
                maps.apply(source_lang, source.vectors),
                maps.apply(target_lang, target.vectors),
                self.mining.threshold,
                self.mining.mode,
                self.search,
                self.mining.factory,
            )
            if len(mined) == 0:
                raise XlclustError(
                    f"iteration {iteration}: no {source_lang}-{target_lang} word pair above the similarity threshold "
                    f"{self.mining.threshold} (config key 'lowres.mining.threshold')"
                )
            state = {
                "source_sentence": source.sentence[mined.source],
                "source_word": source.word[mined.source],
                "target_sentence": target.sentence[mined.target],
                "target_word": target.word[mined.target],
                "similarity": mined.similarity,
                "direction": mined.direction,
            }
            self.record(iteration, state)
        state = {key: np.asarray(value) for key, value in state.items()}
        source_rows = source.rows_of(state["source_sentence"], state["source_word"])
        target_rows = target.rows_of(state["target_sentence"], state["target_word"])
        if (source_rows < 0).any() or (target_rows < 0).any():
            raise XlclustError(f"iteration {iteration}: a checkpoint's mined pairs name words the sample does not have")
        stats = {
            "iteration": iteration,
            "source_words": len(source),
            "target_words": len(target),
            "pairs": len(source_rows),
            "backward_pairs": int((state["direction"] == BACKWARD).sum()),  # found from the target side only
            "both_pairs": int((state["direction"] == BOTH).sum()),
            "mean_similarity": float(state["similarity"].mean()),
        }
        keys = [state["source_sentence"], state["target_sentence"]]  # one example per sentence pair: the union has one set of pairs
        return grouped(source, target, source_rows, target_rows, keys, state, stats)

    def record(self, iteration: int, state: dict) -> None:
        if self.record_dir is None:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        source_lang, target_lang = self.languages
        words = {
            "iteration": np.full(len(state["similarity"]), iteration, np.int32),
            "source_word": [self.sentences[source_lang][s][w] for s, w in zip(state["source_sentence"], state["source_word"])],
            "target_word": [self.sentences[target_lang][s][w] for s, w in zip(state["target_sentence"], state["target_word"])],
            "source_sentence": state["source_sentence"],
            "source_position": state["source_word"],
            "target_sentence": state["target_sentence"],
            "target_position": state["target_word"],
            "similarity": state["similarity"],
            "direction": state["direction"],
        }
        with atomic_path(self.record_dir / f"mined-{iteration:05d}.parquet", suffix=".parquet") as tmp:
            pq.write_table(pa.table(words), tmp)


def recorded_pairs(record_dir: str | os.PathLike):
    """Every iteration's mined pairs that ``MinedExamples`` recorded, as one table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted(Path(record_dir).glob("mined-*.parquet"))
    return pa.concat_tables([pq.read_table(f) for f in files]) if files else None


class AlignedExamples:
    """Word-aligned parallel sentences (the supervised ``linear_sup`` baseline, §4.2)."""

    def __init__(
        self,
        encoder: ContextualEncoder,
        languages: tuple[str, str],
        source: list[list[str]],
        target: list[list[str]],
        links: list[np.ndarray],
    ):
        if not (len(source) == len(target) == len(links)):
            raise XlclustError(f"parallel data: {len(source)} source, {len(target)} target sentences and {len(links)} link lists")
        self.source = encoder.encode(source, languages[0])
        self.target = encoder.encode(target, languages[1])
        sentence = np.concatenate([np.full(len(pairs), i, np.int64) for i, pairs in enumerate(links)] or [np.zeros(0, np.int64)])
        pairs = np.concatenate([np.asarray(p, np.int64).reshape(-1, 2) for p in links] or [np.zeros((0, 2), np.int64)])
        source_rows = self.source.rows_of(sentence, pairs[:, 0])
        target_rows = self.target.rows_of(sentence, pairs[:, 1])
        kept = (source_rows >= 0) & (target_rows >= 0)  # words cut off by the LM's length have no vector
        if not kept.any():
            raise XlclustError("parallel data: no aligned word pair to train on")
        self.examples = grouped(self.source, self.target, source_rows[kept], target_rows[kept], [sentence[kept]], {}, {})
        log.info("%d aligned word pairs in %d sentence pairs", kept.sum(), self.examples.count)

    def build(self, iteration: int, maps: LayerMaps, state: dict | None = None) -> PairExamples:
        return self.examples
