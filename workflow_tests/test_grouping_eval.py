"""The semantic-grouping evaluation ("Tomato, Tomahto, Tomate" Table 2): XNLI read from files in its
published TSV layouts (bad input named by file and line), real MasakhaNER files through the NER
loader, NLI fine-tuning end to end (the scores, Table 5 and the figures: test_grouping_eval_report.py)."""

import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from workflow_tests.realdata import shared_data
from xlclust.errors import XlclustError
from xlclust.grouping_eval.data import localized_ner_files, prepare_xnli, training_rows, write_pair_tables
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


def test_xnli_all_is_every_languages_training_set_limited_per_language(xnli_files, tmp_path):
    """App. A's `all` XNLI training: each language's XNLI-MT set drawn to limit.train, then concatenated."""
    files = {
        "train": str(xnli_files / "multinli.train.{lang}.tsv"),
        "dev": str(xnli_files / "xnli.dev.tsv"),
        "test": str(xnli_files / "xnli.test.tsv"),
    }
    spec = {"source": "files", "files": files, "limit": {"train": 120}, "hub": {}}
    paths = []
    for lang in ("en", "sw"):
        tables, counts = prepare_xnli(spec, lang, str(tmp_path / "cache"), {}, seed=1)
        outputs = type("Outputs", (), {split: str(tmp_path / f"{lang}.{split}.parquet") for split in ("train", "dev", "test")})
        outputs.counts = str(tmp_path / f"{lang}.counts.csv")
        write_pair_tables(tables, counts, outputs)
        paths.append(outputs.train)
    rows = training_rows(paths, ["en", "sw"])
    assert len(rows) == 240 and [r["language"] for r in rows] == ["en"] * 120 + ["sw"] * 120
    assert {r["premise"] for r in rows[120:]} <= set(leipzig("sw", 400))
    assert len({r["id"] for r in rows}) == 240  # the ids name their file: unique across languages
    assert training_rows(paths[1], ["sw"]) == rows[120:]  # a language-code training: its own set alone
    with pytest.raises(ValueError, match="2 training tables for 1 languages"):
        training_rows(paths, ["en"])


def test_miracl_all_keeps_each_languages_query_ids_apart(tmp_path):
    from xlclust.retrieval.corpus import write_examples

    passage = {"title": "t", "text": "x"}
    paths = []
    for lang in ("sw", "te"):
        paths.append(tmp_path / f"{lang}.parquet")
        write_examples([{"qid": "7", "query": f"q {lang}", "positives": [passage], "negatives": []}], paths[-1])
    rows = training_rows(paths, ["sw", "te"], key="qid")
    assert [(r["qid"], r["query"]) for r in rows] == [("sw:7", "q sw"), ("te:7", "q te")]  # the trainers seed draws by qid
    assert training_rows(paths[:1], ["sw"], key="qid")[0]["qid"] == "7"  # one language: its ids as they are


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
    # App. A's `all` MasakhaNER training: the languages' train tables together
    paths, sizes = [], {}
    for lang in ("swa", "yor"):
        local = localized_ner_files(files, lang, str(tmp_path), {}, "grouping.evaluation.masakhaner.files")
        tables, counts, problems = prepare_language(DatasetSource(files=local), lang, ["DATE", "LOC", "ORG", "PER"], {}, 1)
        paths.append(tmp_path / f"{lang}.train.parquet")
        pq.write_table(tables["train"], paths[-1])
        sizes[lang] = tables["train"].num_rows
    rows = training_rows(paths, ["swa", "yor"])
    assert len(rows) == sizes["swa"] + sizes["yor"] and rows[-1]["language"] == "yor" and rows[-1]["tokens"]
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
