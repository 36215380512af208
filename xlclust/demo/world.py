"""Builds the demo world: multistream dumps for English and fake languages, and true dictionaries.

The English text is the real enwiki dump sample that ships inside the gensim wheel (206 pages),
so the demo runs offline with nothing but what ``pip install`` brings.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import replace
from pathlib import Path

import gensim

from xlclust.atomic import write_text_atomic
from xlclust.demo.fake_languages import WORD, FakeLanguage, rewrite_wikitext
from xlclust.demo.paths import demo_dump_paths
from xlclust.wiki.markup import WikitextCleaner
from xlclust.wiki.multistream import iter_chunks, read_namespaces
from xlclust.wiki.writer import write_multistream_dump, write_sha1sums
from xlclust.wiki.xmldump import Page, iter_pages

GENSIM_SAMPLE = "test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


def gensim_enwiki_sample() -> Path:
    path = Path(gensim.__file__).parent / GENSIM_SAMPLE
    if not path.exists():
        raise FileNotFoundError(f"{path}: the gensim wheel's enwiki sample is missing; reinstall gensim")
    return path


def read_pages(dump: str | os.PathLike) -> list[Page]:
    return list(iter_pages(iter_chunks(dump), where=str(dump), has_root_start=True, has_root_end=True))


def build_demo_world(root: str | os.PathLike, fake_languages: dict[str, dict], pages_per_stream: int = 20) -> dict:
    """Write the English sample and each fake language as dumps under ``root``.

    ``fake_languages`` maps a code to ``{script, reverse_words, page_fraction}``; a fake language
    gets the first ``page_fraction`` of the pages, so languages differ in size as real ones do.
    Returns the page count per language.
    """
    sample = gensim_enwiki_sample()
    pages = read_pages(sample)
    namespaces = read_namespaces(sample)
    cleaner = WikitextCleaner(namespaces.values())
    counts = {"en": _write_language(root, "en", pages, namespaces, pages_per_stream)}
    for lang, spec in sorted(fake_languages.items()):
        fake = FakeLanguage(spec["script"], spec.get("reverse_words", False))
        subset = pages[: max(1, round(len(pages) * spec["page_fraction"]))]
        rewritten = [replace(p, title=fake.text(p.title), text=rewrite_wikitext(p.text, fake.text, cleaner.is_namespaced)) for p in subset]
        counts[lang] = _write_language(root, lang, rewritten, namespaces, pages_per_stream)
        _write_dictionaries(root, lang, subset, fake, cleaner)
    return counts


def _write_language(root, lang: str, pages: list[Page], namespaces: dict[int, str], pages_per_stream: int) -> int:
    paths = demo_dump_paths(root, lang)
    count = write_multistream_dump(
        pages,
        paths["dump"],
        paths["multistream_index"],
        dbname=f"{lang}wiki",
        lang=lang,
        namespaces=namespaces,
        pages_per_stream=pages_per_stream,
    )
    write_sha1sums([paths["dump"], paths["multistream_index"]], paths["checksums"])
    return count


def _write_dictionaries(root, lang: str, pages: list[Page], fake: FakeLanguage, cleaner: WikitextCleaner) -> None:
    """The true bilingual dictionaries, MUSE format (``source target`` a line), by frequency of
    the word in the articles' text."""
    articles = (p for p in pages if p.ns == 0 and not p.redirect)
    frequency = Counter(
        word.lower() for page in articles for paragraph in cleaner.paragraphs(page.text) for word in WORD.findall(paragraph)
    )
    words = sorted(frequency, key=lambda w: (-frequency[w], w))
    directory = Path(root) / "dictionaries"
    write_text_atomic(directory / f"en-{lang}.txt", "".join(f"{w} {fake.word(w)}\n" for w in words))
    write_text_atomic(directory / f"{lang}-en.txt", "".join(f"{fake.word(w)} {w}\n" for w in words))
