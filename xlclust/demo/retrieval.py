"""The demo's MIRACL stand-in: a retrieval world from the demo articles in MIRACL's published layout,
for English and each fake language (the same passages and queries rewritten).

- passages: the articles' paragraphs, ``docid`` = ``page id#paragraph number``, the page title;
- queries: for up to ``queries_per_article`` paragraphs of an article, the opening words of its
  first sentence (inside the subwords a passage keeps however short the configured length);
- judgements by construction: that paragraph is relevant (1); the article's other paragraphs are
  judged non-relevant (0), as MIRACL's annotators judge the other passages they read;
- splits: articles dealt to train and dev in turn (page number mod 5: 4 → dev).
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from xlclust.atomic import atomic_path, write_text_atomic
from xlclust.demo.fake_languages import language_rewrites
from xlclust.demo.world import gensim_enwiki_sample, read_pages
from xlclust.retrieval.layout import corpus_dir, qrels_path, topics_path
from xlclust.wiki.markup import WikitextCleaner
from xlclust.wiki.multistream import read_namespaces
from xlclust.wiki.sentences import split_sentences


def demo_articles(min_words: int = 12) -> list[tuple[int, str, list[str]]]:
    """(page id, title, paragraphs of at least ``min_words`` words) of the demo articles."""
    sample = gensim_enwiki_sample()
    cleaner = WikitextCleaner(read_namespaces(sample).values())
    articles = []
    for page in read_pages(sample):
        if page.ns == 0 and not page.redirect:
            paragraphs = [p for p in cleaner.paragraphs(page.text) if len(p.split()) >= min_words]
            if paragraphs:
                articles.append((page.id, page.title, paragraphs))
    return articles


def _query(paragraph: str, words: int) -> str:
    return " ".join(split_sentences("en", paragraph)[0].split()[:words])


def write_json_lines_gz(path: str | Path, records) -> None:
    """JSON lines, gzipped as MIRACL's corpus files are, with no file name and mtime 0 in the gzip
    header: the same bytes on every run (the atomic temporary's name would otherwise be in it)."""
    with atomic_path(path, suffix=".gz") as tmp, tmp.open("wb") as handle:
        with gzip.GzipFile(filename="", mode="wb", fileobj=handle, mtime=0) as raw, io.TextIOWrapper(raw, encoding="utf-8") as lines:
            for record in records:
                lines.write(json.dumps(record, ensure_ascii=False) + "\n")


def build_demo_miracl(
    root: str | Path, fake_languages: dict[str, dict], queries_per_article: int = 3, query_words: int = 8
) -> dict[str, int]:
    """Write ``root/topics/…`` and ``root/corpus/…`` in MIRACL's layout; returns counts per file."""
    articles = demo_articles()
    topics: dict[str, list] = {"train": [], "dev": []}
    for number, (page_id, _, paragraphs) in enumerate(articles):
        split = "dev" if number % 5 == 4 else "train"
        for index, paragraph in enumerate(paragraphs[:queries_per_article]):
            judged = {f"{page_id}#{i}": int(i == index) for i in range(len(paragraphs))}
            topics[split].append((f"{page_id}-{index}", _query(paragraph, query_words), judged))
    counts = {}
    for lang, rewrite in language_rewrites(fake_languages).items():
        corpus = Path(root) / "corpus" / corpus_dir(lang) / "docs-0.jsonl.gz"
        write_json_lines_gz(
            corpus,
            (
                {"docid": f"{page_id}#{i}", "title": rewrite(title), "text": rewrite(paragraph)}
                for page_id, title, paragraphs in articles
                for i, paragraph in enumerate(paragraphs)
            ),
        )
        counts[f"corpus/{lang}"] = sum(len(p) for _, _, p in articles)
        for split, rows in topics.items():
            write_text_atomic(Path(root) / "topics" / topics_path(lang, split), "".join(f"{qid}\t{rewrite(q)}\n" for qid, q, _ in rows))
            qrels = "".join(f"{qid}\tQ0\t{docid}\t{level}\n" for qid, _, judged in rows for docid, level in judged.items())
            write_text_atomic(Path(root) / "topics" / qrels_path(lang, split), qrels)
            counts[f"{split}/{lang}"] = len(rows)
    return counts
