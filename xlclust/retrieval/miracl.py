"""MIRACL (Zhang et al. 2023) in its published layout, from the gated Hub repositories or a local copy.

The Hub repositories hold plain files, read here directly (``datasets`` ≥ 4 refuses their loading
scripts):

- ``miracl/miracl``: ``miracl-v1.0-{lang}/topics/topics.miracl-v1.0-{lang}-{split}.tsv`` (``qid\\tquery``)
  and ``miracl-v1.0-{lang}/qrels/qrels.miracl-v1.0-{lang}-{split}.tsv`` (TREC qrels; relevance 0 marks
  a judged non-relevant passage, the dataset's hard negatives);
- ``miracl/miracl-corpus``: ``miracl-corpus-v1.0-{lang}/docs-{n}.jsonl.gz``, a JSON object a line
  with ``docid`` (``article#paragraph``), ``title`` and ``text``.

A local copy (``source: files``) has the same relative paths under ``files.topics_root`` and
``files.corpus_root``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from xlclust.errors import ConfigError, XlclustError
from xlclust.retrieval.layout import CORPUS_FILE, corpus_dir, qrels_path, topics_path
from xlclust.retrieval.trec import read_qrels
from xlclust.textfiles import UniqueKeys, data_lines, text_lines


@dataclass(frozen=True)
class MiraclSource:
    """Where MIRACL's files are (config ``grouping.evaluation.miracl``: ``source``, ``hub``, ``files``)."""

    source: str
    hub: dict
    files: dict
    cache_dir: str | None = None
    config_key: str = "grouping.evaluation.miracl"

    def __post_init__(self):
        if self.source not in ("hub", "files"):
            raise ConfigError(f"{self.config_key}.source: {self.source!r} is not hub or files")

    def _hub(self, which: str):
        repo, revision = self.hub[which], self.hub["revision"][which]
        if not revision:
            raise ConfigError(
                f"{self.config_key}.hub.revision.{which}: pin the commit of {repo} you read "
                f"(https://huggingface.co/datasets/{repo}/commits/main) before MIRACL is downloaded"
            )
        from huggingface_hub import get_token

        token = get_token()
        if token is None:
            raise XlclustError(
                f"{repo} is gated: accept its terms at https://huggingface.co/datasets/{repo}, then set HF_TOKEN "
                "to a token of that account (or run `hf auth login`) in the environment the job runs in"
            )
        return repo, revision, token

    def _download(self, which: str, relative: str) -> Path:
        from huggingface_hub import hf_hub_download
        from huggingface_hub.errors import EntryNotFoundError, GatedRepoError

        repo, revision, token = self._hub(which)
        try:
            return Path(hf_hub_download(repo, relative, repo_type="dataset", revision=revision, token=token, cache_dir=self.cache_dir))
        except GatedRepoError as error:
            raise XlclustError(
                f"{repo}: access refused for this token; accept the terms at https://huggingface.co/datasets/{repo}"
            ) from error
        except EntryNotFoundError as error:
            raise XlclustError(f"{repo}@{revision}: no file {relative}") from error

    def _local(self, which: str, relative: str) -> Path:
        root = self.files.get(f"{which}_root")
        if not root:
            raise ConfigError(f"{self.config_key}.files.{which}_root: required with source: files")
        return Path(root) / relative

    def file(self, which: str, relative: str) -> Path:
        """A topics or qrels file (``which``: topics) or a corpus file (corpus), downloaded if need be."""
        if self.source == "hub":
            return self._download(which, relative)
        path = self._local(which, relative)
        if not path.is_file():
            raise XlclustError(f"{self.config_key}: {path}: file not found")
        return path

    def corpus_files(self, lang: str) -> list[Path]:
        """A language's corpus files in shard order."""
        directory = corpus_dir(lang)
        if self.source == "hub":
            from huggingface_hub import HfApi

            repo, revision, token = self._hub("corpus")
            names = [
                name
                for name in HfApi(token=token).list_repo_files(repo, repo_type="dataset", revision=revision)
                if name.startswith(f"{directory}/")
            ]
        else:
            local = self._local("corpus", directory)
            names = [f"{directory}/{path.name}" for path in local.glob("docs-*.jsonl*")] if local.is_dir() else []
        names = sorted((name for name in names if CORPUS_FILE.search(name)), key=lambda name: int(CORPUS_FILE.search(name).group(1)))
        if not names:
            raise XlclustError(f"{self.config_key}: no corpus files docs-N.jsonl[.gz] for {lang} ({directory})")
        return [self.file("corpus", name) for name in names]


def read_topics(path: str | os.PathLike, config_key: str | None = None) -> dict[str, str]:
    """A topics file: ``qid\tquery`` a line, each qid once."""
    topics, seen = {}, UniqueKeys(path, "topic")
    for number, line in data_lines(path, "topics", config_key):
        qid, tab, query = line.partition("\t")
        if not tab or not qid or not query.strip():
            raise XlclustError(f"{path}, line {number}: a topic line is 'qid<TAB>query'")
        seen.add(qid, number)
        topics[qid] = query.strip()
    return topics


def read_split(source: MiraclSource, lang: str, split: str) -> tuple[dict[str, str], dict[str, dict[str, int]]]:
    """(topics, qrels) of one language and split; every judged topic must have its query."""
    topics_file = source.file("topics", topics_path(lang, split))
    qrels_file = source.file("topics", qrels_path(lang, split))
    topics, qrels = read_topics(topics_file, source.config_key), read_qrels(qrels_file, source.config_key)
    missing = sorted(set(qrels) - set(topics))
    if missing:
        raise XlclustError(f"{qrels_file}: {len(missing)} judged topics have no query in {topics_file}, e.g. {missing[:3]}")
    return topics, qrels


def _passage(line: str, path: Path, number: int) -> dict:
    try:
        passage = json.loads(line)
    except ValueError as error:
        raise XlclustError(f"{path}, line {number}: not JSON ({error})") from None
    if not isinstance(passage, dict) or not all(isinstance(passage.get(key), str) for key in ("docid", "title", "text")):
        raise XlclustError(f"{path}, line {number}: a passage is an object with string docid, title and text")
    return {"docid": passage["docid"], "title": passage["title"], "text": passage["text"]}


def _first_place(paths: list[Path], docid: str) -> str:
    """Where ``docid`` first appears (searched again only when it turned out twice: the corpus keeps a set, not places)."""
    for path in paths:
        for number, line in text_lines(path):
            if line.strip() and _passage(line, path, number)["docid"] == docid:
                return f"{path}:{number}"
    return "?"


def iter_passages(paths: list[Path], config_key: str | None = None) -> Iterator[dict]:
    """The passages of corpus files (JSON lines, gzipped or not), each checked for its three fields;
    an empty file, or a docid met twice, is an error naming the file(s) and line(s)."""
    seen: set[str] = set()
    for path in paths:
        for number, line in data_lines(path, "passages", config_key):
            passage = _passage(line, path, number)
            if passage["docid"] in seen:
                raise XlclustError(
                    f"{path}:{number}: passage {passage['docid']} appears twice in the corpus, first at {_first_place(paths, passage['docid'])}"
                )
            seen.add(passage["docid"])
            yield passage
