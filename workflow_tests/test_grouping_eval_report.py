"""The semantic-grouping evaluation's report ("Tomato, Tomahto, Tomate" Table 5, Figs. 3-7 and
9-12): each score against the reference its figure names, perc as a ratio of means, the colour
bands, Fig. 6's embedding shares, Fig. 10's correlations, and every figure drawn (or its note)."""

import itertools
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from xlclust.grouping_eval.correlation import PAIRS, correlations, pair_name
from xlclust.grouping_eval.figures import write_figures
from xlclust.grouping_eval.report import band, embedding_sizes, run_rows, table5, with_relative
from xlclust.grouping_eval.studies import FIGURES, STUDIES, missing_references, study_lines

REFERENCES = {"mbert": "mbert/cpt"}
METRICS = {"masakhaner": "f1", "xnli": "accuracy", "tydiqa": "F1", "miracl_retrieval": "ndcg@10", "miracl_reranking": "ndcg@10"}


def run(pipeline, task, values, scenario="in_language", train="all", seed=1):
    """A run's rows: ``values`` language → score."""
    rows = [(language, scenario, METRICS[task], value) for language, value in values.items()]
    return run_rows(pipeline, task, train, seed, pd.DataFrame(rows, columns=["language", "scenario", "metric", "value"]))


def frame(*runs):
    return pd.concat(runs, ignore_index=True)


def test_perc_is_a_ratio_of_means_not_a_mean_of_ratios():
    scores = frame(run("mbert/cpt", "xnli", {"en": 0.9, "sw": 0.1}), run("mbert/kmeans10", "xnli", {"en": 0.45, "sw": 0.1}))
    relative = with_relative(scores, REFERENCES).set_index(["pipeline", "language"])["relative"]
    assert relative[("mbert/kmeans10", "en")] == pytest.approx(50) and relative[("mbert/kmeans10", "sw")] == pytest.approx(100)
    table = table5(scores, REFERENCES).set_index("pipeline")
    assert table.loc["mbert/kmeans10", "perc"] == pytest.approx(55.0)  # 0.275 / 0.5, not (50 + 100) / 2
    assert table.loc["mbert/cpt", "perc"] == 100.0 and table.loc["mbert/kmeans10", "reference"] == "mbert/cpt"
    # Table 5's own first Fig. 3 row: MasakhaNER 0.704 against the second row's 0.745
    paper = frame(run("mbert/cpt", "masakhaner", {"swa": 0.745}), run("mbert/kmeans40", "masakhaner", {"swa": 0.704}))
    assert table5(paper, REFERENCES).set_index("pipeline").loc["mbert/kmeans40", "perc"] == 94.5
    # the mean over languages uses only the languages the reference has too; none: empty perc
    partial = frame(run("mbert/cpt", "xnli", {"en": 0.8}), run("mbert/kmeans10", "xnli", {"en": 0.4, "sw": 0.9}))
    assert table5(partial, REFERENCES).set_index("pipeline").loc["mbert/kmeans10", "perc"] == 50.0
    alone = table5(run("mbert/kmeans10", "xnli", {"en": 0.4}), REFERENCES)
    assert alone["perc"].isna().all() and alone["reference"].isna().all()


def test_the_colour_bands_are_the_captions():
    assert [band(p) for p in (95, 90.1, 90, 70, 69.9, 50, 49.9)] == ["green", "green", "yellow", "yellow", "red", "red", "dark red"]
    assert band(float("nan")) is None


def test_each_study_uses_the_reference_its_figure_names():
    scores = frame(
        run("mbert", "xnli", {"sw": 70.0}),
        run("mbert/cpt", "xnli", {"sw": 80.0}),
        run("mbert/cpt", "xnli", {"sw": 50.0}, "zero_shot", "en"),
        run("mbert/cpt", "xnli", {"en": 90.0}, "in_language", "en"),  # the zero-shot source on itself
        run("mbert/clsa-all", "xnli", {"sw": 76.0}),
        run("mbert/clsa-all/kmeans10", "xnli", {"sw": 72.0}),
        run("mbert/clsa-all/kmeans10/cpt", "xnli", {"sw": 78.0}),
        run("mbert/clsa-all/kmeans10/cpt", "xnli", {"sw": 40.0}, "zero_shot", "en"),
        run("xlmr/clsa-all", "xnli", {"sw": 60.0}),
        run("xlmr/clsa-all/kmeans10", "xnli", {"sw": 54.0}),
    )
    table = table5(scores, REFERENCES).set_index(["pipeline", "scenario"])
    # Table 5: mBERT's rows against mbert/cpt (its second row), the other backbones' against their own 100 % row
    assert table.loc[("mbert/clsa-all/kmeans10", "in_language"), "perc"] == 90.0
    assert table.loc[("mbert", "in_language"), "perc"] == 87.5
    assert table.loc[("xlmr/clsa-all/kmeans10", "in_language"), ["perc", "reference"]].tolist() == [90.0, "xlmr/clsa-all"]
    # the in-language rows are those of the training on all languages (App. A), not the English source's
    assert table.loc[("mbert/cpt", "in_language"), "mean"] == 80.0 and table.loc[("mbert/cpt", "in_language"), "train_language"] == "all"
    # Fig. 7: every backbone against its own CLSA row, mBERT too
    fig7 = study_lines(scores, STUDIES["fig7"], REFERENCES)[("xnli", "accuracy")]
    assert fig7["mbert"].set_index("r_G")["perc"].to_dict() == {10: pytest.approx(100 * 72 / 76), 100: 100.0}
    assert fig7["xlmr"].set_index("r_G")["perc"].to_dict() == {10: 90.0, 100: 100.0}
    # Fig. 9: zero-shot scores against the reference's zero-shot scores
    fig9 = study_lines(scores, STUDIES["fig9"], REFERENCES)[("xnli", "accuracy")]
    assert fig9["SG + CLSA + CPT"][["r_G", "perc", "reference"]].values.tolist() == [[10, 80.0, "mbert/cpt"]]
    # Fig. 4 against mbert/cpt
    fig4 = study_lines(scores, STUDIES["fig4"], REFERENCES)[("xnli", "accuracy")]
    assert fig4["SG + CLSA (no CPT)"]["perc"].tolist() == [90.0] and fig4["SG + CLSA + CPT"]["perc"].tolist() == [97.5]
    # without the reference, the figure names it
    assert missing_references(scores[scores["pipeline"] != "mbert/cpt"], STUDIES["fig4"], REFERENCES) == ["mbert/cpt"]


def test_embedding_shares_are_fig6s():
    """Fig. 6's caption: DR to d = 32 keeps 4.2 % of mBERT's embedding parameters, SG at r_G = 5 % on it 0.21 %."""
    configs = {
        "mbert": {"vocab_size": 119547, "hidden_size": 768, "reduced_embedding_dim": None},
        "mbert/d32/cpt": {"vocab_size": 119547, "hidden_size": 768, "reduced_embedding_dim": 32},
        "mbert/d32/clsa-all/kmeans5/cpt": {"vocab_size": 5977, "hidden_size": 768, "reduced_embedding_dim": 32},
        "xlmr/kmeans5": {"vocab_size": 12500, "hidden_size": 768},  # its backbone's config is missing
    }
    sizes = embedding_sizes(configs).set_index("pipeline")
    assert sizes.loc["mbert/d32/cpt", "embedding_share"] == pytest.approx(4.17, abs=0.01)
    assert sizes.loc["mbert/d32/clsa-all/kmeans5/cpt", "embedding_share"] == pytest.approx(0.208, abs=0.001)
    assert sizes.loc["mbert/d32/cpt", "d"] == 32 and sizes.loc["mbert", "embedding_share"] == 100
    assert np.isnan(sizes.loc["xlmr/kmeans5", "embedding_share"])


def drops_frame(values: dict[str, dict[str, tuple[float, float]]]):
    """Reference and r_G = 10 % (k-means, CLSA, CPT) runs: task → language → (reference, grouped)."""
    runs = []
    for task, languages in values.items():
        runs.append(run("mbert/cpt", task, {lang: pair[0] for lang, pair in languages.items()}))
        runs.append(run("mbert/clsa-all/kmeans10/cpt", task, {lang: pair[1] for lang, pair in languages.items()}))
    return frame(*runs)


def test_fig10_correlates_the_per_language_drops_as_scipy():
    retrieval = {"ar": (50, 40), "en": (60, 57), "hi": (40, 20), "sw": (30, 27), "ru": (45, 36)}
    xnli = {"ar": (70, 63), "en": (80, 78), "hi": (60, 48), "sw": (50, 49), "de": (70, 70)}
    tydiqa = {"ar": (70, 60), "fi": (70, 65), "ko": (60, 50)}  # shares only ar (and fi, ko: no) with retrieval
    scores = drops_frame({"miracl_retrieval": retrieval, "xnli": xnli, "tydiqa": tydiqa})
    cells = correlations(scores, REFERENCES).set_index("pair")
    assert cells["ratio"].eq(10).all() and list(cells.index) == [pair_name(a, b) for _, a, b in PAIRS]
    shared = ["ar", "en", "hi", "sw"]
    drop = {name: [100 - 100 * values[lang][1] / values[lang][0] for lang in shared] for name, values in (("r", retrieval), ("x", xnli))}
    expected = stats.pearsonr(drop["r"], drop["x"], alternative="greater")
    row = cells.loc[pair_name("miracl_retrieval", "xnli")]
    assert row["n"] == 4 and row["rho"] == pytest.approx(expected.statistic) and row["p"] == pytest.approx(expected.pvalue)
    few = cells.loc[pair_name("miracl_retrieval", "tydiqa")]
    assert few["n"] == 1 and np.isnan(few["rho"]) and np.isnan(few["p"])  # n < 3: no ρ
    assert cells.loc[pair_name("miracl_reranking", "xnli"), "n"] == 0  # no reranking runs


def synthetic_scores(seed=0):
    """Every figure's pipelines on every task, seeded random scores."""
    rng = np.random.default_rng(seed)
    ratios, languages = (5, 10, 20, 40), ["ar", "en", "sw", "ru", "hi"]
    pipelines = ["mbert/cpt", "mbert/kmeans5/cpt", "mbert/clsa-muse/kmeans5/cpt", "xlmr/clsa-all", "mbert/clsa-all"]
    pipelines += [f"mbert/{m}{r}{c}" for m, r, c in itertools.product(("kmeans", "firstk", "l2kmeans"), ratios, ("", "/cpt"))]
    pipelines += [f"mbert/{d}clsa-all/kmeans{r}/cpt" for d, r in itertools.product(("", "d32/"), ratios)]
    pipelines += [f"{b}/clsa-all/kmeans{r}" for b, r in itertools.product(("mbert", "xlmr"), ratios)] + ["mbert/d32/cpt", "mbert/d8/cpt"]
    runs = []
    for pipeline, task in itertools.product(pipelines, METRICS):
        runs.append(run(pipeline, task, {lang: rng.uniform(40, 80) for lang in languages}))
        if task != "masakhaner" and pipeline in ("mbert/cpt", "mbert/clsa-all/kmeans10/cpt"):
            runs.append(run(pipeline, task, {lang: rng.uniform(30, 70) for lang in languages if lang != "en"}, "zero_shot", "en"))
    configs = {"mbert": {"vocab_size": 1000, "hidden_size": 64}}
    for pipeline in pipelines:
        dim, ratio = re.search(r"/d(\d+)/", pipeline), re.search(r"(?:kmeans|firstk)(\d+)", pipeline)
        configs[pipeline] = {
            "vocab_size": 10 * int(ratio[1]) if ratio else 1000,
            "hidden_size": 64,
            "reduced_embedding_dim": dim and int(dim[1]),
        }
    return frame(*runs), embedding_sizes(configs)


def test_every_figure_is_drawn_from_a_small_frame(tmp_path):
    scores, sizes = synthetic_scores()
    paths = {name: tmp_path / f"{name}.png" for name in FIGURES}
    write_figures(scores, paths, tmp_path / "fig10.csv", REFERENCES, sizes)
    for name, path in paths.items():
        assert path.stat().st_size > 10_000, name
    cells = pd.read_csv(tmp_path / "fig10.csv")
    assert list(cells.columns) == ["backbone", "group", "pair", "ratio", "n", "rho", "p"] and cells["rho"].notna().all()
    fig6 = study_lines(scores, STUDIES["fig6"], REFERENCES, sizes)[("xnli", "accuracy")]
    assert set(fig6) == {"DR (full vocabulary)", "SG at d=32"}
    assert fig6["DR (full vocabulary)"]["embedding_share"].tolist() == [12.5, 50.0, 100.0]  # d8, d32, the reference
    assert set(study_lines(scores, STUDIES["fig12"], REFERENCES, sizes)[("xnli", "accuracy")]) == {
        "cosine k-means, d=64",
        "cosine k-means, d=64 + CPT",
        "L2 k-means, d=64",
        "L2 k-means, d=64 + CPT",
    }
    table = table5(scores, REFERENCES, sizes)
    assert {"d", "r_G", "clsa", "continual", "perc", "band", "reference", "embedding_share"} <= set(table.columns)


def test_a_figure_without_runs_says_so(tmp_path):
    scores = run("mbert/cpt", "xnli", {"sw": 80.0})
    paths = {name: tmp_path / f"{name}.png" for name in FIGURES}
    write_figures(scores, paths, tmp_path / "fig10.csv", REFERENCES)
    for name, path in paths.items():
        assert path.stat().st_size > 5_000, name
    assert pd.read_csv(tmp_path / "fig10.csv").empty


def test_a_missing_reference_is_named_and_leaves_perc_empty(tmp_path):
    scores = frame(
        run("mbert/cpt", "xnli", {"sw": 80.0}),
        run("mbert/kmeans10/cpt", "xnli", {"sw": 72.0}),
        run("mbert/kmeans10/cpt", "tydiqa", {"sw": 60.0}),  # mbert/cpt has no TyDi QA scores
    )
    assert missing_references(scores, STUDIES["fig3"], REFERENCES) == ["mbert/cpt"]
    table = table5(scores, REFERENCES).set_index(["pipeline", "task"])
    assert table.loc[("mbert/kmeans10/cpt", "xnli"), "perc"] == 90.0 and np.isnan(table.loc[("mbert/kmeans10/cpt", "tydiqa"), "perc"])
    assert set(study_lines(scores, STUDIES["fig3"], REFERENCES)) == {("xnli", "accuracy"), ("tydiqa", "F1")}
    write_figures(scores, {"fig3": tmp_path / "fig3.png"}, tmp_path / "fig10.csv", REFERENCES)
    assert (tmp_path / "fig3.png").stat().st_size > 10_000
    assert missing_references(scores[scores["task"] == "xnli"], STUDIES["fig3"], REFERENCES) == []
