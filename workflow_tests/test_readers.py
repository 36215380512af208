"""Every reader of a file the workflow did not write (xlclust.textfiles and its callers) fed the same
hostile files: each gives a clear XlclustError naming the file (and the line where there is one), or
exactly what the clean file gives (a byte-order mark, CRLF line ends)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from xlclust.errors import XlclustError

# the non-UTF-8 case writes the first "Malaga" of a clean file in Latin-1 (a file without words, its
# second line starts with a Latin-1 byte)
LATIN1 = "Málaga".encode("latin-1")


@dataclass(frozen=True)
class Reader:
    """One reader: its clean file (lines; the header first where the format has one), how it is read,
    and the lines that break its rules (None: the format has no such rule)."""

    name: str
    filename: str
    lines: list[str]
    read: Callable[[Path], object]
    header: bool = False
    duplicate: str | None = None  # a line repeating the key of one of ``lines``
    duplicate_of: int | None = None  # the line number (from 1) of the key it repeats
    malformed: str | None = None  # a line with the wrong number of columns (or fields)


def _nli(split: str):
    from xlclust.nli.data import XnliFiles, read_files

    return lambda path: read_files(XnliFiles(str(path), str(path), str(path)), "de", split, Path)


def _links(path: Path):
    from xlclust.lowres.parallel import gold_links, read_lines

    lines = read_lines(path, None, "lowres.parallel.de.links")
    english, other = (
        [["Malaga", "is", "big"], ["a", "b"], ["c"]][: len(lines)],
        [["Malaga", "ist", "groß"], ["x", "y"], ["z"]][: len(lines)],
    )
    return [a.tolist() for a in gold_links(lines, english, other, {"links": str(path), "links_base": 0}, "lowres.parallel.de")]


def _vectors(path: Path):
    from xlclust.tagging.static import read_vectors

    words, matrix = read_vectors(path, {"Malaga", "casa", "mesa"})
    return words, matrix.tolist()


def _registry() -> list[Reader]:
    from xlclust.alignment.dictionaries import read_dictionary
    from xlclust.grouping.pair_sources import concepticon_pairs, muse_pairs, panlex_pairs
    from xlclust.lowres.parallel import read_lines
    from xlclust.retrieval.miracl import iter_passages, read_topics
    from xlclust.retrieval.trec import read_qrels
    from xlclust.tagging.laser_text import read_bpe_vocabulary, subword_nmt_codes
    from xlclust.tagging.pos import read_tag_map
    from xlclust.token_classification.data import read_conll, read_jsonl, read_rahimi
    from xlclust.tydiqa.data import read_squad_json

    passage = '{{"docid": "{}", "title": "t", "text": "{}"}}'.format
    squad = json.dumps(
        {
            "data": [
                {"title": "Malaga", "paragraphs": [{"context": "Malaga es", "qas": [{"id": "q1", "question": "¿Qué?", "answers": []}]}]}
            ]
        },
        indent=1,
        ensure_ascii=False,
    ).splitlines()
    return [
        Reader(
            "qrels",
            "qrels.tsv",
            ["q1 0 d1 1", "q1 0 d2 0", "q2 0 Malaga 1"],
            read_qrels,
            duplicate="q1 0 d1 0",
            duplicate_of=1,
            malformed="q3 0 d3",
        ),
        Reader(
            "miracl-topics",
            "topics.tsv",
            ["q1\tMalaga?", "q2\twhere"],
            read_topics,
            duplicate="q1\tagain",
            duplicate_of=1,
            malformed="q3 no tab",
        ),
        Reader(
            "miracl-corpus",
            "docs-0.jsonl",
            [passage("d1", "Malaga"), passage("d2", "x")],
            lambda path: list(iter_passages([path])),
            duplicate=passage("d1", "y"),
            duplicate_of=1,
            malformed='{"docid": "d3", "title": "t"}',
        ),
        Reader(
            "dictionary-muse",
            "de-en.txt",
            ["Haus house", "Malaga Malaga"],
            lambda p: read_dictionary(str(p), "muse", False),
            malformed="a b c",
        ),
        Reader(
            "dictionary-xling",
            "de-en.tsv",
            ["Haus\thouse", "Malaga\tMalaga"],
            lambda p: read_dictionary(str(p), "xling", True),
            malformed="a\tb\tc",
        ),
        Reader("clsa-muse", "en-de.txt", ["house Haus", "Malaga Malaga"], muse_pairs, malformed="a b c"),
        Reader("clsa-panlex", "deu-000.txt", ["Haus\tHeim", "", "Malaga"], lambda p: panlex_pairs(p, p)),
        Reader(
            "clsa-concepticon",
            "list.tsv",
            ["ID\tGERMAN\tENGLISH", "1\tHaus\thouse", "2\tMalaga\tMalaga"],
            lambda p: concepticon_pairs(p, "GERMAN", "ENGLISH"),
            header=True,
            malformed="3\tBaum",
        ),
        Reader(
            "xnli-train",
            "multinli.train.de.tsv",
            ["premise\thypo\tlabel", "Malaga ist groß\tes ist groß\tentailment", "a\tb\tcontradictory"],
            _nli("train"),
            header=True,
            malformed="a\tb",
        ),
        Reader(
            "xnli-test",
            "xnli.test.tsv",
            ["language\tgold_label\tsentence1\tsentence2", "de\tneutral\tMalaga\tja", "en\tneutral\tx\ty"],
            _nli("test"),
            header=True,
            malformed="de\tneutral\tMalaga",
        ),
        Reader("tydiqa-squad", "dev.json", squad, lambda p: read_squad_json(p, "es")),
        Reader(
            "ner-rahimi",
            "train",
            ["es:Malaga\tB-LOC", "es:es\tO", "", "es:casa\tO"],
            lambda p: list(read_rahimi(p, "es")),
            malformed="es:notab",
        ),
        Reader(
            "ner-conll", "esp.train", ["-DOCSTART- O", "", "Malaga B-LOC", "es O"], lambda p: list(read_conll(p)), malformed="casa NC O"
        ),
        Reader(
            "ner-jsonl",
            "train.jsonl",
            ['{"tokens": ["Malaga", "es"], "tags": ["B-LOC", "O"]}'],
            lambda p: list(read_jsonl(p)),
            malformed='{"tokens": ["a"], "tags": []}',
        ),
        Reader(
            "pos-map", "es-cast3lb.map", ["NC\tNOUN", "Malaga\tNOUN"], read_tag_map, duplicate="NC\tVERB", duplicate_of=1, malformed="VM"
        ),
        Reader("muse-vectors", "wiki.multi.es.vec", ["2 2", "Malaga 0.5 1", "casa 1 0"], _vectors, header=True, malformed="mesa 1"),
        Reader("laser-codes", "93langs.fcodes", ["M alaga 9", "Malaga</w> x 3"], lambda p: subword_nmt_codes(p).getvalue(), malformed="a"),
        Reader("laser-vocabulary", "93langs.fvocab", ["Malaga 9", "casa 3"], read_bpe_vocabulary, malformed="casa"),
        Reader("parallel-side", "en-de.de", ["Malaga ist groß", "ja"], lambda p: read_lines(p, None, "lowres.parallel.de.other")),
        Reader("parallel-links", "en-de.links", ["0-0 1-1 2p2", "0-1 1-0"], _links, malformed="0-0 5-1"),
    ]


REGISTRY = _registry()


def _non_utf8(reader: Reader) -> tuple[bytes, int]:
    text = "".join(line + "\n" for line in reader.lines).encode()
    line = next((number for number, line in enumerate(reader.lines, 1) if "Malaga" in line), None)
    if line is None:
        first, rest = text.split(b"\n", 1)
        return first + b"\n\xe1" + rest, 2
    return text.replace(b"Malaga", LATIN1, 1), line


def _cases():
    for reader in REGISTRY:
        yield pytest.param(reader, "empty", id=f"hostile-{reader.name}-empty")
        if reader.header:
            yield pytest.param(reader, "header-only", id=f"hostile-{reader.name}-header-only")
        for case in ("bom", "crlf", "non-utf8"):
            yield pytest.param(reader, case, id=f"hostile-{reader.name}-{case}")
        if reader.duplicate is not None:
            yield pytest.param(reader, "duplicate", id=f"hostile-{reader.name}-duplicate")
        if reader.malformed is not None:
            yield pytest.param(reader, "wrong-columns", id=f"hostile-{reader.name}-wrong-columns")


def _hostile(reader: Reader, case: str) -> tuple[bytes, int | None]:
    """The hostile file's bytes and the line an error must name (None: the whole file is at fault)."""
    text = "".join(line + "\n" for line in reader.lines)
    if case == "empty":
        return b"", None
    if case == "header-only":
        return (reader.lines[0] + "\n").encode(), None
    if case == "bom":
        return ("\ufeff" + text).encode(), None
    if case == "crlf":
        return text.replace("\n", "\r\n").encode(), None
    if case == "non-utf8":
        return _non_utf8(reader)
    if case == "duplicate":
        return (text + reader.duplicate + "\n").encode(), len(reader.lines) + 1
    return (text + reader.malformed + "\n").encode(), len(reader.lines) + 1


def _names_line(message: str, path: Path, line: int) -> bool:
    return re.search(rf"{re.escape(str(path))}(:|, line |:.*line ){line}\b", message) is not None


@pytest.mark.parametrize(("reader", "case"), list(_cases()))
def test_a_hostile_file_is_refused_by_name_or_read_as_the_clean_one(reader, case, tmp_path):
    path = tmp_path / reader.filename
    path.write_text("".join(line + "\n" for line in reader.lines), encoding="utf-8")
    clean = reader.read(path)
    assert clean  # the clean file gives something, so "the same result" below is no empty match
    data, line = _hostile(reader, case)
    path.write_bytes(data)
    if case in ("bom", "crlf"):
        assert reader.read(path) == clean
        return
    with pytest.raises(XlclustError) as error:
        reader.read(path)
    message = str(error.value)
    assert str(path) in message
    if line is not None:
        assert _names_line(message, path, line), message
    if case == "duplicate":  # the first line too
        assert re.search(rf"(line |:){reader.duplicate_of}\b", message.replace(str(path), "", 1)), message
    if case in ("empty", "header-only"):
        assert "empty" in message or "header" in message


def test_every_reader_is_in_the_registry_once():
    names = [reader.name for reader in REGISTRY]
    assert len(names) == len(set(names)) == 20


# ---- no output: the rule scripts read (and refuse) before they write ------------------------------


def test_xnli_data_refuses_a_header_only_training_file_before_any_table(tmp_path):
    from xlclust.grouping_eval.data import prepare_xnli

    train, test = tmp_path / "multinli.train.de.tsv", tmp_path / "xnli.test.tsv"
    train.write_text("premise\thypo\tlabel\n", encoding="utf-8")
    test.write_text("language\tgold_label\tsentence1\tsentence2\nde\tneutral\ta\tb\n", encoding="utf-8")
    spec = {"source": "files", "files": {"train": str(tmp_path / "multinli.train.{lang}.tsv"), "dev": str(test), "test": str(test)}}
    with pytest.raises(XlclustError, match=r"multinli\.train\.de\.tsv \(config key 'grouping\.evaluation\.xnli\.files\.train'\): .*header"):
        prepare_xnli(spec | {"limit": {"train": None}}, "de", str(tmp_path / "cache"), {}, 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["multinli.train.de.tsv", "xnli.test.tsv"]  # no table, no cache


def test_miracl_data_refuses_a_duplicate_docid_before_the_corpus_is_written(tmp_path):
    from xlclust.retrieval.corpus import write_corpus
    from xlclust.retrieval.miracl import iter_passages

    first, second = tmp_path / "docs-0.jsonl", tmp_path / "docs-1.jsonl"
    first.write_text('{"docid": "1#0", "title": "t", "text": "x"}\n{"docid": "1#1", "title": "t", "text": "y"}\n', encoding="utf-8")
    second.write_text('{"docid": "2#0", "title": "t", "text": "x"}\n{"docid": "1#1", "title": "t", "text": "z"}\n', encoding="utf-8")
    with pytest.raises(XlclustError, match=rf"{re.escape(str(second))}:2: passage 1#1 appears twice .*first at {re.escape(str(first))}:2"):
        write_corpus(iter_passages([first, second]), tmp_path / "out" / "corpus.parquet")
    assert list((tmp_path / "out").iterdir()) == []


def test_miracl_data_refuses_empty_qrels_before_any_output(tmp_path):
    from xlclust.retrieval.miracl import MiraclSource, read_split

    root = tmp_path / "topics"
    source = MiraclSource("files", {}, {"topics_root": str(root)})
    topics = root / "miracl-v1.0-sw" / "topics" / "topics.miracl-v1.0-sw-dev.tsv"
    qrels = root / "miracl-v1.0-sw" / "qrels" / "qrels.miracl-v1.0-sw-dev.tsv"
    for path, text in ((topics, "1\tswali\n"), (qrels, "\n")):
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
    with pytest.raises(XlclustError, match=rf"{re.escape(str(qrels))} \(config key 'grouping\.evaluation\.miracl'\): the file is empty"):
        read_split(source, "sw", "dev")  # miracl_data reads the split before it writes anything


def test_clsa_pairs_refuse_an_empty_muse_dictionary_naming_the_key_before_writing(tmp_path):
    from xlclust.grouping.clsa_pairs import gather_pairs, write_pairs

    (tmp_path / "en-de.txt").write_text("\n", encoding="utf-8")
    spec = {"pivot": "en", "muse": {"languages": ["de"], "location": str(tmp_path / "{source}-{target}.txt")}}
    output = tmp_path / "out" / "pairs.tsv"
    with pytest.raises(XlclustError, match=r"en-de\.txt \(config key 'grouping\.clsa\.muse\.location'\): the file is empty"):
        write_pairs(*gather_pairs(["muse"], spec, lambda location, key: Path(location))[:1], output)
    assert not output.parent.exists()


def test_an_empty_lowres_dictionary_is_refused_with_its_key(tmp_path):
    from xlclust.alignment.dictionaries import read_dictionary

    (tmp_path / "af-en.txt").write_bytes(b"\xef\xbb\xbf\r\n")  # a BOM and a blank line: still empty
    with pytest.raises(XlclustError, match=r"af-en\.txt \(config key 'lowres\.dictionaries\.af'\): the file is empty"):
        read_dictionary(str(tmp_path / "af-en.txt"), "muse", False, "lowres.dictionaries.af")


# ---- the language order of gold files --------------------------------------------------------------


def test_gold_links_of_the_other_language_first_are_refused_with_the_key_to_set(tmp_path):
    from xlclust.lowres.parallel import gold_links

    english, other = [["a", "b", "c", "d"], ["a"]], [["x", "y"], ["x", "y", "z"]]
    lines = ["0-3 1-2", "2-0"]  # other-language word first
    source = {"links": "gold.links", "links_base": 0}
    with pytest.raises(XlclustError, match=r"gold\.links:1: .*set lowres\.parallel\.xx\.links_english_first: false"):
        gold_links(lines, english, other, source, "lowres.parallel.xx")
    flipped = gold_links(lines, english, other, source | {"links_english_first": False}, "lowres.parallel.xx")
    assert [p.tolist() for p in flipped] == [[[3, 0], [2, 1]], [[0, 2]]]


def test_gold_links_read_with_the_wrong_base_are_refused_before_numpy(tmp_path):
    from xlclust.lowres.parallel import gold_links, one_to_one

    source = {"links": "gold.links", "links_base": 1}
    with pytest.raises(XlclustError, match=r"gold\.links:2: .*links_base: 0"):
        [one_to_one(p) for p in gold_links(["1-1", "0-0"], [["a"], ["b"]], [["x"], ["y"]], source, "lowres.parallel.xx")]


def test_a_dictionary_with_its_sides_swapped_is_refused_naming_pivot_first(tmp_path):
    from xlclust.alignment.dictionaries import DictionarySpec, seed_dictionary

    letters = "abcdefghijklmnopqrst"  # no digits: the vocabulary's normalization maps them all to 0
    german, english = [f"▁wort{c}" for c in letters], [f"▁word{c}" for c in letters]
    path = tmp_path / "de-en.txt"
    path.write_text("".join(f"word{c} wort{c}\n" for c in letters), encoding="utf-8")  # English first
    with pytest.raises(XlclustError, match=r"0 of 20 pairs fit .* 20 with the two sides swapped.*pivot_first"):
        seed_dictionary("de", DictionarySpec(format="muse", pivot_first=False, train=str(path)), german, english)
    train, _, _ = seed_dictionary("de", DictionarySpec(format="muse", pivot_first=True, train=str(path)), german, english)
    assert np.array_equal(train, np.stack([np.arange(20), np.arange(20)], axis=1))


def test_the_real_hansards_gold_file_is_read_english_first_and_refused_the_other_way_round():
    from workflow_tests.realdata import SHARED_DATA
    from xlclust.lowres.parallel import gold_links, read_lines

    folder = SHARED_DATA / "word-alignment" / "en-fr"
    pairs = [line.split("|||") for line in read_lines(folder / "enfr.src-tgt", None, "enfr")]
    english, french = [p[0].split() for p in pairs], [p[1].split() for p in pairs]
    gold = read_lines(folder / "enfr.gold", None, "lowres.parallel.fr.links")
    source = {"links": str(folder / "enfr.gold"), "links_base": 1}
    assert sum(map(len, gold_links(gold, english, french, source, "lowres.parallel.fr"))) == 4038  # its sure links
    with pytest.raises(XlclustError, match=r"enfr\.gold:\d+: .*set lowres\.parallel\.fr\.links_english_first: true"):
        gold_links(gold, english, french, source | {"links_english_first": False}, "lowres.parallel.fr")


def test_a_gzipped_corpus_file_that_is_not_utf8_is_named_with_its_line(tmp_path):
    import gzip

    from xlclust.retrieval.miracl import iter_passages

    path = tmp_path / "docs-0.jsonl.gz"
    path.write_bytes(
        gzip.compress(
            b'\xef\xbb\xbf{"docid": "1#0", "title": "t", "text": "x"}\n{"docid": "1#1", "title": "' + LATIN1 + b'", "text": "y"}\n'
        )
    )
    with pytest.raises(XlclustError, match=rf"{re.escape(str(path))}:2: not utf-8 text"):
        list(iter_passages([path]))
