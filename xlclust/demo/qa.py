"""The demo's TyDi QA stand-in: cloze questions over the demo world's articles, with known answers.

A question is a stretch of a paragraph with one word blanked out; the answer is that word, in
the paragraph. English questions on the pages no fake language has train the model; questions
on the pages every language has are the dev set of each language, carried into the fake
languages by the same letter bijection as their text (it keeps lengths, so answers stay at the
same character offsets). Files are SQuAD v1.1 JSON, one per language, as XTREME lays TyDi QA out.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from xlclust.atomic import write_text_atomic
from xlclust.demo.fake_languages import WORD, FakeLanguage
from xlclust.demo.world import gensim_enwiki_sample, read_pages
from xlclust.wiki.markup import WikitextCleaner
from xlclust.wiki.multistream import read_namespaces

BLANK = "_____"


def cloze_questions(paragraph: str, rng: random.Random, per_paragraph: int, window: int, min_letters: int = 5) -> list[dict]:
    """Up to ``per_paragraph`` questions: ``window`` words either side of a blanked word of at
    least ``min_letters`` letters, which is the answer."""
    words = list(WORD.finditer(paragraph))
    candidates = [i for i in range(window, len(words) - window) if len(words[i].group()) >= min_letters]
    questions = []
    for i in sorted(rng.sample(candidates, min(per_paragraph, len(candidates)))):
        answer = words[i]
        left, right = words[i - window].start(), words[i + window].end()
        question = paragraph[left:answer.start()] + BLANK + paragraph[answer.end():right]
        questions.append({"question": question, "answer": answer.group(), "answer_start": answer.start()})
    return questions


def demo_questions(pages, cleaner: WikitextCleaner, seed: int, per_paragraph: int, min_words: int, max_words: int,
                   window: int) -> list[dict]:
    """Questions on the paragraphs of ``min_words`` to ``max_words`` words of the articles among
    ``pages``: (title, context, question, answer, answer_start)."""
    rng = random.Random(seed)
    found = []
    for page in pages:
        if page.ns != 0 or page.redirect:
            continue
        for number, paragraph in enumerate(cleaner.paragraphs(page.text)):
            if not min_words <= len(WORD.findall(paragraph)) <= max_words:
                continue
            for q, cloze in enumerate(cloze_questions(paragraph, rng, per_paragraph, window)):
                found.append({"title": page.title, "context": paragraph, "id": f"{page.id}-{number}-{q}", **cloze})
    return found


def squad_json(questions: list[dict], rewrite=lambda text: text, prefix: str = "") -> str:
    """SQuAD v1.1 JSON of the questions, rewritten into a language (lengths kept)."""
    articles: dict[str, dict] = {}
    for item in questions:
        context, answer = rewrite(item["context"]), rewrite(item["answer"])
        start = item["answer_start"]
        assert context[start:start + len(answer)] == answer, "a rewrite must keep character offsets"
        article = articles.setdefault(item["title"], {"title": rewrite(item["title"]), "paragraphs": {}})
        paragraph = article["paragraphs"].setdefault(context, {"context": context, "qas": []})
        paragraph["qas"].append({"id": f"{prefix}{item['id']}", "question": rewrite(item["question"]),
                                 "answers": [{"text": answer, "answer_start": start}]})
    data = [{"title": a["title"], "paragraphs": list(a["paragraphs"].values())} for a in articles.values()]
    return json.dumps({"version": "demo", "data": data}, ensure_ascii=False, indent=0) + "\n"


def build_demo_qa(root: str | Path, fake_languages: dict[str, dict], seed: int, per_paragraph: int = 2,
                  min_words: int = 25, max_words: int = 80, window: int = 6) -> dict[str, int]:
    """Write ``root/train/en.json`` and ``root/dev/{lang}.json``; returns questions per file."""
    sample = gensim_enwiki_sample()
    pages = read_pages(sample)
    cleaner = WikitextCleaner(read_namespaces(sample).values())
    shared = min([spec["page_fraction"] for spec in fake_languages.values()], default=0.5)
    cut = max(1, round(len(pages) * shared))  # the pages every fake language has (world.py's subsets)
    train = demo_questions(pages[cut:], cleaner, seed, per_paragraph, min_words, max_words, window)
    dev = demo_questions(pages[:cut], cleaner, seed + 1, per_paragraph, min_words, max_words, window)
    root = Path(root)
    write_text_atomic(root / "train" / "en.json", squad_json(train, prefix="en-"))
    counts = {"train/en": len(train)}
    languages = {"en": lambda text: text} | {
        lang: FakeLanguage(spec["script"], spec.get("reverse_words", False)).text for lang, spec in sorted(fake_languages.items())}
    for lang, rewrite in languages.items():
        write_text_atomic(root / "dev" / f"{lang}.json", squad_json(dev, rewrite, prefix=f"{lang}-"))
        counts[f"dev/{lang}"] = len(dev)
    return counts
