"""The demo's headline figures, one per line (``results/demo_figures.csv``: figure,value): what each
system's tables say, gathered so that a fresh install can be compared with the figures the lock
gives (``demo/expected_figures.csv``: figure,value,tolerance,reason)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from xlclust.errors import XlclustError

DECIMALS = 6  # the figures as written: far below any effect, far above float noise in the text form

# results/… tables the figures come from (the demo_figures rule's inputs)
TABLES = {
    "bli": "results/bli_scores.csv",
    "tydiqa": "results/tydiqa/summary.csv",
    "pretraining": "results/pretraining/summary.csv",
    "language_clusters": "results/language_clusters.csv",
    "langid": "results/langclust/langid/accuracy.csv",
    "ner": "results/wikiann_ner_scores.csv",
    "word_retrieval": "results/word_retrieval_scores.csv",
    "lowres_ner": "results/lowres_ner_scores.csv",
    "mining_modes": "results/lowres/mining_modes.csv",
    "tagging": "results/tagging_scores.csv",
    "translations": "results/grouping/translations.csv",
    "grouping_eval": "results/grouping_eval/table5.csv",
}


def _rows(frame: pd.DataFrame, name: str, value: str) -> Iterator[tuple[str, float]]:
    """(figure, value) for each row: ``name`` is a format string over the row's columns."""
    for row in frame.to_dict("records"):
        yield name.format(**row), row[value]


def bli_figures(bli: pd.DataFrame):
    p1 = bli[bli["metric"] == "P@1"]
    yield from _rows(p1, "bli/{retrieval}/{source}-{target}/P@1", "value")


def tydiqa_figures(summary: pd.DataFrame):
    yield from _rows(summary, "tydiqa/{model}/{language}/F1", "F1_mean")
    yield from _rows(summary, "tydiqa/{model}/{language}/EM", "EM_mean")


def pretraining_figures(summary: pd.DataFrame):
    yield from _rows(summary, "pretraining/{tokenizer}/final_loss", "final_loss")


def language_cluster_figures(clusters: pd.DataFrame, langid: pd.DataFrame):
    purity = clusters.groupby(["representation", "k"], as_index=False)["vote_share"].mean()
    yield from _rows(purity, "langclust/{representation}/k{k}/purity", "vote_share")
    yield from _rows(langid, "langclust/langid/{language}/accuracy", "accuracy")


def ner_figures(scores: pd.DataFrame):
    overall = scores[scores["class"] == "all"].groupby(["scheme", "language"], as_index=False)["f1"].mean()
    yield from _rows(overall, "ner/{scheme}/{language}/F1", "f1")


def lowres_figures(retrieval: pd.DataFrame, ner: pd.DataFrame, modes: pd.DataFrame, precision: dict[str, float]):
    averaged = retrieval[retrieval["source"] == "avg"]
    yield from _rows(averaged, "lowres/retrieval/{method}/{language}/accuracy", "accuracy")
    yield from _rows(ner[ner["class"] == "all"], "lowres/ner/{method}/{language}/F1", "f1")
    yield from _rows(modes, "lowres/mining/{method}/{language}/pairs_per_iteration", "pairs_per_iteration")
    for lang, value in sorted(precision.items()):
        yield f"lowres/mined_pairs/{lang}/precision", value


def tagging_figures(scores: pd.DataFrame):
    yield from _rows(scores, "tagging/{task}/{embedder}/{scenario}/{train_languages}/seed{seed}/{language}/{metric}", "value")


def grouping_figures(translations: pd.DataFrame, table5: pd.DataFrame):
    yield from _rows(translations, "grouping/translations/{pipeline}/pair_share", "pair_share")
    yield from _rows(table5, "grouping_eval/{pipeline}/{task}/{scenario}/{metric}/mean", "mean")
    yield from _rows(table5.dropna(subset=["perc"]), "grouping_eval/{pipeline}/{task}/{scenario}/{metric}/perc", "perc")


def mined_pair_precision(mined_types: Path, dictionary: Path) -> float:
    """The share of the alphabetic mined type pairs that the demo world's true dictionary holds."""
    from xlclust.lowres.types import dictionary_precision

    types = pd.read_csv(mined_types, keep_default_na=False, dtype={"count": int})
    words = types[types["source_word"].str.isalpha()].assign(source_word=lambda t: t["source_word"].str.lower())
    pairs = {tuple(line.split()) for line in dictionary.read_text(encoding="utf-8").splitlines()}
    return float(dictionary_precision(words, pairs)["pair_precision"])


def headline_figures(root: str | Path, mined: dict[str, tuple[Path, Path]]) -> pd.DataFrame:
    """Every headline figure of a finished demo under ``root``; ``mined``: language -> (its mined
    types, its true dictionary). Fails naming a table that lacks a column it reads."""
    root = Path(root)
    tables = {}
    for key, path in TABLES.items():
        try:
            tables[key] = pd.read_csv(root / path, keep_default_na=key != "tagging")
        except FileNotFoundError as error:
            raise XlclustError(f"{path}: missing (the demo's figures are gathered after its run)") from error
    precision = {lang: mined_pair_precision(types, dictionary) for lang, (types, dictionary) in mined.items()}
    parts = [
        (TABLES["bli"], lambda: bli_figures(tables["bli"])),
        (TABLES["tydiqa"], lambda: tydiqa_figures(tables["tydiqa"])),
        (TABLES["pretraining"], lambda: pretraining_figures(tables["pretraining"])),
        (TABLES["language_clusters"], lambda: language_cluster_figures(tables["language_clusters"], tables["langid"])),
        (TABLES["ner"], lambda: ner_figures(tables["ner"])),
        (
            TABLES["word_retrieval"],
            lambda: lowres_figures(tables["word_retrieval"], tables["lowres_ner"], tables["mining_modes"], precision),
        ),
        (TABLES["tagging"], lambda: tagging_figures(tables["tagging"])),
        (TABLES["grouping_eval"], lambda: grouping_figures(tables["translations"], tables["grouping_eval"])),
    ]
    rows = []
    for path, figures in parts:
        try:
            rows += [(name, round(float(value), DECIMALS)) for name, value in figures()]
        except KeyError as error:
            raise XlclustError(f"{path}: no column {error} (the demo's figures read it)") from error
    frame = pd.DataFrame(rows, columns=["figure", "value"])
    duplicated = frame["figure"][frame["figure"].duplicated()].tolist()
    if duplicated:
        raise XlclustError(f"demo figures named twice: {duplicated[:5]}")
    return frame


def compare_figures(measured: pd.DataFrame, expected: pd.DataFrame) -> list[str]:
    """What differs between a run's figures and the expected ones: a figure missing on either side, or
    a value outside its tolerance (relative, 0: exactly)."""
    problems = []
    got = dict(zip(measured["figure"], measured["value"]))
    for row in expected.to_dict("records"):
        name = row["figure"]
        if name not in got:
            problems.append(f"{name}: expected {row['value']}, not measured")
            continue
        value, tolerance = got.pop(name), float(row["tolerance"])
        both_nan = math.isnan(value) and math.isnan(row["value"])
        if not both_nan and not abs(value - row["value"]) <= tolerance * abs(row["value"]):
            problems.append(f"{name}: {value}, expected {row['value']} (tolerance {tolerance:g})")
    problems += [f"{name}: {value}, not in the expected figures" for name, value in sorted(got.items())]
    return problems


def read_expected(path: str | Path) -> pd.DataFrame:
    """demo/expected_figures.csv: an empty value is NaN (a score with nothing to score), an empty
    reason is no reason."""
    return pd.read_csv(path, dtype={"reason": str}).fillna({"reason": ""})


def expected_from(measured: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """The expected figures for a run's measured ones: tolerance 0, or the previous file's tolerance
    and reason where it gave one for that figure."""
    kept = {} if previous is None else {r["figure"]: (r["tolerance"], r["reason"]) for r in previous.to_dict("records")}
    rows = [(name, value, *kept.get(name, (0.0, ""))) for name, value in zip(measured["figure"], measured["value"])]
    return pd.DataFrame(rows, columns=["figure", "value", "tolerance", "reason"])


def main(argv: list[str] | None = None) -> None:
    """``python -m xlclust.demo.figures results/demo_figures.csv demo/expected_figures.csv``: after a
    change that moves the demo's figures on purpose, write them as the expected ones (commit the file
    with the change, and say why in its message)."""
    import argparse

    from xlclust.atomic import write_csv_atomic

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("measured", type=Path)
    parser.add_argument("expected", type=Path)
    args = parser.parse_args(argv)
    previous = read_expected(args.expected) if args.expected.exists() else None
    write_csv_atomic(expected_from(pd.read_csv(args.measured), previous), args.expected)


if __name__ == "__main__":
    main()
