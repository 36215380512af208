import pyarrow  # noqa: F401
import pytest

from xlclust.demo.fake_languages import FakeLanguage, rewrite_wikitext
from xlclust.demo.paths import demo_dump_paths
from xlclust.demo.world import build_demo_world, read_pages
from xlclust.wiki.download import parse_sha1sums, sha1_of
from xlclust.wiki.markup import WikitextCleaner

TEXT = "The Quick brown fox, born in 1999, isn't here."


@pytest.mark.parametrize("fake", [FakeLanguage("cyrillic"), FakeLanguage("greek", reverse_words=True)])
def test_fake_languages_are_invertible_and_share_no_letters(fake):
    rewritten = fake.text(TEXT)
    assert fake.invert(rewritten) == TEXT
    assert not any("a" <= c.lower() <= "z" for c in rewritten)
    assert "1999" in rewritten and "," in rewritten
    assert fake.word("Quick") == fake.text("Quick")


def test_reversal_changes_token_forms():
    assert FakeLanguage("greek", reverse_words=True).word("abc") == "ψβα"
    assert FakeLanguage("greek").word("abc") == "αβψ"


def test_rewritten_markup_still_parses_the_same_way():
    cleaner = WikitextCleaner(["File", "Category"], ["disambiguation"])
    fake = FakeLanguage("cyrillic")
    wikitext = "{{Infobox|name=Fox}}'''Fox''' [[Animal|animals]] run.<ref>x</ref>[[Category:Animals]][[File:F.jpg|thumb|cap]]"
    rewritten = rewrite_wikitext(wikitext, fake.text, cleaner.is_namespaced)
    assert "[[Category:Animals]]" in rewritten and "{{Infobox|" in rewritten
    assert cleaner.paragraphs(rewritten) == [fake.text(p) for p in cleaner.paragraphs(wikitext)]


def test_demo_world_dumps_verify_and_dictionaries_are_true(tmp_path):
    counts = build_demo_world(tmp_path, {"qcy": {"script": "cyrillic", "page_fraction": 0.25}}, pages_per_stream=50)
    assert counts == {"en": 206, "qcy": 52}
    for lang in counts:
        paths = demo_dump_paths(tmp_path, lang)
        sums = paths["checksums"].read_text()
        assert parse_sha1sums(sums, paths["dump"].name, "x") == sha1_of(paths["dump"])
    en = read_pages(demo_dump_paths(tmp_path, "en")["dump"])
    qcy = read_pages(demo_dump_paths(tmp_path, "qcy")["dump"])
    fake = FakeLanguage("cyrillic")
    assert [p.id for p in qcy] == [p.id for p in en[:52]]
    assert all(fake.invert(p.title) == e.title for p, e in zip(qcy, en))
    pairs = [line.split() for line in (tmp_path / "dictionaries" / "en-qcy.txt").read_text().splitlines()]
    assert pairs[0] == ["the", fake.word("the")]  # most frequent first
    assert all(fake.invert(target) == source for source, target in pairs)
    reverse = (tmp_path / "dictionaries" / "qcy-en.txt").read_text().splitlines()
    assert len(reverse) == len(pairs) > 1000
