"""TyDi QA GoldP (SQuAD v1.1 format): loading from the Hugging Face Hub or local JSON files,
checking, and the flat question table every later step reads.

Both sources end in the same records — ``id, title, context, question, answers{text,
answer_start}, language`` — the Hub's ``secondary_task`` schema, so the rest of the stage
never knows where the data came from.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field

import pyarrow as pa

from xlclust.errors import XlclustError
from xlclust.locations import local_path
from xlclust.settings import DatasetSource
from xlclust.subsample import subsample
from xlclust.textfiles import empty_file, read_text

log = logging.getLogger(__name__)

# TyDi QA names its languages in its question IDs ("swahili-8211…-4"); GoldP has nine of them.
TYDIQA_LANGUAGES = {
    "ar": "arabic",
    "bn": "bengali",
    "en": "english",
    "fi": "finnish",
    "id": "indonesian",
    "ko": "korean",
    "ru": "russian",
    "sw": "swahili",
    "te": "telugu",
}
# Published GoldP v1.1 sizes (Clark et al. 2020; XTREME Table 5: "test" = the GoldP dev set).
PUBLISHED_SIZES = {
    "train": {"ar": 14805, "bn": 2390, "en": 3696, "fi": 6855, "id": 5702, "ko": 1625, "ru": 6490, "sw": 2755, "te": 5563},
    "dev": {"ar": 921, "bn": 113, "en": 440, "fi": 782, "id": 565, "ko": 276, "ru": 812, "sw": 499, "te": 669},
}
HUB_SPLITS = {"train": "train", "dev": "validation"}
PROBLEM_COLUMNS = ["split", "language", "id", "problem", "action"]

SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("context", pa.string()),
        ("question", pa.string()),
        ("answers", pa.struct([("text", pa.list_(pa.string())), ("answer_start", pa.list_(pa.int32()))])),
        ("language", pa.string()),
    ]
)


class QADataError(XlclustError):
    """A QA file or dataset that cannot be used; the message names the file and question."""


@dataclass
class CheckedSplit:
    """One language's questions of one split, and the questions found wrong in it."""

    records: list[dict]
    problems: list[dict] = field(default_factory=list)


def read_squad_json(path: str | os.PathLike, language: str, config_key: str | None = None) -> list[dict]:
    """The questions of a SQuAD v1.1 JSON file (``{"data": [{"title", "paragraphs": [{"context",
    "qas": [{"id", "question", "answers": [{"text", "answer_start"}]}]}]}]}``) as flat records.

    A missing or mistyped field is an error naming the file, its place and the question ID."""
    text = read_text(path, "utf-8", QADataError)
    if not text.strip():
        raise empty_file(path, "questions", config_key, QADataError)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise QADataError(f"{path}: not valid JSON ({error})") from error
    articles = _field(document, "data", list, path, "the top level")
    records = []
    for a, article in enumerate(articles):
        where = f"data[{a}]"
        title = article.get("title", "") if isinstance(article, dict) else ""
        for p, paragraph in enumerate(_field(article, "paragraphs", list, path, where)):
            context = _field(paragraph, "context", str, path, f"{where}.paragraphs[{p}]")
            for q, qa in enumerate(_field(paragraph, "qas", list, path, f"{where}.paragraphs[{p}]")):
                place = f"{where}.paragraphs[{p}].qas[{q}]"
                question_id = _field(qa, "id", str, path, place)
                place = f"{place} (id {question_id})"
                answers = _field(qa, "answers", list, path, place)
                texts = [_field(answer, "text", str, path, f"{place}.answers[{i}]") for i, answer in enumerate(answers)]
                starts = [_field(answer, "answer_start", int, path, f"{place}.answers[{i}]") for i, answer in enumerate(answers)]
                records.append(
                    {
                        "id": question_id,
                        "title": str(title),
                        "context": context,
                        "question": _field(qa, "question", str, path, place),
                        "answers": {"text": texts, "answer_start": starts},
                        "language": language,
                    }
                )
    return records  # none: prepare_split refuses the language, naming the file


def _field(container, name: str, kind: type, path, where: str):
    if not isinstance(container, dict) or name not in container:
        raise QADataError(f"{path}: {where} has no field '{name}'")
    value = container[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise QADataError(f"{path}: {where}: field '{name}' should be {kind.__name__}, not {type(value).__name__}")
    return value


def load_hub_split(
    name: str, config: str | None, split: str, revision: str | None = None, cache_dir: str | None = None
) -> dict[str, list[dict]]:
    """One split of the Hub dataset, by language (from the ID prefix), as flat records."""
    import datasets

    hub_split = HUB_SPLITS[split]
    dataset = datasets.load_dataset(name, config, split=hub_split, revision=revision, cache_dir=cache_dir)
    missing = {"id", "context", "question", "answers"} - set(dataset.column_names)
    if missing:
        raise QADataError(f"{name} ({config}, {hub_split}): no column {sorted(missing)}; is this TyDi QA GoldP?")
    codes = {tydi: code for code, tydi in TYDIQA_LANGUAGES.items()}
    by_language: dict[str, list[dict]] = {}
    for row in dataset:
        prefix = row["id"].split("-", 1)[0]
        if prefix not in codes:
            raise QADataError(f"{name} ({hub_split}): question {row['id']} names no TyDi QA GoldP language")
        answers = {"text": list(row["answers"]["text"]), "answer_start": [int(s) for s in row["answers"]["answer_start"]]}
        by_language.setdefault(codes[prefix], []).append(
            {
                "id": row["id"],
                "title": row.get("title") or "",
                "context": row["context"],
                "question": row["question"],
                "answers": answers,
                "language": codes[prefix],
            }
        )
    return by_language


def check_questions(records: list[dict], split: str, where: str) -> CheckedSplit:
    """Keep the usable questions of a split; report the others with their IDs.

    Training needs every answer where its ``answer_start`` says: a question whose answer text
    is not found there, or that has no answer, is skipped from training. Evaluation scores the
    answer texts only, so a dev question is kept unless it has no answer text at all."""
    kept, problems, seen = [], [], set()
    for record in records:
        reason, unusable = ("duplicate question id", True) if record["id"] in seen else _problem(record)
        if reason:
            skipped = unusable or split == "train"
            problems.append(
                {
                    "split": split,
                    "language": record["language"],
                    "id": record["id"],
                    "problem": reason,
                    "action": "skipped" if skipped else "kept",
                }
            )
            log.warning("%s: question %s: %s (%s)", where, record["id"], reason, problems[-1]["action"])
            if skipped:
                continue
        seen.add(record["id"])
        kept.append(record)
    return CheckedSplit(kept, problems)


def _problem(record: dict) -> tuple[str | None, bool]:
    """What is wrong with a question, and whether that makes it useless for evaluation too."""
    if not record["question"].strip() or not record["context"].strip():
        return "empty question or context", True
    texts, starts = record["answers"]["text"], record["answers"]["answer_start"]
    if not any(t.strip() for t in texts):
        return "no answer", True
    if len(texts) != len(starts):
        return f"{len(texts)} answer texts but {len(starts)} answer starts", False
    for text, start in zip(texts, starts):
        if start < 0 or record["context"][start : start + len(text)] != text:
            found = record["context"][max(start, 0) : max(start, 0) + len(text)]
            return f"answer {text!r} is not at answer_start {start} (the context has {found!r} there)", False
    return None, False


def counts_row(split: str, language: str, read: int, kept: int, limited: int, check_published: bool) -> dict:
    published = PUBLISHED_SIZES[split].get(language) if check_published else None
    if published is not None and read != published:
        log.warning("%s %s: %d questions read, the published GoldP v1.1 size is %d", split, language, read, published)
    return {
        "split": split,
        "language": language,
        "questions_read": read,
        "published": published,
        "matches_published": None if published is None else read == published,
        "kept": kept,
        "used": limited,
    }


def records_table(records: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(records, schema=SCHEMA)


def load_split(source: DatasetSource, split: str, languages: list[str], cache_dir: str | None = None) -> dict[str, tuple[list[dict], str]]:
    """Each language's questions of ``split`` ('train' or 'dev') and where they came from; ``source``
    is the Hub or files laid out ``{split: {lang: path}}``."""
    if source.hub is not None:
        hub = source.hub
        unknown = [lang for lang in languages if lang not in TYDIQA_LANGUAGES]
        if unknown:
            raise QADataError(f"TyDi QA GoldP has no language {unknown}; it has {sorted(TYDIQA_LANGUAGES)}")
        found = load_hub_split(hub.name, hub.config, split, hub.revision, cache_dir)
        where = f"{hub.name} ({HUB_SPLITS[split]})"
        return {lang: (found.get(lang, []), f"{where} {lang}") for lang in languages}
    files = source.files.get(split, {})
    missing = [lang for lang in languages if lang not in files]
    if missing:
        raise QADataError(f"config key 'tydiqa.dataset.files.{split}' names no file for {missing}")
    paths = {}
    for lang in languages:
        paths[lang] = local_path(files[lang])
        if paths[lang] is None:
            raise QADataError(
                f"config key 'tydiqa.dataset.files.{split}.{lang}': {files[lang]} is not local; "
                "give a path or file:// URL, or use dataset.source: hub"
            )
    return {lang: (read_squad_json(paths[lang], lang), str(paths[lang])) for lang in languages}


def prepare_split(
    source: DatasetSource,
    split: str,
    languages: list[str],
    limit: int | None,
    seed: int,
    cache_dir: str | None = None,
    check_published: bool = True,
) -> tuple[dict[str, list[dict]], list[dict], list[dict]]:
    """Load, check and (optionally) subsample one split: questions per language, a counts row per
    language, and the problems found. A language without a single usable question is an error."""
    questions, counts, problems = {}, [], []
    for lang, (records, where) in load_split(source, split, languages, cache_dir).items():
        checked = check_questions(records, split, where)
        if not checked.records:
            raise QADataError(f"{where}: no usable {split} questions for {lang} ({len(records)} read)")
        questions[lang] = subsample(checked.records, limit, seed)
        counts.append(counts_row(split, lang, len(records), len(checked.records), len(questions[lang]), check_published))
        problems += checked.problems
        log.info("%s %s: %d questions read, %d usable, %d used", split, lang, len(records), len(checked.records), len(questions[lang]))
    return questions, counts, problems
