"""The tagging comparison's data (van der Heijden et al. §Data): NER from CoNLL-2002/2003 (and Szeged
NER, BasqueGLUE's NERCid for zero-shot evaluation), POS from the same corpora's POS column in the 12
universal tags — read through the NER stage's loaders (files or the Hub), checked, and written as
tables of (id, language, tokens, tags) per task, language and split."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable

import pyarrow as pa

from xlclust.settings import DatasetSource
from xlclust.subsample import subsample
from xlclust.tagging.pos import extend_mapping, to_universal
from xlclust.token_classification.data import NerDataError, Sentence, check_sentences, read_sentences, sentences_table

log = logging.getLogger(__name__)
TASKS = ("ner", "pos")


@dataclasses.dataclass(frozen=True)
class PosSettings:
    """How a corpus's POS tags become universal ones: Petrov et al.'s ``map`` for its tagset, whether
    its tags are the map's cut short (``truncated``), and ``extra`` tags the map lacks."""

    map: str
    truncated: bool = False
    extra: dict = dataclasses.field(default_factory=dict)


def universal_pos(sentences: dict[str, list[Sentence]], mapping: dict[str, str], pos: PosSettings) -> dict[str, list[Sentence]]:
    """Every split's sentences with universal tags; the map is extended once, over all splits' tags."""
    tags = {tag for split in sentences.values() for sentence in split for tag in sentence.tags}
    extended = extend_mapping(mapping, tags, pos.truncated, pos.extra, pos.map)
    return {
        split: [Sentence(s.tokens, to_universal(s.tags, extended, s.where, pos.map), s.where) for s in split_sentences]
        for split, split_sentences in sentences.items()
    }


def prepare_task_language(
    task: str,
    source: DatasetSource,
    language: str,
    splits: Iterable[str],
    *,
    classes: list[str],
    pos: PosSettings | None = None,
    pos_mapping: dict[str, str] | None = None,
    limits: dict | None = None,
    seed: int = 0,
    invalid_tags: str = "repair",
    cache_dir: str | None = None,
) -> tuple[dict[str, pa.Table], list[dict], list[dict]]:
    """One task's ``splits`` of one language: (split → table, count rows, problem rows). NER tags are
    checked as the NER stage checks them (IOB2 of ``classes``, with its repairs listed); POS tags are
    mapped to the universal tags. Sentences without tokens are skipped and listed."""
    if task not in TASKS:
        raise ValueError(f"task {task!r} is not one of {TASKS}")
    read = {split: read_sentences(source, language, split, cache_dir, "ner_tags" if task == "ner" else "pos_tags") for split in splits}
    problems = []
    if task == "ner":
        drop = source.drop_classes or (source.files.drop_classes if source.files is not None else ())
        checked = {split: check_sentences(sentences, classes, invalid_tags, drop) for split, sentences in read.items()}
        kept = {split: result.sentences for split, result in checked.items()}
        problems = [{"task": task, "language": language, "split": split, **p} for split, r in checked.items() for p in r.problems]
    else:
        kept = {}
        for split, sentences in read.items():
            kept[split] = []
            for sentence in sentences:
                if sentence.tokens:
                    kept[split].append(sentence)
                else:
                    problems.append(
                        {
                            "task": task,
                            "language": language,
                            "split": split,
                            "where": sentence.where,
                            "problem": "a sentence without tokens",
                            "action": "skipped",
                        }
                    )
        kept = universal_pos(kept, pos_mapping, pos)
    tables, counts = {}, []
    for split, sentences in kept.items():
        used = subsample(sentences, (limits or {}).get(split), seed)
        if not used:
            where = getattr(source.files, split) if source.files is not None else source.hub.name
            raise NerDataError(f"{where}: no {split} sentences for {task} in {language!r}")
        tables[split] = sentences_table(used, language, split, f"{task}-{language}")
        counts.append(
            {"task": task, "language": language, "split": split, "sentences": len(used), "tokens": sum(len(s.tokens) for s in used)}
        )
    return tables, counts, problems
