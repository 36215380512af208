"""MIRACL's file layout (the Hub repositories' relative paths), apart from the loaders so that the
demo world writes it without their dependencies."""

import re

CORPUS_FILE = re.compile(r"docs-(\d+)\.jsonl(\.gz)?$")


def topics_path(lang: str, split: str) -> str:
    return f"miracl-v1.0-{lang}/topics/topics.miracl-v1.0-{lang}-{split}.tsv"


def qrels_path(lang: str, split: str) -> str:
    return f"miracl-v1.0-{lang}/qrels/qrels.miracl-v1.0-{lang}-{split}.tsv"


def corpus_dir(lang: str) -> str:
    return f"miracl-corpus-v1.0-{lang}"
