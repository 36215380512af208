"""Every figure the workflow draws, for all its stages (matplotlib, Agg backend, saved atomically)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from xlclust.atomic import save_figure_atomic  # noqa: E402


def corpus_stats_figure(stats: pd.DataFrame, path) -> None:
    """Documents, sentences and tokens per language, log scale."""
    measures = ["documents", "sentences", "tokens"]
    figure, axes = plt.subplots(1, len(measures), figsize=(4 * len(measures), 3.5))
    for axis, measure in zip(axes, measures):
        bars = axis.bar(stats["language"], stats[measure], color="#4878a8")
        axis.bar_label(bars, fmt="{:,.0f}", fontsize=7)
        axis.set_yscale("log")
        axis.set_title(measure)
        axis.tick_params(axis="x", rotation=45)
    figure.suptitle("Extracted Wikipedia per language")
    figure.tight_layout()
    save_figure_atomic(figure, path)


def sampling_figure(sampling: pd.DataFrame, alpha: float, path) -> None:
    """Language shares before (p_i) and after (q_i) smoothing, and the duplication factors."""
    x = np.arange(len(sampling))
    figure, (shares, factors) = plt.subplots(1, 2, figsize=(10, 3.5))
    shares.bar(x - 0.2, sampling["p_i"], width=0.4, label="p_i (data)", color="#999999")
    shares.bar(x + 0.2, sampling["q_i"], width=0.4, label=f"q_i (α = {alpha})", color="#4878a8")
    shares.set_xticks(x, sampling["language"], rotation=45)
    shares.set_ylabel("share of lines")
    shares.legend()
    factors.bar(x, sampling["duplication_factor"], color="#d08040")
    factors.set_xticks(x, sampling["language"], rotation=45)
    factors.set_ylabel("duplication factor")
    figure.suptitle("Exponentially smoothed language sampling")
    figure.tight_layout()
    save_figure_atomic(figure, path)


def bli_figure(scores: pd.DataFrame, path) -> None:
    """P@1 per language pair and retrieval method."""
    figure, axis = plt.subplots(figsize=(max(4, 1.2 * max(1, scores[["source", "target"]].drop_duplicates().shape[0])), 3.5))
    p1 = scores[scores["metric"] == "P@1"].copy()
    if p1.empty:
        axis.text(0.5, 0.5, "no language has a test dictionary", ha="center", va="center")
    else:
        p1["pair"] = (p1["source"] + "→" + p1["target"]).replace("avg→avg", "average")
        pairs = list(dict.fromkeys(p1["pair"]))
        methods = list(dict.fromkeys(p1["retrieval"]))
        width = 0.8 / len(methods)
        for number, method in enumerate(methods):
            values = p1[p1["retrieval"] == method].set_index("pair").reindex(pairs)["value"]
            bars = axis.bar(np.arange(len(pairs)) + number * width, values, width, label=method)
            axis.bar_label(bars, fmt="{:.2f}", fontsize=7)
        axis.set_xticks(np.arange(len(pairs)) + width * (len(methods) - 1) / 2, pairs, rotation=45)
        axis.set_ylim(0, 1.05)
        axis.legend()
    axis.set_ylabel("P@1")
    axis.set_title("Bilingual lexicon induction")
    figure.tight_layout()
    save_figure_atomic(figure, path)


def clusters_figure(analysis: dict, path) -> None:
    """ICEBERT Fig. 5–7: cluster sizes, languages per cluster, shortest paths inside clusters."""
    panels = (
        ("sizes", "size", "cluster size"),
        ("languages", "languages", "languages in the cluster"),
        ("path_lengths", "length", "shortest path between members"),
    )
    figure, axes = plt.subplots(1, 3, figsize=(13, 3.5))
    for axis, (name, column, label) in zip(axes, panels):
        frame = analysis[name]
        counts = frame.columns[1]
        axis.bar(frame[column].astype(str), frame[counts], color="#4878a8")
        axis.set_xlabel(label)
        axis.set_ylabel(counts)
        if frame[counts].max() > 20 * max(1, frame[counts][frame[counts] > 0].min()):
            axis.set_yscale("log")  # counts over orders of magnitude (sizes); a linear axis keeps close counts close
        axis.tick_params(axis="x", rotation=90 if len(frame) > 15 else 0, labelsize=7)
    figure.suptitle("Token clusters")
    figure.tight_layout()
    save_figure_atomic(figure, path)


def cliques_figure(tokens: pd.DataFrame, cliques: pd.DataFrame, path) -> None:
    """ICEBERT Fig. 3–4: tokens in cliques of size ≤ s, and languages per clique by size, per k."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    for k, frame in tokens.groupby("k"):
        left.plot(frame["s"], frame["tokens_in_cliques_up_to_s"], marker="o", label=f"k = {k}")
    left.set_xlabel("clique size s")
    left.set_ylabel("tokens in cliques of size ≤ s")
    left.legend(fontsize=7, ncol=2)
    for k, frame in cliques.groupby("k"):
        right.plot(frame["size"], frame["mean_languages"], marker="o", label=f"k = {k}")
    right.set_xlabel("clique size")
    right.set_ylabel("mean languages per clique")
    figure.suptitle("Cliques of the mutual top-k translation graph")
    figure.tight_layout()
    save_figure_atomic(figure, path)


def grouping_figure(sizes: pd.DataFrame, source: str, path) -> None:
    """Group size distributions of k-means at each ratio (First-k groups are all of size 1)."""
    kmeans = sizes[sizes["method"] == "kmeans"]
    figure, axis = plt.subplots(figsize=(5.5, 3.8))
    for ratio, group in kmeans.groupby("ratio"):
        axis.plot(group["size"], group["groups"], marker="o", markersize=3, label=f"r_G = {ratio:.0%}")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("group size (tokens)")
    axis.set_ylabel("groups")
    axis.set_title(f"Semantic groups of {source}")
    axis.legend()
    figure.tight_layout()
    save_figure_atomic(figure, path)


def training_loss_figure(rows: list[dict], path, loss_label: str = "masked-LM loss", title: str = "Training loss") -> None:
    """Loss and learning rate over the steps of one training run."""
    table = pd.DataFrame(rows).astype({"step": int, "loss": float, "learning_rate": float})
    fig, loss_axis = plt.subplots(figsize=(6, 3.5))
    loss_axis.plot(table["step"], table["loss"], color="tab:blue")
    loss_axis.set_xlabel("step")
    loss_axis.set_ylabel(loss_label, color="tab:blue")
    rate_axis = loss_axis.twinx()
    rate_axis.plot(table["step"], table["learning_rate"], color="tab:gray", linewidth=0.8)
    rate_axis.set_ylabel("learning rate", color="tab:gray")
    loss_axis.set_title(title)
    fig.tight_layout()
    save_figure_atomic(fig, path)


def pretraining_comparison_figure(curves: dict[str, pd.DataFrame], path) -> None:
    """Masked-LM loss of every pretrained model; the models differ in vocabulary, so the losses
    compare training progress, not quality."""
    fig, axis = plt.subplots(figsize=(6, 3.5))
    for name, log in curves.items():
        axis.plot(log["step"], log["loss"], label=name)
    axis.set_xlabel("step")
    axis.set_ylabel("masked-LM loss")
    axis.set_title("Pretraining: masked-LM loss per model (vocabularies differ: compare progress, not quality)", fontsize="small")
    axis.legend(fontsize="small")
    fig.tight_layout()
    save_figure_atomic(fig, path)


def tydiqa_figure(summary: pd.DataFrame, path) -> None:
    """ICEBERT Fig. 8/9: EM and F1 per language (and the zero-shot average) for each model,
    bars at the mean over seeds, whiskers at ± one standard deviation."""
    languages = list(dict.fromkeys(summary["language"]))
    models = list(dict.fromkeys(summary["model"]))
    x = np.arange(len(languages))
    width = 0.8 / len(models)
    figure, axes = plt.subplots(1, 2, figsize=(max(8, 1.4 * len(languages) * 2), 3.8), sharey=True)
    for axis, metric in zip(axes, ["EM", "F1"]):
        for number, model in enumerate(models):
            rows = summary[summary["model"] == model].set_index("language").reindex(languages)
            axis.bar(x + number * width, rows[f"{metric}_mean"], width, yerr=rows[f"{metric}_std"], capsize=2, label=model)
        axis.set_xticks(x + width * (len(models) - 1) / 2, languages)
        axis.set_title(metric)
        axis.set_ylim(0, 100)
    axes[0].set_ylabel("score (%), mean ± std over seeds")
    axes[1].legend(fontsize="small")
    figure.suptitle("TyDi QA GoldP, zero-shot from English")
    figure.tight_layout()
    save_figure_atomic(figure, path)


def _colours(names: list[str]) -> dict[str, tuple]:
    palette = plt.get_cmap("tab20" if len(names) > 10 else "tab10")
    return {name: palette(i % palette.N) for i, name in enumerate(names)}


def projection_figure(panels: dict[str, np.ndarray], languages: list[str], path) -> None:
    """Shaffer (2021) Fig. 1: sentence vectors projected to 2-D (one panel per representation),
    coloured by language, each language's code at its centroid."""
    names = sorted(set(languages))
    colours = _colours(names)
    labels = np.asarray(languages)
    figure, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4.8), squeeze=False)
    for axis, (title, points) in zip(axes[0], panels.items()):
        for lang in names:
            chosen = points[labels == lang]
            axis.scatter(chosen[:, 0], chosen[:, 1], s=4, alpha=0.6, color=colours[lang], label=lang)
            centre = np.median(chosen, axis=0)
            axis.annotate(lang, centre, fontsize=8, weight="bold", ha="center")
        axis.set_title(title)
        axis.set_xticks([])
        axis.set_yticks([])
    axes[0][-1].legend(fontsize="x-small", markerscale=3, loc="center left", bbox_to_anchor=(1, 0.5))
    figure.tight_layout()
    save_figure_atomic(figure, path)


def dendrogram_figure(tree: np.ndarray, node_counts: np.ndarray, names: list[str], title: str, path, leaves: int = 40) -> None:
    """The top of the Ward tree: its last ``leaves`` clusters as leaves, each labelled with its
    largest language, that language's share and the cluster's size."""
    from scipy.cluster.hierarchy import dendrogram

    def label(node: int) -> str:
        counts = node_counts[node]
        best = int(counts.argmax())
        return f"{names[best]} {counts[best] / counts.sum():.0%} (n={counts.sum()})"

    figure, axis = plt.subplots(figsize=(10, max(4, 0.22 * leaves)))
    dendrogram(
        tree, truncate_mode="lastp", p=leaves, orientation="left", leaf_label_func=label, ax=axis, leaf_font_size=7, show_contracted=False
    )
    axis.set_xlabel("Ward distance")
    axis.set_title(title)
    figure.tight_layout()
    save_figure_atomic(figure, path)


def ner_boxplot_figure(scores: pd.DataFrame, schemes: list[str], path) -> None:
    """Shaffer (2021) Fig. 2: F1 over seeds per language, one box per scheme (in the given order)."""
    languages = sorted(scores["language"].unique())
    colours = _colours(schemes)
    width = 0.8 / len(schemes)
    figure, axis = plt.subplots(figsize=(max(6, 0.9 * len(languages) * max(1, len(schemes) / 2)), 4))
    for number, scheme in enumerate(schemes):
        rows = scores[scores["scheme"] == scheme]
        data = [rows.loc[rows["language"] == lang, "f1"].to_numpy() for lang in languages]
        positions = np.arange(len(languages)) + number * width
        found = [i for i, d in enumerate(data) if len(d)]
        boxes = axis.boxplot(
            [data[i] for i in found],
            positions=positions[found],
            widths=width * 0.9,
            patch_artist=True,
            manage_ticks=False,
            medianprops={"color": "black"},
        )
        for patch in boxes["boxes"]:
            patch.set_facecolor(colours[scheme])
        for i in found:  # every run as a point: with few seeds a box alone collapses to a line
            jitter = np.linspace(-0.25, 0.25, len(data[i])) * width if len(data[i]) > 1 else np.zeros(1)
            axis.scatter(positions[i] + jitter, data[i], s=10, color="black", zorder=3)
        axis.plot([], [], color=colours[scheme], linewidth=6, label=scheme)
    axis.set_xticks(np.arange(len(languages)) + width * (len(schemes) - 1) / 2, languages)
    axis.set_ylabel("span F1 (%), over seeds")
    axis.set_title("WikiAnn NER by training scheme")
    # below the axes: inside, it would cover the zero-shot points near 0
    axis.legend(fontsize="small", ncols=min(5, len(schemes)), loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False)
    figure.tight_layout()
    save_figure_atomic(figure, path)


def method_bars_figure(table: pd.DataFrame, value: str, title: str, path) -> None:
    """Grouped bars: one group per language (and the average), one bar per method."""
    pivot = table.pivot(index="language", columns="method", values=value)
    pivot = pivot.reindex([*(lang for lang in pivot.index if lang != "avg"), *(["avg"] if "avg" in pivot.index else [])])
    methods = list(dict.fromkeys(table["method"]))
    width = 0.8 / len(methods)
    figure, axis = plt.subplots(figsize=(max(5, 1.2 * len(pivot)), 3.5))
    positions = np.arange(len(pivot))
    for index, method in enumerate(methods):
        axis.bar(positions + index * width, pivot[method], width, label=method)
    axis.set_xticks(positions + width * (len(methods) - 1) / 2, pivot.index)
    axis.set_ylabel(value)
    axis.set_title(title)
    axis.legend(fontsize=8)
    figure.tight_layout()
    save_figure_atomic(figure, path)


def joint_gain_figure(gains: pd.DataFrame, leave_out: list[str], path) -> None:
    """van der Heijden et al. Figs. 3–4: per task a panel, per language a group, per embedder a bar of
    what joint training adds (B − A; English: B − monolingual); ``leave_out``'s embedders get no bar
    (§Joint training leaves BPE BOW out of the figures)."""
    gains = gains[~gains["embedder"].isin(leave_out)]
    tasks = list(dict.fromkeys(gains["task"])) or ["ner"]
    figure, axes = plt.subplots(1, len(tasks), figsize=(6 * len(tasks), 3.6), squeeze=False)
    for axis, task in zip(axes[0], tasks):
        rows = gains[gains["task"] == task].dropna(subset=["gain"])
        if rows.empty:
            axis.text(0.5, 0.5, "no run pairs joint B with its baseline", ha="center", va="center", transform=axis.transAxes)
            axis.set_axis_off()
            continue
        pivot = rows.pivot(index="language", columns="embedder", values="gain")
        embedders = list(dict.fromkeys(rows["embedder"]))
        width = 0.8 / len(embedders)
        positions = np.arange(len(pivot))
        for index, embedder in enumerate(embedders):
            axis.bar(positions + index * width, pivot[embedder], width, label=embedder)
        axis.axhline(0, color="black", linewidth=0.8)
        axis.set_xticks(positions + width * (len(embedders) - 1) / 2, pivot.index)
        axis.set_ylabel("joint B − A (English: B − monolingual)")
        axis.set_title(f"{task.upper()}: gain of joint training")
        axis.legend(fontsize=7, ncols=2)
    figure.tight_layout()
    save_figure_atomic(figure, path)


def confusion_figure(table: pd.DataFrame, language: str, path) -> None:
    """van der Heijden et al. Fig. 5: a B/I/O confusion matrix per embedder, rows gold, shares of each row."""
    embedders = list(dict.fromkeys(table["embedder"])) or ["none"]
    labels = ["B", "I", "O"]
    figure, axes = plt.subplots(1, len(embedders), figsize=(3.4 * len(embedders), 3.2), squeeze=False)
    for axis, embedder in zip(axes[0], embedders):
        shares = table[table["embedder"] == embedder].pivot(index="gold", columns="predicted", values="share")
        shares = shares.reindex(index=labels, columns=labels).fillna(0.0)
        axis.imshow(shares.to_numpy(), cmap="Blues", vmin=0, vmax=1)
        for (row, column), share in np.ndenumerate(shares.to_numpy()):
            axis.text(column, row, f"{share:.2f}", ha="center", va="center", color="white" if share > 0.6 else "black")
        axis.set_xticks(range(3), labels)
        axis.set_yticks(range(3), labels)
        axis.set_xlabel("predicted")
        axis.set_ylabel("gold")
        axis.set_title(f"{embedder} ({language})")
    figure.tight_layout()
    save_figure_atomic(figure, path)
