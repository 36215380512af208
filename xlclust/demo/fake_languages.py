"""Fake languages: deterministic, invertible rewrites of English (after Dufter & Schütze 2020).

A fake language keeps English's real text statistics while sharing no letters with it, so
cross-lingual methods have something to do and a known right answer: the true translation
of every English word is its rewrite. Letters map one-to-one onto another script; optionally
every word is also reversed ("shifted token forms": different subword segmentations).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import mwparserfromhell
from mwparserfromhell.nodes import ExternalLink, Heading, Tag, Template, Text, Wikilink

LATIN = "abcdefghijklmnopqrstuvwxyz"
SCRIPTS = {
    "cyrillic": "абцдефгхийклмнопщрстувшжыз",
    "greek": "αβψδεφγηιξκλμνοπϙρστυϝωχθζ",
}
WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class FakeLanguage:
    script: str
    reverse_words: bool = False

    def __post_init__(self):
        letters = SCRIPTS[self.script]
        assert len(set(letters)) == 26 and all(c.upper() != c for c in letters)

    def _table(self, inverse: bool = False) -> dict[int, str]:
        source = LATIN + LATIN.upper()
        target = SCRIPTS[self.script] + SCRIPTS[self.script].upper()
        if inverse:
            source, target = target, source
        return str.maketrans(source, target)

    def word(self, word: str) -> str:
        mapped = word.translate(self._table())
        return mapped[::-1] if self.reverse_words else mapped

    def text(self, text: str) -> str:
        """Rewrite every run of Latin letters; digits, punctuation and other scripts stay."""
        table = self._table()
        if self.reverse_words:
            return WORD.sub(lambda m: m.group(0).translate(table)[::-1], text)
        return WORD.sub(lambda m: m.group(0).translate(table), text)

    def invert(self, text: str) -> str:
        letters = re.escape(SCRIPTS[self.script] + SCRIPTS[self.script].upper())
        table = self._table(inverse=True)
        run = re.compile(f"[{letters}]+")
        if self.reverse_words:
            return run.sub(lambda m: m.group(0)[::-1].translate(table), text)
        return run.sub(lambda m: m.group(0).translate(table), text)


def language_rewrites(fake_languages: dict[str, dict]) -> dict[str, Callable[[str], str]]:
    """English as it is and each fake language's rewrite of it, from demo_world.languages' specs."""
    return {"en": lambda text: text} | {
        lang: FakeLanguage(spec["script"], spec.get("reverse_words", False)).text for lang, spec in sorted(fake_languages.items())
    }


def rewrite_wikitext(wikitext: str, rewrite: Callable[[str], str], is_namespaced: Callable[[str], bool]) -> str:
    """Rewrite the words a reader sees and keep the markup working.

    Template names, tag names, link targets into other namespaces (files, categories) and
    URLs stay as they are, so the rewritten page parses into the same structure.
    """
    code = mwparserfromhell.parse(wikitext)
    _rewrite_nodes(code, rewrite, is_namespaced)
    return str(code)


def _rewrite_nodes(code, rewrite, is_namespaced) -> None:
    for node in code.nodes:
        if isinstance(node, Text):
            node.value = rewrite(node.value)
        elif isinstance(node, Wikilink):
            if not is_namespaced(str(node.title)):
                node.title = rewrite(str(node.title))
            if node.text is not None:
                _rewrite_nodes(node.text, rewrite, is_namespaced)
        elif isinstance(node, Tag):
            if node.contents is not None:
                _rewrite_nodes(node.contents, rewrite, is_namespaced)
        elif isinstance(node, Heading):
            _rewrite_nodes(node.title, rewrite, is_namespaced)
        elif isinstance(node, ExternalLink):
            if node.title is not None:
                _rewrite_nodes(node.title, rewrite, is_namespaced)
        elif isinstance(node, Template):
            for parameter in node.params:
                _rewrite_nodes(parameter.value, rewrite, is_namespaced)
