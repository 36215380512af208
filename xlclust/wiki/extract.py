"""Extraction of one part of a dump into a sentence table, and the gathering of the parts."""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from xlclust.atomic import write_text_atomic
from xlclust.corpus.parquet import open_parquet, parquet_writer
from xlclust.corpus.schema import SENTENCES
from xlclust.errors import DumpError
from xlclust.wiki.markup import WikitextCleaner
from xlclust.wiki.multistream import iter_chunks, plan_parts, read_namespaces, read_stream_offsets, require_bz2
from xlclust.wiki.sentences import split_sentences
from xlclust.wiki.xmldump import iter_pages

log = logging.getLogger(__name__)

SUMMARY_KEYS = ("pages", "articles", "redirects", "disambiguation", "other_namespace", "empty_articles", "sentences")


def plan_extraction(dump: str | os.PathLike, index: str | os.PathLike, n_parts: int) -> dict:
    """The byte ranges that ``n_parts`` extraction jobs take from a dump (read from its index once,
    so that the jobs need not each read an index of millions of lines)."""
    dump = Path(dump)
    require_bz2(dump)
    offsets = read_stream_offsets(index)
    size = dump.stat().st_size
    return {"dump_bytes": size, "streams": len(offsets), "parts": plan_parts(offsets, size, n_parts)}


def extract_part(
    dump: str | os.PathLike,
    byte_range: tuple[int, int],
    lang: str,
    output: str | os.PathLike,
    *,
    disambiguation_templates: list[str],
    normalization: str = "NFC",
    min_sentence_chars: int = 2,
    row_group_size: int = 50_000,
) -> dict:
    """Extract the articles in ``byte_range`` (a part from plan_extraction) of a dump into
    ``output`` (Parquet). Returns counts of what was read and skipped."""
    dump = Path(dump)
    size = dump.stat().st_size
    start, end = byte_range
    if not 0 <= start <= end <= size:
        raise DumpError(f"{dump}: byte range {start}-{end} is outside the file ({size} bytes); was the plan made for another dump?")
    counts: Counter = Counter(dict.fromkeys(SUMMARY_KEYS, 0))
    log.info("%s: bytes %d-%d of %d", dump.name, start, end, size)
    with parquet_writer(output, SENTENCES, row_group_size) as rows:
        if start == end:
            log.info("empty part: the dump has fewer streams than parts")
            return dict(counts)
        cleaner = WikitextCleaner(
            namespaces=read_namespaces(dump).values(),
            disambiguation_templates=disambiguation_templates,
            normalization=normalization,
        )
        pages = iter_pages(
            iter_chunks(dump, start, end),
            where=f"{dump} (bytes {start}-{end})",
            has_root_start=start == 0,
            has_root_end=end == size,
        )
        for page in tqdm(pages, unit="page", mininterval=30, desc=f"{lang} bytes {start}-{end}"):
            counts["pages"] += 1
            if page.ns != 0:
                counts["other_namespace"] += 1
            elif page.redirect:
                counts["redirects"] += 1
            elif cleaner.is_disambiguation(page.text):
                counts["disambiguation"] += 1
            else:
                written = _write_article(rows, page, cleaner, lang, min_sentence_chars)
                counts["articles"] += 1
                counts["empty_articles"] += written == 0
                counts["sentences"] += written
    log.info("%s bytes %d-%d: %s", lang, start, end, dict(counts))
    return dict(counts)


def _write_article(rows, page, cleaner: WikitextCleaner, lang: str, min_sentence_chars: int) -> int:
    paragraph_numbers, sentence_numbers, texts = [], [], []
    for paragraph in cleaner.paragraphs(page.text):
        sentences = split_sentences(lang, paragraph, min_sentence_chars)
        if sentences:
            paragraph_numbers += [paragraph_numbers[-1] + 1 if paragraph_numbers else 0] * len(sentences)
            sentence_numbers += range(len(sentences))
            texts += sentences
    if texts:
        rows.extend(
            doc_id=[page.id] * len(texts),
            title=[page.title] * len(texts),
            paragraph=paragraph_numbers,
            sentence=sentence_numbers,
            text=texts,
        )
    return len(texts)


def gather_parts(
    parts: list[str | os.PathLike],
    summaries: list[str | os.PathLike],
    output: str | os.PathLike,
    summary_output: str | os.PathLike,
    where: str,
) -> dict:
    """Concatenate part tables row group by row group (flat memory) and sum their counts.

    Fails, writing nothing, when the parts hold no sentence at all (``where`` names the dump).
    """
    total: Counter = Counter()
    for summary in summaries:
        total.update(json.loads(Path(summary).read_text()))
    if not total["sentences"]:
        raise DumpError(
            f"{where}: no article text: {total['pages']} pages, of which {total['articles']} articles "
            f"(namespace 0, no redirect or disambiguation page) gave no sentence"
        )
    with parquet_writer(output, SENTENCES) as rows:
        for part in parts:
            source = open_parquet(part)
            if not source.schema_arrow.equals(SENTENCES, check_metadata=False):
                raise DumpError(f"{part}: schema differs from the sentence table's: {source.schema_arrow}")
            for group in range(source.num_row_groups):
                rows.write_table(source.read_row_group(group))
    write_text_atomic(summary_output, json.dumps(dict(total), indent=2, sort_keys=True) + "\n")
    return dict(total)
