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
from xlclust.wiki.multistream import is_bz2, iter_chunks, plan_parts, read_namespaces, read_stream_offsets
from xlclust.wiki.sentences import split_sentences
from xlclust.wiki.xmldump import iter_pages

log = logging.getLogger(__name__)

SUMMARY_KEYS = ("pages", "articles", "redirects", "disambiguation", "other_namespace", "empty_articles", "sentences")


def extract_part(
    dump: str | os.PathLike,
    index: str | os.PathLike,
    part: int,
    n_parts: int,
    lang: str,
    output: str | os.PathLike,
    *,
    disambiguation_templates: list[str],
    normalization: str = "NFC",
    min_sentence_chars: int = 2,
    row_group_size: int = 50_000,
) -> dict:
    """Extract the articles in part ``part`` of ``n_parts`` of a dump into ``output`` (Parquet).

    Returns counts of what was read and skipped (pages by kind, sentences written).
    """
    dump = Path(dump)
    if not is_bz2(dump):
        raise DumpError(f"{dump}: not a bz2 file; dumps are read as the bz2 files Wikimedia publishes")
    size = dump.stat().st_size
    start, end = plan_parts(read_stream_offsets(index), size, n_parts)[part]
    counts: Counter = Counter(dict.fromkeys(SUMMARY_KEYS, 0))
    log.info("%s: part %d/%d is bytes %d-%d of %d", dump.name, part + 1, n_parts, start, end, size)
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
        for page in tqdm(pages, unit="page", mininterval=30, desc=f"{lang} part {part}"):
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
    log.info("%s part %d: %s", lang, part, dict(counts))
    return dict(counts)


def _write_article(rows, page, cleaner: WikitextCleaner, lang: str, min_sentence_chars: int) -> int:
    written = 0
    paragraph_index = 0
    for paragraph in cleaner.paragraphs(page.text):
        sentences = split_sentences(lang, paragraph, min_sentence_chars)
        if not sentences:
            continue
        for sentence_index, sentence in enumerate(sentences):
            rows.append(doc_id=page.id, title=page.title, paragraph=paragraph_index, sentence=sentence_index, text=sentence)
        paragraph_index += 1
        written += len(sentences)
    return written


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
