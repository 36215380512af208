"""Word-aligned parallel data for contextual word retrieval and the supervised baselines (Hangya et
al. 2022 §4.2, after Cao et al. 2020).

A source is two line-aligned text files (OPUS's ``moses`` layout), local or downloaded — plain, gzip,
or a member of a zip archive (``URL#member``: OPUS ships ``{corpus}.{l1}-{l2}.{l}`` inside
``{l1}-{l2}.txt.zip``) — each download checked against its pinned SHA-256. Word links come from
gold alignment files where a data set has them (Pharaoh ``i-j``; ``ipj`` possible links), otherwise
from eflomal (Östling & Tiedemann 2016; fast_align, the paper's aligner, is not on PyPI), run in both
directions and intersected; only one-to-one links are kept (Cao et al.'s ``keep_1to1``). The first
``test_pairs`` sentence pairs are the test set, the next ``dev_pairs`` the dev set, the rest train.
"""

from __future__ import annotations

import gzip
import logging
import os
import zipfile
from pathlib import Path

import numpy as np

from xlclust.atomic import atomic_path
from xlclust.download import fetch_verified, read_zip_member
from xlclust.errors import XlclustError
from xlclust.textfiles import decode, empty_file

log = logging.getLogger(__name__)


def read_lines(path: Path, member: str | None, where: str) -> list[str]:
    """The lines of a text file, a gzip file, or a member of a zip archive; none is an error naming the
    file and ``where`` (the config key)."""
    if member is not None:
        with zipfile.ZipFile(path) as archive:
            if member not in archive.namelist():
                raise XlclustError(f"{where}: {path} has no member {member!r} (it has {', '.join(archive.namelist()[:8])})")
            data = read_zip_member(archive, member, where)
    elif path.suffix == ".gz":
        data = gzip.decompress(path.read_bytes())
    else:
        data = path.read_bytes()
    name = f"{path}{'#' + member if member else ''}"
    text = decode(data, name)
    if not text.strip():
        raise empty_file(name, "lines", where)
    return text.splitlines()


def read_side(location: str, cache_dir, sha256: str | None, where: str) -> list[str]:
    location, _, member = location.partition("#")
    return read_lines(fetch_verified(location, cache_dir, sha256, where), member or None, where)


def parse_links(line: str, sure_only: bool, base: int, where: str) -> np.ndarray:
    """Links of one line of a Pharaoh file (``i-j`` sure, ``ipj`` possible), as 0-based pairs."""
    links = []
    for item in line.split():
        separator = "-" if "-" in item else "p" if "p" in item else None
        left, _, right = item.partition(separator) if separator else ("", "", "")
        if not (left.isdigit() and right.isdigit()):
            raise XlclustError(f"{where}: {item!r} is no 'i-j' or 'ipj' link")
        if separator == "p" and sure_only:
            continue
        links.append((int(left) - base, int(right) - base))
    return np.array(links, dtype=np.int64).reshape(-1, 2)


def _fits(links: np.ndarray, first: int, second: int) -> bool:
    return len(links) == 0 or bool(links.min() >= 0 and links[:, 0].max() < first and links[:, 1].max() < second)


def gold_links(lines: list[str], english: list[list[str]], other: list[list[str]], source: dict, where: str) -> list[np.ndarray]:
    """The sure links of a gold alignment file (config ``source``: ``links``, ``links_base``,
    ``links_english_first``) as (English word, other word) pairs, one array per sentence pair; a link
    outside its two sentences is an error naming the file and line, before numpy indexes with it.

    The language order is checked against the sentences: read the configured way round every link must
    fit its two sentences' lengths; when some do not but every line fits the other way round, the file
    is the other language first. Sentence pairs of different lengths make this cheap (no word lists)
    and reliable on any real file (a swapped file leaves some line's links outside the shorter side)."""
    base, english_first, name = source.get("links_base", 0), source.get("links_english_first", True), source["links"]
    if len(lines) < len(english):
        raise XlclustError(f"{name} ({where}): {len(lines)} lines of links for {len(english)} sentence pairs")
    parsed = [parse_links(line, True, base, f"{name}:{n}") for n, line in enumerate(lines[: len(english)], 1)]
    parsed = [p if english_first else p[:, ::-1] for p in parsed]
    for number, (links, e, o) in enumerate(zip(parsed, english, other), 1):
        if _fits(links, len(e), len(o)):
            continue
        if links.min() < 0:
            hint = f"a link below {base}: the file counts words from 0, set {where}.links_base: 0"
        elif all(_fits(p[:, ::-1], len(a), len(b)) for p, a, b in zip(parsed, english, other)):
            hint = f"every line fits with the two sides swapped: set {where}.links_english_first: {str(not english_first).lower()}"
        else:
            hint = f"check {where}.links_base and {where}.links_english_first"
        raise XlclustError(
            f"{name}:{number}: links {parsed[number - 1].tolist()[:6]} go beyond the sentences ({len(e)} English and {len(o)} other words); {hint}"
        )
    return parsed


def one_to_one(links: np.ndarray) -> np.ndarray:
    """The links whose words take part in no other link (Cao et al. 2020's ``keep_1to1``)."""
    if len(links) == 0:
        return links
    left = np.bincount(links[:, 0])[links[:, 0]] == 1
    right = np.bincount(links[:, 1])[links[:, 1]] == 1
    return links[left & right]


def eflomal_links(source: list[list[str]], target: list[list[str]], workdir: str | os.PathLike) -> list[np.ndarray]:
    """eflomal's links in both directions, intersected. eflomal takes no seed; its sampler's runs
    agreed on the test corpora, but are not guaranteed to."""
    import eflomal

    workdir = Path(workdir)
    forward, reverse = workdir / "forward.links", workdir / "reverse.links"
    eflomal.Aligner().align(
        [" ".join(words) for words in source],
        [" ".join(words) for words in target],
        links_filename_fwd=str(forward),
        links_filename_rev=str(reverse),
        quiet=True,
    )
    both = zip(forward.read_text(encoding="utf-8").splitlines(), reverse.read_text(encoding="utf-8").splitlines())
    links = []
    for number, (forward_line, reverse_line) in enumerate(both, 1):
        one = {tuple(p) for p in parse_links(forward_line, False, 0, f"{forward}:{number}")}
        other = {tuple(p) for p in parse_links(reverse_line, False, 0, f"{reverse}:{number}")}
        links.append(np.array(sorted(one & other), dtype=np.int64).reshape(-1, 2))
    return links


def split_names(count: int, test_pairs: int, dev_pairs: int) -> list[str]:
    """test for the first ``test_pairs`` pairs, dev for the next ``dev_pairs``, train for the rest."""
    return ["test" if i < test_pairs else "dev" if i < test_pairs + dev_pairs else "train" for i in range(count)]


def check_parallel(english: list[str], other: list[str], where: tuple[str, str]) -> None:
    if len(english) != len(other):
        raise XlclustError(f"parallel files of different lengths: {where[0]} has {len(english)} lines, {where[1]} {len(other)}")
    if not english:
        raise XlclustError(f"{where[0]}: no parallel sentences")


def write_table(rows: dict, path: str | os.PathLike) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            ("split", pa.string()),
            ("english", pa.list_(pa.string())),
            ("other", pa.list_(pa.string())),
            ("english_links", pa.list_(pa.int32())),
            ("other_links", pa.list_(pa.int32())),
        ]
    )
    with atomic_path(path, suffix=".parquet") as tmp:
        pq.write_table(pa.table(rows, schema=schema), tmp)


def read_split(path: str | os.PathLike, split: str) -> tuple[list[list[str]], list[list[str]], list[np.ndarray]]:
    """(English sentences, other-language sentences, links (English word, other word)) of one split."""
    import pyarrow.parquet as pq

    table = pq.read_table(path, filters=[("split", "==", split)]).to_pydict()
    links = [np.stack([e, o], axis=1).astype(np.int64).reshape(-1, 2) for e, o in zip(table["english_links"], table["other_links"])]
    return table["english"], table["other"], links
