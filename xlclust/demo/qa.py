"""The demo's TyDi QA stand-in: typed questions over the demo world's articles, with known answers.

A paragraph that names exactly one month, year, number word, country or nationality gets the
question of that type ("In which month?"); its answer is that word. English questions on the
pages no fake language has train the model; questions on the pages every language has are the
dev set of each language, carried into the fake languages by the same letter bijection as their
text (it keeps lengths, so answers stay at the same character offsets). Years are digits, which
the fake languages keep: a control that every tokenizer transfers. The other answers are words,
which only transfer where the fake word shares its English translation's ID (the clusters).
Files are SQuAD v1.1 JSON, one per language, as XTREME lays TyDi QA out.

(Cloze questions — a blanked word and its neighbours — need the model to align the question with
the context, which the demo's two-layer models do not learn in a few hundred steps: English F1
stayed under 8.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from xlclust.atomic import write_text_atomic
from xlclust.demo.fake_languages import WORD, FakeLanguage
from xlclust.demo.world import gensim_enwiki_sample, read_pages
from xlclust.wiki.markup import WikitextCleaner
from xlclust.wiki.multistream import read_namespaces

QUESTION_TYPES = {
    "month": ("In which month?", "January February March April May June July August September October November December"),
    "year": ("In which year?", None),
    "number": ("How many?", "two three four five six seven eight nine ten eleven twelve"),
    "country": (
        "Which country?",
        "France Germany England China Russia Japan India Italy Spain Greece Egypt Canada Australia "
        "Britain Ireland Scotland Poland Mexico Brazil Israel Iran Turkey Sweden Norway Denmark "
        "Netherlands Portugal Austria Switzerland Belgium",
    ),
    "nationality": (
        "Which nationality?",
        "French German English Chinese Russian Japanese Indian Italian Spanish Greek "
        "Egyptian Canadian Australian British Irish Scottish Polish Mexican Brazilian American",
    ),
}
_PATTERNS = {
    kind: re.compile(r"\b(1[0-9]{3}|20[0-2][0-9])\b" if words is None else rf"\b({'|'.join(words.split())})\b")
    for kind, (_, words) in QUESTION_TYPES.items()
}


def typed_questions(paragraph: str) -> list[dict]:
    """A question of each type whose answer occurs exactly once in the paragraph."""
    questions = []
    for kind, (question, _) in QUESTION_TYPES.items():
        found = list(_PATTERNS[kind].finditer(paragraph))
        if len(found) == 1:
            questions.append({"type": kind, "question": question, "answer": found[0].group(), "answer_start": found[0].start()})
    return questions


def demo_questions(pages, cleaner: WikitextCleaner, min_words: int, max_words: int) -> list[dict]:
    """Questions on the paragraphs of ``min_words`` to ``max_words`` words of the articles among
    ``pages``: (id, title, context, question, answer, answer_start)."""
    found = []
    for page in pages:
        if page.ns != 0 or page.redirect:
            continue
        for number, paragraph in enumerate(cleaner.paragraphs(page.text)):
            if min_words <= len(WORD.findall(paragraph)) <= max_words:
                found += [
                    {"title": page.title, "context": paragraph, "id": f"{page.id}-{number}-{q.pop('type')}", **q}
                    for q in typed_questions(paragraph)
                ]
    return found


def squad_json(questions: list[dict], rewrite=lambda text: text, prefix: str = "") -> str:
    """SQuAD v1.1 JSON of the questions, rewritten into a language (lengths kept)."""
    articles: dict[str, dict] = {}
    for item in questions:
        context, answer = rewrite(item["context"]), rewrite(item["answer"])
        start = item["answer_start"]
        assert context[start : start + len(answer)] == answer, "a rewrite must keep character offsets"
        article = articles.setdefault(item["title"], {"title": rewrite(item["title"]), "paragraphs": {}})
        paragraph = article["paragraphs"].setdefault(context, {"context": context, "qas": []})
        paragraph["qas"].append(
            {"id": f"{prefix}{item['id']}", "question": rewrite(item["question"]), "answers": [{"text": answer, "answer_start": start}]}
        )
    data = [{"title": a["title"], "paragraphs": list(a["paragraphs"].values())} for a in articles.values()]
    return json.dumps({"version": "demo", "data": data}, ensure_ascii=False, indent=0) + "\n"


def build_demo_qa(root: str | Path, fake_languages: dict[str, dict], min_words: int = 15, max_words: int = 100) -> dict[str, int]:
    """Write ``root/train/en.json`` and ``root/dev/{lang}.json``; returns questions per file."""
    sample = gensim_enwiki_sample()
    pages = read_pages(sample)
    cleaner = WikitextCleaner(read_namespaces(sample).values())
    shared = min([spec["page_fraction"] for spec in fake_languages.values()], default=0.5)
    cut = max(1, round(len(pages) * shared))  # the pages every fake language has (world.py's subsets)
    train = demo_questions(pages[cut:], cleaner, min_words, max_words)
    dev = demo_questions(pages[:cut], cleaner, min_words, max_words)
    root = Path(root)
    write_text_atomic(root / "train" / "en.json", squad_json(train, prefix="en-"))
    counts = {"train/en": len(train)}
    languages = {"en": lambda text: text} | {
        lang: FakeLanguage(spec["script"], spec.get("reverse_words", False)).text for lang, spec in sorted(fake_languages.items())
    }
    for lang, rewrite in languages.items():
        write_text_atomic(root / "dev" / f"{lang}.json", squad_json(dev, rewrite, prefix=f"{lang}-"))
        counts[f"dev/{lang}"] = len(dev)
    return counts
