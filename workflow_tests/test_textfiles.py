"""Files that are not in their expected encoding are named with their line and byte, wherever they are read."""

import pytest

from xlclust.alignment.dictionaries import read_dictionary
from xlclust.errors import XlclustError
from xlclust.token_classification.data import NerDataError, read_conll, read_rahimi
from xlclust.tydiqa.data import QADataError, read_squad_json

LATIN1 = "Málaga".encode("latin-1")  # b"M\xe1laga": not UTF-8


def test_a_dictionary_that_is_not_utf8_is_named_with_its_line(tmp_path):
    path = tmp_path / "es-en.txt"
    path.write_bytes(b"casa house\n" + LATIN1 + b" Malaga\n")
    with pytest.raises(XlclustError, match=r"es-en\.txt:2: not utf-8 text \(byte 2 of the line, b'\\xe1lag'\)"):
        read_dictionary(str(path), "muse", pivot_first=False)


def test_ner_files_that_are_not_utf8_are_named_with_their_line(tmp_path):
    rahimi = tmp_path / "train"
    rahimi.write_bytes(b"es:En\tO\nes:" + LATIN1 + b"\tB-LOC\n")
    with pytest.raises(NerDataError, match=r"train:2: not utf-8 text \(byte 5 of the line"):
        list(read_rahimi(rahimi, "es"))
    conll = tmp_path / "esp.train"
    conll.write_bytes(b"-DOCSTART- O\n\nEn O\n" + LATIN1 + b" B-LOC\n")
    with pytest.raises(NerDataError, match=r"esp\.train:4: not utf-8 text"):
        list(read_conll(conll))
    assert [s.tokens for s in read_conll(conll, encoding="latin-1")] == [["En", "Málaga"]]  # its encoding named: read


def test_a_squad_file_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "dev.json"
    path.write_bytes(b'{"data": [{"title": "' + LATIN1 + b'", "paragraphs": []}]}')
    with pytest.raises(QADataError, match=r"dev\.json:1: not utf-8 text"):
        read_squad_json(path, "es")
