"""The demo's WikiAnn stand-in: sentences of the demo world's English articles tagged by
gazetteers and cue words, and the same sentences in each fake language (tags carry over word
by word: the fake languages rewrite letters, never word order).

Like WikiAnn's sentences (fragments around Wikipedia links), every demo sentence is a short
window around its first entity.

LOC: country, continent and city names. ORG: capitalized words ending in an organization word
("... University", "... Party"). PER: a common first name or a title followed by capitalized
words. Files are written in the formats real WikiAnn and CoNLL data come in: Rahimi et al.'s
``lang:token<TAB>TAG`` lines for English and Cyrillic-script fake languages, CoNLL columns for
the others, so the demo reads both.
"""

from __future__ import annotations

import re
from pathlib import Path

from xlclust.atomic import write_text_atomic
from xlclust.demo.fake_languages import language_rewrites
from xlclust.demo.qa import QUESTION_TYPES
from xlclust.demo.world import gensim_enwiki_sample, read_pages
from xlclust.wiki.markup import WikitextCleaner
from xlclust.wiki.multistream import read_namespaces
from xlclust.wiki.sentences import split_sentences

TOKEN = re.compile(r"\w+(?:[-'.]\w+)*|[^\w\s]")
PLACES = set(QUESTION_TYPES["country"][1].split()) | {
    "Europe",
    "Asia",
    "Africa",
    "America",
    "London",
    "Paris",
    "Rome",
    "Berlin",
    "Moscow",
    "Athens",
    "Vienna",
    "Boston",
    "Chicago",
    "California",
    "Texas",
    "Florida",
    "Virginia",
    "York",
    "Washington",
    "Scotland",
    "Wales",
    "Alabama",
    "Jerusalem",
    "Babylon",
    "Egypt",
    "Persia",
    "Arabia",
    "Greenland",
    "Antarctica",
    "Atlantic",
    "Pacific",
}
ORGANIZATION_WORDS = {
    "University",
    "College",
    "Company",
    "Party",
    "Church",
    "Army",
    "Navy",
    "Club",
    "Society",
    "Institute",
    "Association",
    "Council",
    "Corporation",
    "Academy",
    "Museum",
    "Records",
    "Press",
    "Bank",
    "League",
    "Union",
    "Agency",
    "Committee",
    "Parliament",
    "Congress",
    "Court",
    "Foundation",
    "Organization",
    "Ministry",
    "School",
    "Federation",
    "Senate",
}
FIRST_NAMES = {
    "John",
    "James",
    "William",
    "George",
    "Charles",
    "Henry",
    "Thomas",
    "Robert",
    "David",
    "Richard",
    "Paul",
    "Peter",
    "Michael",
    "Mary",
    "Elizabeth",
    "Edward",
    "Louis",
    "Albert",
    "Frederick",
    "Joseph",
    "Karl",
    "Alexander",
    "Francis",
    "Samuel",
    "Benjamin",
    "Anne",
    "Margaret",
    "Victoria",
    "Isaac",
    "Jean",
    "Friedrich",
    "Johann",
    "Ludwig",
    "Noam",
}
TITLES = {"Mr", "Mrs", "Sir", "King", "Queen", "President", "Emperor", "Pope", "Saint", "Lord", "Dr"}
SPLITS = {"train": (0, 1, 2), "dev": (3,), "test": (4,)}  # page number mod 5 → split


def _capitalized(token: str) -> bool:
    return token[:1].isupper() and token.isalpha()


def tag_sentence(tokens: list[str]) -> list[str]:
    """IOB2 tags of one tokenized English sentence."""
    tags = ["O"] * len(tokens)

    def mark(start: int, end: int, kind: str) -> None:
        if all(tag == "O" for tag in tags[start:end]):
            tags[start:end] = [f"B-{kind}"] + [f"I-{kind}"] * (end - start - 1)

    position = 0
    while position < len(tokens):
        end = position
        while end < len(tokens) and _capitalized(tokens[end]):
            end += 1
        if end == position:
            position += 1
            continue
        if tokens[position] == "The" and end - position > 1:  # "The ... Party": the article stays outside
            position += 1
        run = tokens[position:end]
        if run[-1] in ORGANIZATION_WORDS and len(run) > 1:
            mark(position, end, "ORG")
        elif run[0] in FIRST_NAMES and len(run) > 1:
            mark(position, min(end, position + 3), "PER")
        elif run[0] in TITLES and len(run) > 1:
            mark(position + 1, min(end, position + 3), "PER")
        else:
            for offset, token in enumerate(run):
                if token in PLACES:
                    mark(position + offset, position + offset + 1, "LOC")
        position = end
    return tags


def entity_window(tokens: list[str], tags: list[str], width: int = 12, before: int = 3):
    """The ``width`` tokens from ``before`` tokens ahead of the first entity (entities kept whole);
    None without an entity."""
    first = next((i for i, tag in enumerate(tags) if tag != "O"), None)
    if first is None:
        return None
    start = max(0, first - before)
    while start > 0 and tags[start].startswith("I-"):
        start -= 1
    end = min(len(tags), start + width)
    while end < len(tags) and tags[end].startswith("I-"):
        end += 1
    return tokens[start:end], tags[start:end]


def demo_sentences(
    min_tokens: int = 5, max_tokens: int = 60, width: int = 12, before: int = 3
) -> dict[str, list[tuple[list[str], list[str]]]]:
    """Tagged English entity windows of the demo articles' sentences, by split (pages dealt to splits in turn)."""
    sample = gensim_enwiki_sample()
    cleaner = WikitextCleaner(read_namespaces(sample).values())
    by_split: dict[str, list] = {split: [] for split in SPLITS}
    articles = [page for page in read_pages(sample) if page.ns == 0 and not page.redirect]
    for number, page in enumerate(articles):
        split = next(name for name, residues in SPLITS.items() if number % 5 in residues)
        for paragraph in cleaner.paragraphs(page.text):
            for sentence in split_sentences("en", paragraph):
                tokens = TOKEN.findall(sentence)
                window = entity_window(tokens, tag_sentence(tokens), width, before) if min_tokens <= len(tokens) <= max_tokens else None
                if window is not None:
                    by_split[split].append(window)
    return by_split


DEMO_CORPUS = "en-long"  # the demo's second English NER corpus, beside WikiAnn's stand-in


def _rahimi(lang: str, sentences) -> str:
    return "".join("".join(f"{lang}:{t}\t{g}\n" for t, g in zip(tokens, tags)) + "\n" for tokens, tags in sentences)


def _conll(sentences) -> str:
    return "".join("".join(f"{t} {g}\n" for t, g in zip(tokens, tags)) + "\n" for tokens, tags in sentences)


def build_demo_ner(root: str | Path, fake_languages: dict[str, dict], conll_languages: tuple[str, ...] = ()) -> dict[str, int]:
    """Write ``root/{lang}/{train,dev,test}`` for English and each fake language; returns sentences per file."""
    by_split = demo_sentences()
    rewrites = language_rewrites(fake_languages)
    counts = {}
    for lang, rewrite in rewrites.items():
        for split, sentences in by_split.items():
            rewritten = [([rewrite(t) for t in tokens], tags) for tokens, tags in sentences]
            text = _conll(rewritten) if lang in conll_languages else _rahimi(lang, rewritten)
            write_text_atomic(Path(root) / lang / split, text)
            counts[f"{lang}/{split}"] = len(rewritten)
    # CoNLL-2003's stand-in for the generalization study: English of another shape (long windows
    # around the first entity, most of each sentence), in CoNLL columns
    for split, sentences in demo_sentences(width=40, before=10).items():
        write_text_atomic(Path(root) / DEMO_CORPUS / split, _conll(sentences))
        counts[f"{DEMO_CORPUS}/{split}"] = len(sentences)
    return counts
