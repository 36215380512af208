"""Issue 38, step 2: first results on real text with the converted multilingual-e5-small (the model
directory benchmarks/realmodel_convert.py writes). Five studies, each calling the library's stage:

- grouping: spherical k-means (xlclust.grouping.groups.kmeans_labels, faiss) of the input-embedding
  rows at r_G 5 % and 10 %, First-k at 5 % (XLM-R's unigram vocabulary: the ID = score order) and a
  random grouping of kmeans5's sizes; the share of held-out single-piece MUSE translation pairs
  (en-xx) whose two pieces share a group;
- clsa: CLSA (xlclust.grouping.clsa.align_rows) on the training split of those pairs (split by the
  English word), then k-means 5 % on the aligned rows, measured on the held-out split;
- mining: Hangya et al.'s mining and update (xlclust.lowres MinedExamples and train_layers, the
  config's lowres settings) on the 1,000 Leipzig sentences of xx and en (the whole pool), the
  precision of the mined word-type pairs against MUSE's xx-en dictionary, per iteration;
- langclust: mean-pooled e5 sentence vectors of Leipzig sentences, one mean per language, Ward
  (xlclust.langclust.clustering) cut at the number of families, adjusted Rand index;
- langid: Shaffer's language-ID fine-tuning (xlclust.langclust.identification) on a subsample of
  other Leipzig sentences, its accuracy on the langclust sentences, and their clusters from the
  fine-tuned [CLS] vectors and from the [CLS] and max-pooled vectors before fine-tuning.

Rows go into benchmarks/results/realmodel.csv (same study, setting and metric replaced), the command,
machine and times into the ``studies`` section of benchmarks/results/realmodel.md.

    python benchmarks/realmodel_studies.py /tmp/e5-small-hf
    python benchmarks/realmodel_studies.py /tmp/e5-small-hf --studies mining --mining-pairs ru ar
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import platform
import shlex
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from xlclust.realmodel.studies import (
    language_families,
    language_means,
    mined_precision,
    replace_rows,
    replace_section,
    shuffled_labels,
    split_by_source,
    vocabulary_table,
)

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
DATA = Path(os.environ.get("XLCLUST_TEST_DATA", REPO.parent / "shared" / "data"))
MUSE = DATA / "dictionaries" / "muse"
LEIPZIG = DATA / "leipzig-sentences"
STUDIES = ("grouping", "clsa", "mining", "langclust", "langid")
log = logging.getLogger("realmodel_studies")


def row(study: str, setting: str, metric: str, value: float, n: int) -> dict:
    log.info("%s %s %s = %.4f (n=%d)", study, setting, metric, value, n)
    return {"study": study, "setting": setting, "metric": metric, "value": float(value), "n": int(n)}


def leipzig(lang: str, count: int | None = None) -> list[str]:
    text = [line.strip() for line in (LEIPZIG / f"{lang}.txt").read_text(encoding="utf-8").splitlines()]
    return [line for line in text if line][:count]


def muse(first: str, second: str) -> list[tuple[str, str]]:
    from xlclust.grouping.pair_sources import muse_pairs

    return muse_pairs(MUSE / f"{first}-{second}.txt")


class Grouper:
    """The vocabulary's token table and rows, and the held-out pairs' IDs, for every grouping measured."""

    def __init__(self, tokenizer, embeddings: np.ndarray, args):
        from xlclust.grouping.clsa_pairs import single_subword_pairs

        self.tokens, self.args = vocabulary_table(tokenizer), args
        self.special = self.tokens["is_special"].to_numpy()
        self.embeddings = embeddings
        pairs = [pair for lang in args.muse for pair in muse("en", lang)]
        train, test = split_by_source(pairs, args.test_fraction, args.seed)
        self.train_ids, self.train_counts = single_subword_pairs(train, tokenizer)
        self.test_ids, self.test_counts = single_subword_pairs(test, tokenizer)
        self.with_trained_word = np.isin(self.test_ids, np.unique(self.train_ids)).any(axis=1)  # rows CLSA moves
        log.info("pairs: train %s, held out %s", self.train_counts, self.test_counts)

    def kmeans(self, rows: np.ndarray, ratio: float, seed: int | None = None):
        from xlclust.grouping.groups import kmeans_labels

        args, seed = self.args, self.args.seed if seed is None else seed
        return kmeans_labels(rows[~self.special], ratio, seed=seed, init=args.init, max_iterations=args.kmeans_iterations)

    def measure(self, study: str, setting: str, labels: np.ndarray, method: str) -> list[dict]:
        from xlclust.grouping.groups import group_table
        from xlclust.grouping.translations import translation_sharing

        table = group_table(self.tokens, labels, method=method)
        shared = translation_sharing(table, self.test_ids)
        rows = [row(study, setting, "translations_sharing_group", shared["pair_share"], shared["pairs"])]
        mixed = shared["mixed_script_share_with_translation"]
        rows.append(row(study, setting, "mixed_script_groups_with_translation", mixed, shared["mixed_script_groups"]))
        groups = table.sort_values("token_id")["cluster_id"].to_numpy()
        together = groups[self.test_ids[:, 0]] == groups[self.test_ids[:, 1]]
        for name, chosen in (("with", self.with_trained_word), ("without", ~self.with_trained_word)):
            metric = f"translations_sharing_group_{name}_trained_word"
            rows.append(row(study, setting, metric, together[chosen].mean() if chosen.any() else float("nan"), int(chosen.sum())))
        return rows


def grouping_study(grouper: Grouper, times: dict) -> list[dict]:
    from xlclust.grouping.emergence import emergence_ranks
    from xlclust.grouping.groups import first_k_labels

    rows, args = [], grouper.args
    runs = [(ratio, args.seed, f"kmeans{100 * ratio:g}") for ratio in args.ratios]
    runs += [(0.05, seed, f"kmeans5/seed{seed}") for seed in args.extra_seeds]  # how far k-means alone moves the share
    for ratio, seed, setting in runs:
        start = time.perf_counter()
        grouping = grouper.kmeans(grouper.embeddings, ratio, seed)
        times[f"grouping {setting} ({args.init}, {args.kmeans_iterations} iterations)"] = time.perf_counter() - start
        rows += grouper.measure("grouping", setting, grouping.labels, "kmeans")
        rows.append(row("grouping", setting, "kmeans_iterations", grouping.iterations, int(grouping.labels.max()) + 1))
        if setting == "kmeans5":
            rows += grouper.measure("grouping", "random5", shuffled_labels(grouping.labels, args.seed), "kmeans")
    ranks, kind = emergence_ranks(grouper.args.tokenizer)
    labels = first_k_labels(np.argsort(ranks[~grouper.special], kind="stable"), 0.05)
    rows += grouper.measure("grouping", "firstk5", labels, "firstk")[:1]
    dropped = labels[np.searchsorted(np.flatnonzero(~grouper.special), grouper.test_ids)] < 0
    rows.append(row("grouping", "firstk5", "translations_both_dropped", dropped.all(axis=1).mean(), len(dropped)))
    log.info("First-k order: %s", kind)
    return rows


def clsa_study(grouper: Grouper, times: dict) -> list[dict]:
    import torch

    from xlclust.grouping.clsa import ClsaSettings, align_rows, retrieval_accuracy

    args, start = grouper.args, time.perf_counter()
    weight = torch.from_numpy(grouper.embeddings)
    aligned, epochs = align_rows(weight, grouper.train_ids, ClsaSettings(seed=args.seed))
    best = max(epochs, key=lambda epoch: epoch["accuracy"])
    times[f"CLSA ({len(grouper.train_ids)} pairs, {len(epochs) - 1} epochs)"] = time.perf_counter() - start
    rows = [
        row("clsa", "train", "clsa_pair_retrieval_before", epochs[0]["accuracy"], len(grouper.train_ids)),
        row("clsa", "train", "clsa_pair_retrieval_after", best["accuracy"], len(grouper.train_ids)),
        row("clsa", "heldout", "clsa_pair_retrieval_before", retrieval_accuracy(weight, grouper.test_ids), len(grouper.test_ids)),
        row("clsa", "heldout", "clsa_pair_retrieval_after", retrieval_accuracy(aligned, grouper.test_ids), len(grouper.test_ids)),
    ]
    moved = grouper.with_trained_word.mean()
    rows.append(row("clsa", "heldout", "pairs_with_a_trained_word", moved, len(grouper.test_ids)))
    start = time.perf_counter()
    grouping = grouper.kmeans(aligned.numpy(), 0.05)
    times[f"grouping clsa+kmeans5 ({args.init}, {args.kmeans_iterations} iterations)"] = time.perf_counter() - start
    rows += grouper.measure("grouping", "clsa+kmeans5", grouping.labels, "kmeans")
    return rows + [row("grouping", "clsa+kmeans5", "kmeans_iterations", grouping.iterations, int(grouping.labels.max()) + 1)]


class Iterations:
    """A mining provider that stops the training once ``limit`` iterations have been mined: the update
    between them runs, the one after the last does not."""

    class Done(Exception):
        pass

    def __init__(self, provider, limit: int):
        self.provider, self.limit = provider, limit

    def build(self, iteration, maps, state=None):
        if iteration >= self.limit:
            raise Iterations.Done
        return self.provider.build(iteration, maps, state)


@functools.cache
def paper_config() -> dict:
    """config.yaml validated as the Snakefile validates it (the schema's defaults filled in)."""
    from xlclust.workflow_config import validate_workflow_config

    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    return validate_workflow_config(config, REPO / "schemas" / "config.schema.yaml")


def lowres_settings():
    from xlclust.lowres.settings import MiningSettings, UpdateSettings
    from xlclust.settings import settings_from

    config = paper_config()["lowres"]
    update = config["update"] | {"checkpoint_every": 10**9}  # a throw-away run: no checkpoints
    mining = config["mining"] | {"mode": "forward_backward"}  # the ``mined`` method's mining
    return settings_from(MiningSettings, mining, "lowres.mining"), settings_from(UpdateSettings, update, "lowres.update")


def mining_pair(encoder, lang: str, args, times: dict) -> list[dict]:
    from xlclust.lowres.examples import MinedExamples, recorded_pairs
    from xlclust.lowres.update import train_layers
    from xlclust.lowres.words import tokenize_lines

    mining, update = lowres_settings()
    languages, start = (lang, "en"), time.perf_counter()
    sentences = {code: tokenize_lines(leipzig(code), "moses", code, 128) for code in languages}
    with tempfile.TemporaryDirectory() as work:
        provider = Iterations(
            MinedExamples(encoder, sentences, languages, mining, args.seed, record_dir=Path(work) / "mined"), args.iterations
        )
        try:
            train_layers(provider, languages, encoder.dim, update, args.seed, Path(work) / "checkpoints", {"study": "realmodel"})
        except Iterations.Done:
            pass
        mined = recorded_pairs(Path(work) / "mined").to_pandas()
    times[f"mining {lang}-en ({args.iterations} iterations, {len(sentences[lang])} + {len(sentences['en'])} sentences)"] = (
        time.perf_counter() - start
    )
    rows = []
    for result in mined_precision(mined, muse(lang, "en")).itertuples():
        setting = f"{lang}-en/iter{result.iteration + 1}"
        rows.append(row("mining", setting, "mined_pair_precision", result.precision, result.covered))
        rows.append(row("mining", setting, "mined_type_pairs", result.types, result.types))
    return rows


def mining_study(model, tokenizer, args, times: dict) -> list[dict]:
    from xlclust.lowres.contextual import ContextualEncoder

    encoder = ContextualEncoder(model, tokenizer, batch_size=32)
    return [r for lang in args.mining_pairs for r in mining_pair(encoder, lang, args, times)]


def clustering_rows(prefix: str, vectors, languages: list[str], kept: list[str]) -> list[dict]:
    """Ward clusters of the languages' mean vectors, and the sentence-majority clusters, against the
    family and genus table (adjusted Rand index), cut at as many clusters as the table has groups;
    ``prefix`` begins the rows' settings (a representation's name and '/', or nothing)."""
    from sklearn.metrics import adjusted_rand_score

    from xlclust.langclust.clustering import cluster_languages, cut, ward_tree

    names, means = language_means(vectors, languages)
    rows = []
    for level, label in ((0, "family"), (1, "genus")):
        gold = dict(zip(kept, language_families(kept, level)[1]))
        k = len(set(gold.values()))
        predicted = cut(ward_tree(means), k)
        score = adjusted_rand_score([gold[c] for c in names], predicted)
        rows.append(row("langclust", f"{prefix}mean_vectors/{label}", "adjusted_rand_index", score, len(names)))
        _, _, chosen = cluster_languages(vectors, languages, [k])
        score = adjusted_rand_score([gold[c] for c in chosen["language"]], chosen["cluster"])
        rows.append(row("langclust", f"{prefix}sentence_majority/{label}", "adjusted_rand_index", score, len(chosen)))
        rows.append(row("langclust", f"{prefix}mean_vectors/{label}", "clusters", k, len(names)))
    return rows


def clustered_languages() -> list[str]:
    codes = sorted(path.stem for path in LEIPZIG.glob("*.txt"))
    kept, _, left_out = language_families(codes)
    log.info("left out (no family in the table): %s", left_out)
    return kept


def langclust_study(model, tokenizer, args, times: dict) -> list[dict]:
    from xlclust.realmodel.embed import sentence_vectors

    kept = clustered_languages()
    texts = [(code, text) for code in kept for text in leipzig(code, args.per_language)]
    start = time.perf_counter()
    vectors = sentence_vectors(model, tokenizer, [text for _, text in texts])
    times[f"langclust: encode {len(texts)} sentences ({args.per_language} x {len(kept)} languages)"] = time.perf_counter() - start
    return clustering_rows("", vectors, [code for code, _ in texts], kept)


def langid_study(model, tokenizer, args, times: dict) -> list[dict]:
    """Shaffer's §3 on a subsample: e5 fine-tuned to identify the languages (the paper's 3 epochs,
    batches of 20, config langclust.langid.training), then the [CLS] vectors of the held-out sentences
    (the langclust study's) clustered, beside the [CLS] and max-pooled vectors before fine-tuning."""
    from xlclust.langclust.embedding import REPRESENTATIONS, sentence_vectors
    from xlclust.langclust.identification import accuracy_table, finetune_langid, identify
    from xlclust.models import ModelSource
    from xlclust.training.finetuning import FinetuneSpec

    settings = paper_config()["langclust"]["langid"]
    kept = clustered_languages()
    lines = {code: leipzig(code, args.per_language + args.langid_train) for code in kept}  # each file read once
    held_out = [(code, text) for code in kept for text in lines[code][: args.per_language]]
    train = [(code, text) for code in kept for text in lines[code][args.per_language :]]
    spec = FinetuneSpec(seed=args.seed, **settings["training"])
    rows = []
    with tempfile.TemporaryDirectory() as work:
        start = time.perf_counter()
        tuned, tuned_tokenizer, _ = finetune_langid(
            ModelSource(str(args.model)),
            [text for _, text in train],
            kept,
            [code for code, _ in train],
            spec,
            settings["max_length"],
            Path(work) / "checkpoints",
            Path(work) / "langid",
        )
        times[f"langid: fine-tune on {len(train)} sentences ({args.langid_train} x {len(kept)}, {spec.epochs:g} epochs)"] = (
            time.perf_counter() - start
        )
        texts, languages = [text for _, text in held_out], [code for code, _ in held_out]
        accuracy = accuracy_table(languages, identify(tuned, tuned_tokenizer, texts, settings["max_length"]))
        overall = accuracy[accuracy["language"] == "all"].iloc[0]
        rows.append(row("langid", "finetuned", "langid_accuracy", overall["accuracy"] / 100, len(texts)))  # a fraction, as every share here
        rows.append(row("langid", "finetuned", "training_sentences", len(train), len(train)))
        sources = {"finetuned": ModelSource(str(Path(work) / "langid")), "pretrained": ModelSource(str(args.model))}
        for name, (model_name, pooling) in REPRESENTATIONS.items():
            start = time.perf_counter()
            vectors, _ = sentence_vectors(sources[model_name], texts, pooling, settings["max_length"])
            times[f"langid: encode {len(texts)} sentences ({name})"] = time.perf_counter() - start
            rows += clustering_rows(f"{name}/", vectors, languages, kept)
    return rows


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="the converted Hugging Face model directory")
    parser.add_argument("--studies", nargs="+", choices=STUDIES, default=list(STUDIES))
    parser.add_argument("--ratios", nargs="*", type=float, default=[0.05, 0.10], help="k-means r_G values")
    parser.add_argument("--init", default="afk-mc2", help="k-means seeding (the config's k-means++ costs minutes more per run on 2 cores)")
    parser.add_argument("--kmeans-iterations", type=int, default=10)
    parser.add_argument("--muse", nargs="+", default=sorted(p.stem[3:] for p in MUSE.glob("en-*.txt")), help="en-xx dictionaries")
    parser.add_argument("--test-fraction", type=float, default=0.2, help="share of English words whose pairs are held out")
    parser.add_argument("--mining-pairs", nargs="+", default=["ru", "ar"], help="languages mined against English")
    parser.add_argument("--iterations", type=int, default=2, help="mining iterations (an update between two)")
    parser.add_argument("--per-language", type=int, default=100, help="Leipzig sentences per language for langclust")
    parser.add_argument("--langid-train", type=int, default=50, help="Leipzig sentences per language to fine-tune language ID on")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--extra-seeds", nargs="*", type=int, default=[], help="further k-means seeds of kmeans5 (its seed-to-seed spread)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def note(args, command: str, times: dict) -> str:
    import torch

    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__} with {torch.get_num_threads()} threads"
    lines = "\n".join(f"- {step}: {seconds:.1f} s" for step, seconds in times.items())
    return f"## Studies: {', '.join(args.studies)}\n\nCommand: `{command}`\n\nMachine: {machine}\n\nTimes:\n{lines}\n"


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = parse(argv)
    from transformers import AutoTokenizer, BertModel

    model, tokenizer = BertModel.from_pretrained(args.model, add_pooling_layer=False), AutoTokenizer.from_pretrained(args.model)
    args.tokenizer = tokenizer
    times, path = {}, args.results / "realmodel.csv"
    command = "python " + shlex.join(["benchmarks/realmodel_studies.py", *(argv if argv is not None else sys.argv[1:])])
    section = "studies-" + "-".join(args.studies)
    if {"grouping", "clsa"} & set(args.studies):
        grouper = Grouper(tokenizer, model.get_input_embeddings().weight.detach().numpy().copy(), args)
    for name in args.studies:  # each study's rows and times are written as soon as it ends
        if name in ("grouping", "clsa"):
            replace_rows(path, (grouping_study if name == "grouping" else clsa_study)(grouper, times))
        else:
            study = {"mining": mining_study, "langclust": langclust_study, "langid": langid_study}[name]
            replace_rows(path, study(model, tokenizer, args, times))
        replace_section(args.results / "realmodel.md", section, note(args, command, times))


if __name__ == "__main__":
    main()
