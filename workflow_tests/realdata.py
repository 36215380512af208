"""Small MediaWiki dumps built from the real text in ../shared/data, for tests.

TyDi QA GoldP contexts (ar en fi id ru sw) and Leipzig sentences (bn ko te) become articles with
real wiki markup around them (links, bold, a template, a reference, a category, a file), plus
a redirect and a disambiguation page, written with the same multistream writer as the demo.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from xlclust.wiki.writer import write_multistream_dump, write_sha1sums
from xlclust.wiki.xmldump import Page

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("XLCLUST_TEST_DATA", REPO.parent / "shared" / "data"))
TYDIQA_FILES = {"ar": "arabic", "en": "english", "fi": "finnish", "id": "indonesian", "ru": "russian", "sw": "swahili"}
LEIPZIG_ONLY = ("bn", "ko", "te")


def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real test data not found at {SHARED_DATA} (set XLCLUST_TEST_DATA)", allow_module_level=True)
    return SHARED_DATA


def real_paragraphs(lang: str, limit: int) -> list[tuple[str, str]]:
    """(title, paragraph) pairs of real text in ``lang``."""
    data = shared_data()
    if lang in TYDIQA_FILES:
        articles = json.loads((data / "tydiqa-goldp-v1.1" / "dev" / f"{TYDIQA_FILES[lang]}.json").read_text())["data"]
        seen, out = set(), []
        for article in articles:
            for paragraph in article["paragraphs"]:
                if paragraph["context"] not in seen:
                    seen.add(paragraph["context"])
                    out.append((article["title"], paragraph["context"]))
        return out[:limit]
    lines = (data / "leipzig-sentences" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    return [(f"{lang} {i}", " ".join(lines[3 * i : 3 * i + 3])) for i in range(min(limit, len(lines) // 3))]


def marked_up(title: str, paragraph: str) -> str:
    """Wrap real text in the markup an article has; the extractor must give the text back."""
    words = paragraph.split()
    if len(words) > 4:
        words[1] = f"[[{words[1]}]]"
        words[3] = f"'''{words[3]}'''"
    body = " ".join(words)
    return (
        "{{Infobox thing|name=" + title + "|image=x.jpg}}\n"
        f"{body}<ref>{{{{cite web|url=http://example.org|title=Source}}}}</ref>\n\n"
        "[[File:Example.jpg|thumb|A caption that is not article text]]\n"
        "[[Category:Test pages]]"
    )


def real_pages(lang: str, n_articles: int) -> list[Page]:
    pages = [
        Page(id=10 + i, ns=0, title=title if i == 0 else f"{title} ({i})", redirect=False, text=marked_up(title, text))
        for i, (title, text) in enumerate(real_paragraphs(lang, n_articles))
    ]
    pages.append(Page(id=5000, ns=0, title="Redirect page", redirect=True, text="#REDIRECT [[Elsewhere]]"))
    pages.append(Page(id=5001, ns=0, title="Ambiguous", redirect=False, text="'''X''' may mean:\n* [[A]]\n{{disambig}}"))
    pages.append(Page(id=5002, ns=4, title="Wikipedia:About", redirect=False, text="Project page text."))
    return pages


def write_real_dump(directory: Path, lang: str, n_articles: int = 40, pages_per_stream: int = 7) -> dict[str, Path]:
    """A multistream dump, index and sha1sums file of real ``lang`` text under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "dump": directory / f"{lang}wiki-20990101-pages-articles-multistream.xml.bz2",
        "multistream_index": directory / f"{lang}wiki-20990101-pages-articles-multistream-index.txt.bz2",
        "checksums": directory / f"{lang}wiki-20990101-sha1sums.txt",
    }
    write_multistream_dump(
        real_pages(lang, n_articles),
        paths["dump"],
        paths["multistream_index"],
        dbname=f"{lang}wiki",
        lang=lang,
        pages_per_stream=pages_per_stream,
    )
    write_sha1sums([paths["dump"], paths["multistream_index"]], paths["checksums"])
    return paths


def write_mix(rows: list[tuple[str, int, str]], path: Path) -> Path:
    """A pretraining mix (xlclust.corpus.schema.MIX) of (language, line, text) rows, in row groups of 100."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from xlclust.corpus.schema import MIX

    columns = {
        "position": np.arange(len(rows)),
        "lang": [r[0] for r in rows],
        "line": [r[1] for r in rows],
        "copy": np.zeros(len(rows), dtype=np.int32),
        "n_tokens": [len(r[2].split()) for r in rows],
        "text": [r[2] for r in rows],
    }
    pq.write_table(pa.table(columns, schema=MIX), path, row_group_size=100)
    return path
