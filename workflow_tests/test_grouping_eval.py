"""The semantic-grouping evaluation ("Tomato, Tomahto, Tomate" Table 2): XNLI read from files in its
published TSV layouts (bad input named by file and line), real MasakhaNER files through the NER
loader, NLI fine-tuning end to end, and the scores relative to the oracle, Table 5, the figure."""

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from workflow_tests.realdata import shared_data
from xlclust.errors import XlclustError
from xlclust.grouping_eval.data import localized_ner_files, prepare_xnli
from xlclust.grouping_eval.report import STUDIES, run_rows, study_figure, study_lines, table5, with_relative
from xlclust.nli.data import LABELS, XnliDataError, XnliFiles, parse_evaluation, parse_train, read_files
from xlclust.settings import DatasetSource
from xlclust.token_classification.data import prepare_language

# XNLI-1.0's header (xnli.dev.tsv / xnli.test.tsv) and XNLI-MT-1.0's (multinli.train.{lang}.tsv)
EVAL_HEADER = (
    "language\tgold_label\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2"
    "\tpromptID\tpairID\tgenre\tlabel1\tlabel2\tlabel3\tlabel4\tlabel5\tsentence1_tokenized\tsentence2_tokenized\tmatch"
)


def eval_line(lang, label, premise, hypothesis, number):
    fields = [
        lang,
        label,
        "",
        "",
        "",
        "",
        premise,
        hypothesis,
        str(number),
        str(number),
        "fiction",
        label,
        label,
        label,
        label,
        label,
        "",
        "",
        "True",
    ]
    return "\t".join(fields) + "\n"


def leipzig(lang, n):
    return (shared_data() / f"leipzig-sentences/{lang}.txt").read_text(encoding="utf-8").splitlines()[:n]


@pytest.fixture(scope="module")
def xnli_files(tmp_path_factory):
    """Files in XNLI's layouts over real English and Swahili sentences: a premise and a prefix of
    it (entailment), of another sentence (neutral), or the prefix with a negation (contradiction)."""
    directory = tmp_path_factory.mktemp("xnli")
    sentences = {lang: leipzig(lang, 400) for lang in ("en", "sw")}
    negation = {"en": "not", "sw": "si"}

    def pairs(lang, start, stop):
        for i in range(start, stop):
            words = sentences[lang][i].split()
            label = LABELS[i % 3]
            if label == "entailment":
                yield sentences[lang][i], " ".join(words[: len(words) // 2 + 1]), label
            elif label == "contradiction":
                yield sentences[lang][i], " ".join([words[0], negation[lang], *words[1 : len(words) // 2 + 1]]), label
            else:
                other = sentences[lang][(i + 7) % 400].split()
                yield sentences[lang][i], " ".join(other[: len(other) // 2 + 1]), label

    for lang in sentences:
        lines = [f"{p}\t{h}\t{'contradictory' if label == 'contradiction' else label}\n" for p, h, label in pairs(lang, 0, 300)]
        (directory / f"multinli.train.{lang}.tsv").write_text("premise\thypo\tlabel\n" + "".join(lines), encoding="utf-8")
    for split, (start, stop) in {"dev": (300, 340), "test": (340, 400)}.items():
        lines = [eval_line(lang, label, p, h, i) for lang in sentences for i, (p, h, label) in enumerate(pairs(lang, start, stop))]
        (directory / f"xnli.{split}.tsv").write_text(EVAL_HEADER + "\n" + "".join(lines), encoding="utf-8")
    return directory


def test_xnli_files_read_in_their_published_layouts(xnli_files, tmp_path):
    files = XnliFiles(str(xnli_files / "multinli.train.{lang}.tsv"), str(xnli_files / "xnli.dev.tsv"), str(xnli_files / "xnli.test.tsv"))
    train = read_files(files, "sw", "train", Path)
    assert len(train) == 300 and [e["label"] for e in train[:3]] == [0, 1, 2]  # contradictory read as contradiction
    test = read_files(files, "sw", "test", Path)
    assert len(test) == 60 and test[0]["premise"] == leipzig("sw", 341)[340] and test[0]["id"].endswith("xnli.test.tsv:62")
    # the same read from the published zips (ARCHIVE#MEMBER)
    archive = tmp_path / "XNLI-1.0.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(xnli_files / "xnli.test.tsv", "XNLI-1.0/xnli.test.tsv")
    zipped_files = XnliFiles(files.train, files.dev, f"{archive}#XNLI-1.0/xnli.test.tsv")
    assert [e["premise"] for e in read_files(zipped_files, "sw", "test", Path)] == [e["premise"] for e in test]
    spec = {"source": "files", "files": vars(files), "limit": {"train": 100}, "hub": {}}
    tables, counts = prepare_xnli(spec, "en", str(tmp_path / "cache"), {}, seed=1)
    assert tables["train"].num_rows == 100 and counts[0]["pairs_read"] == 300 and tables["test"].num_rows == 60


@pytest.mark.parametrize(
    "text, message",
    [
        ("premise\thypo\n", r"train.tsv:1: no column 'label'"),
        ("premise\thypo\tlabel\na\tb\tentailment\nc\td\tmaybe\n", r"train.tsv:3: label 'maybe' is none of"),
        ("premise\thypo\tlabel\na\tb\n", r"train.tsv:2: 2 tab-separated fields, the header has 3"),
        ("premise\thypo\tlabel\n \tb\tneutral\n", r"train.tsv:2: an empty premise or hypothesis"),
    ],
)
def test_bad_xnli_training_rows_are_named_by_file_and_line(text, message):
    with pytest.raises(XnliDataError, match=message):
        parse_train(text, "train.tsv")


def test_an_xnli_language_missing_from_the_evaluation_file_is_named():
    text = EVAL_HEADER + "\n" + eval_line("en", "neutral", "a b", "c d", 1)
    assert len(parse_evaluation(text, "xnli.dev.tsv", "en")) == 1
    with pytest.raises(XnliDataError, match=r"xnli.dev.tsv: no pairs of language 'sw' \(it has \['en'\]\)"):
        parse_evaluation(text, "xnli.dev.tsv", "sw")


def test_real_masakhaner_files_load_through_the_ner_loader(tmp_path):
    files = {
        "format": "conll",
        **{split: str(shared_data() / "masakhaner" / "{lang}" / f"{split}.txt") for split in ("train", "dev", "test")},
    }
    published = {"swa": (300, 604), "yor": (305, 645), "hau": (276, 552), "ibo": (320, 638)}  # dev, test sentences
    for lang, sizes in published.items():
        local = localized_ner_files(files, lang, str(tmp_path), {}, "grouping.evaluation.masakhaner.files")
        tables, counts, problems = prepare_language(DatasetSource(files=local), lang, ["DATE", "LOC", "ORG", "PER"], {}, 1)
        counts = pd.DataFrame(counts).set_index("split")
        assert (counts.loc["dev", "sentences_used"], counts.loc["test", "sentences_used"]) == sizes, lang
        assert (counts["entities"] > 50).all(), lang
        tags = {tag for row in tables["train"].to_pylist() for tag in row["tags"]}
        assert {"B-DATE", "B-PER", "B-LOC", "B-ORG"} <= tags, lang
        # the published files are clean but for a test sentence or two opening a date with I-DATE
        assert len(problems) <= 2 and all(p["action"] == "read as B-DATE" for p in problems), lang
    # a tag outside the classes is named by file and line
    bad = tmp_path / "bad"
    bad.mkdir()
    for split in ("train", "dev", "test"):
        (bad / f"{split}.txt").write_text("Nairobi B-LOC\nni O\nleo B-TIME\n\n", encoding="utf-8")
    local = localized_ner_files(
        {"format": "conll", **{s: str(bad / f"{s}.txt") for s in ("train", "dev", "test")}}, "swa", str(tmp_path), {}, "x"
    )
    with pytest.raises(XlclustError, match=r"train.txt:1: token 3 \('leo'\) has the unknown tag 'B-TIME'"):
        prepare_language(DatasetSource(files=local), "swa", ["DATE", "LOC", "ORG", "PER"], {}, 1, invalid_tags="error")


def test_nli_fine_tuning_learns_the_pairs(xnli_files, tmp_path):
    from xlclust.demo.tiny_model import build_tiny_model
    from xlclust.models import ModelSource
    from xlclust.nli.training import accuracy, finetune_nli, predict_labels
    from xlclust.training.finetuning import FinetuneSpec

    build_tiny_model(leipzig("en", 1000), tmp_path / "bert", vocab_size=2000, hidden_size=32, layers=1, heads=2, max_positions=128, seed=0)
    files = XnliFiles(str(xnli_files / "multinli.train.{lang}.tsv"), str(xnli_files / "xnli.dev.tsv"), str(xnli_files / "xnli.test.tsv"))
    train, test = read_files(files, "en", "train", Path), read_files(files, "en", "test", Path)
    spec = FinetuneSpec(learning_rate=1e-3, batch_size=20, epochs=10, seed=1)
    model, tokenizer, run = finetune_nli(ModelSource(str(tmp_path / "bert")), train, spec, 128, tmp_path / "checkpoints")
    assert run.summary["steps"] == 150
    # chance: 33; with the project's own initialization the tiny model reaches 40-65 over model seeds 0-4
    # (41.7 with this one): a learning check, not a figure (the demo's XNLI figures are pinned exactly)
    assert accuracy(test, predict_labels(model, tokenizer, test, 128)) > 40


def test_scores_relative_to_the_oracle_table5_and_the_figure(tmp_path):
    def scores(*rows):
        return pd.DataFrame(rows, columns=["language", "scenario", "metric", "value"])

    frame = pd.concat(
        [
            run_rows("mbert", "xnli", "en", 1, scores(("en", "in_language", "accuracy", 80.0), ("sw", "zero_shot", "accuracy", 60.0))),
            run_rows(
                "mbert/kmeans10", "xnli", "en", 1, scores(("en", "in_language", "accuracy", 72.0), ("sw", "zero_shot", "accuracy", 57.0))
            ),
            run_rows("mbert/clsa-all/kmeans10", "xnli", "sw", 1, scores(("sw", "in_language", "accuracy", 66.0))),
            run_rows("mbert", "xnli", "sw", 1, scores(("sw", "in_language", "accuracy", 70.0))),
        ],
        ignore_index=True,
    )
    result = with_relative(frame).set_index(["pipeline", "language", "scenario"])
    assert result.loc[("mbert/kmeans10", "en", "in_language"), "relative"] == pytest.approx(90.0)
    assert result.loc[("mbert/kmeans10", "sw", "zero_shot"), "relative"] == pytest.approx(95.0)
    assert result.loc[("mbert/clsa-all/kmeans10", "sw", "in_language"), "relative"] == pytest.approx(100 * 66 / 70)
    row = result.loc[("mbert/clsa-all/kmeans10", "sw", "in_language")]
    assert (row["clsa"], row["method"], row["ratio"], row["continual"]) == ("all", "kmeans", 10, False)
    table = table5(with_relative(frame)).set_index(["pipeline", "scenario"])
    assert table.loc[("mbert/kmeans10", "in_language"), "mean"] == 72.0 and table.loc[("mbert", "in_language"), "languages"] == 2


def test_each_study_figure_compares_its_own_pipelines(tmp_path):
    def run(pipeline, accuracy, scenario="in_language", language="sw"):
        scores = pd.DataFrame([(language, scenario, "accuracy", accuracy)], columns=["language", "scenario", "metric", "value"])
        return run_rows(pipeline, "xnli", "en" if scenario == "zero_shot" else language, 1, scores)

    frame = with_relative(
        pd.concat(
            [
                run("mbert", 80.0),
                run("mbert", 60.0, "zero_shot"),
                run("mbert/kmeans10", 72.0),
                run("mbert/kmeans5", 64.0),
                run("mbert/firstk10", 40.0),
                run("mbert/kmeans10", 66.0, "zero_shot"),
                run("mbert/clsa-all/kmeans10", 76.0),
                run("mbert/d128/cpt", 68.0),
                run("mbert/d8/cpt", 48.0),
            ],
            ignore_index=True,
        )
    )
    points = {name: study_lines(frame, study) for name, study in STUDIES.items()}
    grouping = points["grouping"][("xnli", "accuracy")]
    assert set(grouping) == {"mbert kmeans", "mbert firstk"}  # CLSA, reduction and the oracle are not grouping alone
    assert grouping["mbert kmeans"]["ratio"].tolist() == [5, 10] and grouping["mbert kmeans"]["perc"].tolist() == [80.0, 90.0]
    clsa = points["clsa"][("xnli", "accuracy")]
    assert clsa["mbert kmeans +CLSA(all)"]["perc"].tolist() == [95.0] and "mbert kmeans no CLSA" in clsa
    reduction = points["reduction"][("xnli", "accuracy")]["mbert no CLSA ungrouped"]
    assert reduction["dim"].tolist() == [8, 128] and reduction["perc"].tolist() == [60.0, 85.0]
    assert points["zero_shot"][("xnli", "accuracy")]["mbert kmeans"]["perc"].tolist() == [110.0]
    assert set(points["continual"][("xnli", "accuracy")]) == {"mbert kmeans no CPT", "mbert firstk no CPT"}
    for name in STUDIES:
        study_figure(frame, name, tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
    # no run belongs to a study: its figure says so rather than failing or vanishing
    study_figure(frame[frame["pipeline"] == "mbert"], "clsa", tmp_path / "empty.png")
    assert (tmp_path / "empty.png").stat().st_size > 5_000
