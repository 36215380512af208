"""Glue of the real-encoder studies (benchmarks/realmodel_studies.py): the held-out split of the
translation pairs, the vocabulary as a grouping token table, a random grouping of given sizes, the
precision of mined word pairs per iteration, the language-family labels, and the rows of
benchmarks/results/realmodel.csv. Only the foundation is imported here: the script itself calls
the grouping, lowres and langclust stages."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from xlclust.atomic import write_csv_atomic, write_text_atomic
from xlclust.errors import XlclustError
from xlclust.languages import known_languages

COLUMNS = ["study", "setting", "metric", "value", "n"]
KEY = ["study", "setting", "metric"]


def split_by_source(pairs: list[tuple[str, str]], test_fraction: float, seed: int) -> tuple[list, list]:
    """(train, test) pairs, split by source word: a source word's pairs all fall on one side, so a
    measured pair never shares its source word with a trained one. Seeded."""
    if not 0 < test_fraction < 1:
        raise XlclustError(f"test_fraction {test_fraction} must lie in (0, 1)")
    words = np.array(sorted({source for source, _ in pairs}), dtype=object)
    chosen = np.random.default_rng(seed).choice(len(words), size=round(test_fraction * len(words)), replace=False)
    test_words = set(words[chosen].tolist())
    return [p for p in pairs if p[0] not in test_words], [p for p in pairs if p[0] in test_words]


def vocabulary_table(tokenizer) -> pd.DataFrame:
    """The tokenizer's vocabulary as a grouping token table (token, language, is_special, is_unknown,
    token_id) in ID order; its special tokens are the specials (singletons)."""
    size = len(tokenizer)
    tokens = tokenizer.convert_ids_to_tokens(list(range(size)))
    special = np.zeros(size, dtype=bool)
    special[[i for i in tokenizer.all_special_ids if i < size]] = True
    unknown = np.arange(size) == tokenizer.unk_token_id
    return pd.DataFrame({"token": tokens, "language": "", "is_special": special, "is_unknown": unknown, "token_id": np.arange(size)})


def shuffled_labels(labels: np.ndarray, seed: int) -> np.ndarray:
    """A random grouping with the group sizes of ``labels``: the same labels, dealt to the rows at random."""
    return np.asarray(labels)[np.random.default_rng(seed).permutation(len(labels))]


def mined_precision(mined: pd.DataFrame, dictionary: list[tuple[str, str]]) -> pd.DataFrame:
    """Per iteration of ``mined`` (iteration, source_word, target_word), of the mined word-type pairs
    whose (lower-cased) source word the dictionary lists, the share it lists as a pair. Rows iteration,
    covered (type pairs whose source word it lists), listed, precision, types (all mined type pairs)."""
    listed = {(s.lower(), t.lower()) for s, t in dictionary}
    sources = {s for s, _ in listed}
    rows = []
    for iteration, group in mined.groupby("iteration", sort=True):
        types = group[["source_word", "target_word"]].apply(lambda c: c.str.lower()).drop_duplicates()
        covered = types[types["source_word"].isin(sources)]
        hits = sum((s, t) in listed for s, t in zip(covered["source_word"], covered["target_word"]))
        precision = hits / len(covered) if len(covered) else float("nan")
        rows.append({"iteration": int(iteration), "covered": len(covered), "listed": hits, "precision": precision, "types": len(types)})
    return pd.DataFrame(rows, columns=["iteration", "covered", "listed", "precision", "types"])


def language_families(codes: list[str], level: int = 0) -> tuple[list[str], list[str], dict[str, str]]:
    """(kept codes, their families, left-out codes with the reason). The family is the ``family``
    column of xlclust/data/wikipedia_languages.tsv cut at ``level`` (0: the top-level family,
    1: the genus where it names one). Codes the table lacks, and constructed languages, are left out."""
    known = known_languages()
    kept, families, left_out = [], [], {}
    for code in codes:
        if code not in known:
            left_out[code] = "not in xlclust/data/wikipedia_languages.tsv"
        elif known[code].family == "Constructed":
            left_out[code] = "a constructed language, no family"
        else:
            parts = known[code].family.split("/")
            kept.append(code)
            families.append("/".join(parts[: level + 1]) if known[code].family != "Isolate" else f"Isolate:{code}")
    return kept, families, left_out


def language_means(vectors: np.ndarray, languages: list[str]) -> tuple[list[str], np.ndarray]:
    """(languages in order of first appearance, the mean of each language's rows)."""
    names = list(dict.fromkeys(languages))
    index = pd.Series(languages).map({name: i for i, name in enumerate(names)}).to_numpy()
    sums = np.zeros((len(names), vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, index, vectors)
    return names, (sums / np.bincount(index, minlength=len(names))[:, None]).astype(np.float32)


def replace_rows(path: str | os.PathLike, rows: list[dict]) -> pd.DataFrame:
    """Write ``rows`` into the CSV at ``path`` (columns study, setting, metric, value, n): a row with
    the same study, setting and metric as a new one is replaced, every other row kept, atomically."""
    path = Path(path)
    kept = pd.read_csv(path, dtype={"study": str, "setting": str}) if path.exists() else pd.DataFrame(columns=COLUMNS)
    if list(kept.columns) != COLUMNS:
        raise XlclustError(f"{path}: expected the columns {COLUMNS}, found {list(kept.columns)}; fix or remove the file")
    new = pd.DataFrame(rows, columns=COLUMNS)
    stale = kept.set_index(KEY).index.isin(new.set_index(KEY).index)
    frame = pd.concat([kept[~stale], new], ignore_index=True) if len(kept[~stale]) else new
    frame["value"] = frame["value"].astype(float).round(6)
    frame["n"] = frame["n"].astype(int)
    write_csv_atomic(frame, path)
    return frame


def replace_section(path: str | os.PathLike, name: str, text: str) -> None:
    """Put ``text`` between the markers of section ``name`` in the markdown file at ``path`` (appended
    when the file has none), keeping the rest of the file; atomically."""
    path = Path(path)
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{start}\n{text.rstrip()}\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    new = pattern.sub(lambda _: block, old) if pattern.search(old) else (old.rstrip() + "\n\n" if old.strip() else "") + block + "\n"
    write_text_atomic(path, new)
