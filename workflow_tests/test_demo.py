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


def test_demo_pos_tags_map_through_petrovs_english_map_and_carry_over(tmp_path):
    from workflow_tests.realdata import SHARED_DATA
    from xlclust.demo.pos import PTB_UNIVERSAL, build_demo_pos, tag_pos
    from xlclust.tagging.pos import read_tag_map

    assert tag_pos(["The", "city", "of", "Paris", "was", "rapidly", "growing", "in", "1850", "."]) == [
        "DT", "NN", "IN", "NNP", "VBD", "RB", "VBG", "IN", "CD", ".",
    ]  # fmt: skip
    petrov = read_tag_map(SHARED_DATA / "universal-pos-tags/en-ptb.map")
    assert {tag: petrov[tag] for tag in PTB_UNIVERSAL} == PTB_UNIVERSAL  # the demo's map is Petrov's
    counts = build_demo_pos(tmp_path, {"qcy": {"script": "cyrillic"}})
    assert counts["en/train"] == counts["qcy/train"] > 1000
    english, fake = ((tmp_path / lang / "test").read_text(encoding="utf-8").splitlines() for lang in ("en", "qcy"))
    assert [line.rpartition(" ")[2] for line in english] == [line.rpartition(" ")[2] for line in fake]
    assert read_tag_map(tmp_path / "demo-ptb.map") == PTB_UNIVERSAL


def test_demo_vectors_are_muse_files_aligned_up_to_their_noise(tmp_path):
    import numpy as np

    from xlclust.demo.vectors import build_demo_vectors
    from xlclust.tagging.static import read_vectors

    texts = [f"the {animal} sees the {thing} near the river ." for animal in ("cat", "dog", "owl") for thing in ("tree", "boat")] * 20
    fake = FakeLanguage("cyrillic")
    counts = build_demo_vectors(tmp_path, texts, {"qcy": {"script": "cyrillic"}}, dim=8, epochs=2, noise=0.1, seed=3)
    words, english = read_vectors(tmp_path / "wiki.multi.en.vec", {"cat", "river"})
    fake_words, moved = read_vectors(tmp_path / "wiki.multi.qcy.vec", {fake.text(w) for w in ("cat", "river")})
    assert counts == {"en": 10, "qcy": 10} and fake_words == [fake.text(w) for w in words]
    cosine = (english * moved).sum(1) / np.linalg.norm(english, axis=1) / np.linalg.norm(moved, axis=1)
    assert (cosine > 0.9).all() and not np.array_equal(english, moved)


def test_the_demo_miracl_corpus_has_the_same_bytes_on_every_run(tmp_path):
    """The gzip header carries no temporary file name and no time: two writes are byte-identical."""
    import gzip

    from xlclust.demo.retrieval import write_json_lines_gz

    records = [{"docid": "1#0", "title": "Б", "text": "а б"}, {"docid": "1#1", "title": "Б", "text": "в"}]
    write_json_lines_gz(tmp_path / "a.jsonl.gz", records)
    write_json_lines_gz(tmp_path / "b.jsonl.gz", records)
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()
    assert gzip.decompress((tmp_path / "a.jsonl.gz").read_bytes()).decode().count("\n") == 2
