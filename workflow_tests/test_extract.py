import json
import unicodedata

import pyarrow.parquet as pq
import pytest

from workflow_tests.realdata import LEIPZIG_ONLY, TYDIQA_FILES, real_paragraphs, write_real_dump
from xlclust.corpus.schema import SENTENCES
from xlclust.errors import DumpError
from xlclust.wiki.extract import extract_part, gather_parts, plan_extraction
from xlclust.wiki.markup import tidy


def extract_all(paths, lang, out_dir, n_parts):
    parts, summaries = [], []
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = plan_extraction(paths["dump"], paths["multistream_index"], n_parts)
    for part, byte_range in enumerate(plan["parts"]):
        sentences, summary = out_dir / f"{part}.parquet", out_dir / f"{part}.json"
        counts = extract_part(
            paths["dump"],
            byte_range,
            lang,
            sentences,
            disambiguation_templates=["disambig"],
            min_sentence_chars=2,
        )
        summary.write_text(json.dumps(counts))
        parts.append(sentences)
        summaries.append(summary)
    return parts, summaries


@pytest.mark.parametrize("lang", [*TYDIQA_FILES, *LEIPZIG_ONLY])
def test_real_text_of_every_script_comes_back_clean(tmp_path, lang):
    paths = write_real_dump(tmp_path / "dump", lang, n_articles=12)
    parts, summaries = extract_all(paths, lang, tmp_path, 3)
    totals = gather_parts(parts, summaries, tmp_path / "sentences.parquet", tmp_path / "summary.json", where=lang)
    table = pq.read_table(tmp_path / "sentences.parquet")
    assert table.schema.equals(SENTENCES, check_metadata=False)
    assert totals["articles"] == 12 and totals["redirects"] == 1 and totals["disambiguation"] == 1
    assert totals["other_namespace"] == 1 and totals["sentences"] == table.num_rows
    rows = table.to_pylist()
    assert sorted({r["doc_id"] for r in rows}) == list(range(10, 22))
    text = " ".join(r["text"] for r in rows)
    for marker in ("[[", "]]", "'''", "{{", "<ref", "caption that is not", "Test pages", "thumb"):
        assert marker not in text
    # every character of the real paragraphs survives, in order (sentence splitting may cut
    # inside a token such as "A.B", so whitespace is not compared; the contexts come from an
    # earlier extraction and have its leftover "()", which tidy() removes)
    originals = ["".join(tidy(unicodedata.normalize("NFC", " ".join(p.split()))).split()) for _, p in real_paragraphs(lang, 12)]
    by_doc = {}
    for r in rows:
        by_doc.setdefault(r["doc_id"], []).append(r["text"])
    for doc_id, original in zip(range(10, 22), originals):
        assert "".join("".join(by_doc[doc_id]).split()) == original


def test_part_count_does_not_change_the_result(tmp_path):
    paths = write_real_dump(tmp_path / "dump", "ru", n_articles=30, pages_per_stream=3)
    tables = []
    for n in (1, 4, 9):
        parts, summaries = extract_all(paths, "ru", tmp_path / str(n), n)
        gather_parts(parts, summaries, tmp_path / f"{n}.parquet", tmp_path / f"{n}.json", where="ru")
        tables.append(pq.read_table(tmp_path / f"{n}.parquet"))
    assert tables[0].equals(tables[1]) and tables[0].equals(tables[2])


def test_a_language_without_articles_fails_and_writes_nothing(tmp_path):
    from xlclust.wiki.writer import write_multistream_dump
    from xlclust.wiki.xmldump import Page

    dump, index = tmp_path / "x.xml.bz2", tmp_path / "x-index.txt.bz2"
    only_redirects = [Page(id=1, ns=0, title="R", redirect=True, text="#REDIRECT [[A]]")]
    write_multistream_dump(only_redirects, dump, index, dbname="xxwiki", lang="xx")
    parts, summaries = extract_all({"dump": dump, "multistream_index": index}, "xx", tmp_path, 1)
    with pytest.raises(DumpError, match=r"language 'xx': no article text: 1 pages, of which 0 articles"):
        gather_parts(parts, summaries, tmp_path / "out.parquet", tmp_path / "out.json", where="language 'xx'")
    assert not (tmp_path / "out.parquet").exists() and not (tmp_path / "out.json").exists()


def test_a_plain_xml_file_is_refused(tmp_path):
    plain = tmp_path / "x.xml"
    plain.write_text("<mediawiki></mediawiki>")
    with pytest.raises(DumpError, match="x.xml: not a bz2 file"):
        plan_extraction(plain, plain, 1)


def test_a_plan_for_another_dump_is_refused(tmp_path):
    paths = write_real_dump(tmp_path / "dump", "sw", n_articles=3)
    with pytest.raises(DumpError, match=r"byte range 0-99999999 is outside the file"):
        extract_part(paths["dump"], (0, 99_999_999), "sw", tmp_path / "o.parquet", disambiguation_templates=[])
