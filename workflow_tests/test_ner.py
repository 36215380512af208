"""NER data loaders on the real WikiANN and CoNLL files, their bad-input errors, span F1 on
hand-worked cases, the language groups, and fine-tuning determinism and resume."""

import shutil

import pytest

from workflow_tests.realdata import shared_data
from xlclust.ner.groups import generalization_groups, groups_table, language_groups, read_group, read_run, runs, scores_by_group
from xlclust.settings import DatasetSource
from xlclust.token_classification.data import (
    NerDataError,
    NerFiles,
    Sentence,
    check_sentences,
    prepare_language,
    read_conll,
    read_jsonl,
    read_rahimi,
    read_sentences,
    to_iob2,
)
from xlclust.token_classification.metrics import span_scores

CLASSES = ["LOC", "ORG", "PER"]


def ner_source(section: dict) -> DatasetSource:
    return DatasetSource.from_config(section, "wikiann.dataset", NerFiles)


@pytest.mark.parametrize("lang", ["en", "de", "fr", "nl"])
def test_wikiann_files_load_as_published(lang):
    """Rahimi et al.'s splits: 20k/10k/10k sentences, IOB2 tags of LOC, ORG, PER, no repairs."""
    sizes = {}
    for split in ("train", "dev", "test"):
        checked = check_sentences(read_rahimi(shared_data() / f"wikiann/{lang}/{split}", lang), CLASSES, "error")
        sizes[split] = len(checked.sentences)
        assert not checked.problems
    assert sizes == {"train": 20000, "dev": 10000, "test": 10000}
    first = next(read_rahimi(shared_data() / f"wikiann/{lang}/train", lang))
    assert len(first.tokens) == len(first.tags) and not any(t.startswith(f"{lang}:") for t in first.tokens)
    assert first.where == f"{shared_data() / f'wikiann/{lang}/train'}:1"


def test_conll_files_load_with_their_columns_and_repairs():
    conll03 = list(read_conll(shared_data() / "conll2003/train.txt"))
    assert len(conll03) == 14041 and conll03[0].tokens[:3] == ["EU", "rejects", "German"]
    assert conll03[0].tags[:3] == ["B-ORG", "O", "B-MISC"]
    # CoNLL-2003 (this copy) keeps 267 I- tags that start an entity, from its IOB1 origin
    with pytest.raises(NerDataError, match=r"conll2003/train.txt:\d+: token \d+ .*I-MISC after O"):
        check_sentences(conll03, CLASSES + ["MISC"], "error")
    repaired = check_sentences(list(read_conll(shared_data() / "conll2003/train.txt")), CLASSES + ["MISC"], "repair")
    assert len(repaired.problems) == 267 and all(p["action"].startswith("read as B-") for p in repaired.problems)
    assert all(not (tag.startswith("I-") and prev[2:] != tag[2:]) for s in repaired.sentences for prev, tag in zip(["O", *s.tags], s.tags))
    # CoNLL-2002: three columns (Dutch starts documents with -DOCSTART-), MISC dropped to O
    ned = check_sentences(read_conll(shared_data() / "conll2002/ned.train"), CLASSES, drop_classes=["MISC"])
    assert len(ned.sentences) == 15806 and ned.sentences[0].tokens[:2] == ["De", "tekst"]
    assert not any(tag.endswith("MISC") for s in ned.sentences for tag in s.tags)
    esp = check_sentences(read_conll(shared_data() / "conll2002/esp.train"), CLASSES, drop_classes=["MISC"])
    assert [p["problem"].split(": ")[1] for p in esp.problems] == ["I-LOC after O (I- without B-)"]


def test_bad_input_names_the_file_and_line(tmp_path):
    bad = tmp_path / "bad"
    bad.write_text("en:Paris\tB-LOC\n\nen:New\tO\nen:York\tI-LOC\n", encoding="utf-8")
    with pytest.raises(NerDataError, match=rf"{bad}:3: token 2 \('York'\): I-LOC after O"):
        check_sentences(read_rahimi(bad, "en"), CLASSES, "error")
    bad.write_text("en:Paris\tB-CITY\n", encoding="utf-8")
    with pytest.raises(NerDataError, match=r"bad:1: token 1 \('Paris'\) has the unknown tag 'B-CITY'"):
        check_sentences(read_rahimi(bad, "en"), CLASSES)
    bad.write_text("en:Paris B-LOC\n", encoding="utf-8")
    with pytest.raises(NerDataError, match=r"bad:1: expected 'en:token<TAB>TAG'"):
        list(read_rahimi(bad, "en"))
    bad.write_text("de:Paris\tB-LOC\n", encoding="utf-8")
    with pytest.raises(NerDataError, match=r"does not start with 'en:'"):
        list(read_rahimi(bad, "en"))
    bad.write_text("en:\tO\n", encoding="utf-8")
    with pytest.raises(NerDataError, match=r"bad:1: token 1 of the sentence is empty"):
        check_sentences(read_rahimi(bad, "en"), CLASSES)
    bad.write_text("Paris\n", encoding="utf-8")
    with pytest.raises(NerDataError, match=r"bad:1: 1 columns"):
        list(read_conll(bad, tag_column=2))
    bad.write_text("Paris NP B-LOC\nis VBZ\n", encoding="utf-8")
    with pytest.raises(NerDataError, match=r"bad:2: 2 columns where the file's first line has 3"):
        list(read_conll(bad))
    bad.write_text('{"tokens": ["Paris"], "tags": ["B-LOC"]}\n{"tokens": ["a", "b"], "tags": ["O"]}\n', encoding="utf-8")
    with pytest.raises(NerDataError, match=r"bad:2: 2 tokens but 1 tags"):
        list(read_jsonl(bad))
    bad.write_text('{"tokens": ["Paris"]}\n', encoding="utf-8")
    with pytest.raises(NerDataError, match=r"bad:1: not a JSON object with tokens and tags"):
        list(read_jsonl(bad))
    # a sentence without tokens (a Hub row) is skipped and listed
    checked = check_sentences([Sentence([], [], "wikiann (en, train) row 7"), Sentence(["Rome"], ["B-LOC"], "x:1")], CLASSES)
    assert len(checked.sentences) == 1 and checked.problems[0]["where"] == "wikiann (en, train) row 7"


def test_a_language_without_training_sentences_is_an_error(tmp_path):
    files = {}
    for split, text in (("train", "\n\n"), ("dev", "en:Rome\tB-LOC\n"), ("test", "en:Rome\tB-LOC\n")):
        files[split] = str(tmp_path / split)
        (tmp_path / split).write_text(text, encoding="utf-8")
    source = ner_source({"files": {"format": "rahimi", **files}})
    with pytest.raises(NerDataError, match=r"train: the file is empty: no sentences"):
        prepare_language(source, "en", CLASSES, {}, seed=1)
    missing = ner_source({"files": {"format": "conll", **files, "train": str(tmp_path / "missing")}})
    with pytest.raises(NerDataError, match="no such file"):
        list(read_sentences(missing, "en", "train"))


def test_prepare_language_limits_with_a_seed_and_counts():
    source = ner_source({"files": {"format": "rahimi", **{s: str(shared_data() / f"wikiann/nl/{s}") for s in ("train", "dev", "test")}}})
    tables, counts, problems = prepare_language(source, "nl", CLASSES, {"train": 50, "dev": 20, "test": 20}, seed=3)
    again, _, _ = prepare_language(source, "nl", CLASSES, {"train": 50, "dev": 20, "test": 20}, seed=3)
    assert tables["train"].equals(again["train"]) and tables["train"].num_rows == 50
    assert [c["sentences_read"] for c in counts] == [20000, 10000, 10000] and not problems
    assert tables["test"].column("id").to_pylist()[0] == "nl-test-0"


def test_hub_rows_read_through_datasets(tmp_path, monkeypatch):
    """The Hub path: a local dataset in WikiAnn's schema (class-label tags) through load_dataset."""
    import datasets

    features = datasets.Features(
        {
            "tokens": datasets.Sequence(datasets.Value("string")),
            "ner_tags": datasets.Sequence(datasets.ClassLabel(names=["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"])),
            "langs": datasets.Sequence(datasets.Value("string")),
        }
    )
    rows = {"tokens": [["Anna", "Frank", "in", "Amsterdam"]], "ner_tags": [[1, 2, 0, 5]], "langs": [["nl"] * 4]}
    directory = tmp_path / "wikiann" / "nl"
    directory.mkdir(parents=True)
    datasets.Dataset.from_dict(rows, features=features).to_parquet(str(directory / "validation-00000.parquet"))
    original = datasets.load_dataset

    def local(name, config, split, revision=None, cache_dir=None):
        assert (name, config, split) == ("unimelb-nlp/wikiann", "nl", "validation")
        return original(
            "parquet", data_files={split: str(tmp_path / "wikiann" / config / "*.parquet")}, split=split, cache_dir=str(tmp_path / "cache")
        )

    monkeypatch.setattr(datasets, "load_dataset", local)
    (sentence,) = read_sentences(ner_source({"hub": {"name": "unimelb-nlp/wikiann"}}), "nl", "dev")
    assert sentence.tags == ["B-PER", "I-PER", "O", "B-LOC"] and sentence.where == "unimelb-nlp/wikiann (nl, validation) row 0"


def _f1(rows, name):
    return next(r for r in rows if r["class"] == name)


def test_span_f1_on_hand_worked_cases():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "I-ORG", "O"], ["O", "B-LOC", "I-LOC"]]
    # PER right; LOC 1: right; ORG: one token short (wrong boundary); LOC 2: typed as ORG; an extra PER
    predicted = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O", "B-PER"], ["O", "B-ORG", "I-ORG"]]
    rows = span_scores(gold, predicted, CLASSES)
    # gold 4 entities, predicted 5, correct 2: P = 2/5, R = 2/4, F1 = 2PR/(P+R) = 4/9
    overall = _f1(rows, "all")
    assert (overall["precision"], overall["recall"], overall["support"]) == (40.0, 50.0, 4)
    assert overall["f1"] == pytest.approx(100 * 4 / 9)
    assert _f1(rows, "PER")["precision"] == 50.0 and _f1(rows, "PER")["recall"] == 100.0
    assert _f1(rows, "LOC") == {"class": "LOC", "precision": 100.0, "recall": 50.0, "f1": pytest.approx(200 / 3), "support": 2}
    assert _f1(rows, "ORG")["f1"] == 0.0
    # an I- that starts a predicted entity: none in strict IOB2, an entity for the CoNLL perl script
    gold, predicted = [["B-LOC", "I-LOC", "O"]], [["I-LOC", "I-LOC", "O"]]
    assert _f1(span_scores(gold, predicted, CLASSES, "strict"), "all")["f1"] == 0.0
    assert _f1(span_scores(gold, predicted, CLASSES, "conlleval"), "all")["f1"] == 100.0
    with pytest.raises(ValueError, match="differ"):
        span_scores([["O"]], [["O", "O"]], CLASSES)


def test_language_groups_for_every_scheme():
    families = {"en": "Germanic", "de": "Germanic", "nl": "Germanic", "fr": "Romance", "es": "Romance"}
    clusters = {"en": 1, "de": 1, "nl": 2, "fr": 2, "es": 2}
    groups = language_groups(
        ["en", "de", "nl", "fr", "es"], ["cluster", "monolingual", "multilingual", "family"], families, clusters, held_out=["nl"]
    )
    named = {(g["scheme"], g["group"]): (g["train"], g["evaluate"]) for g in groups}
    assert named[("cluster", "de_en")] == (["de", "en"], ["de", "en"])
    assert named[("family", "Romance")] == (["es", "fr"], ["es", "fr"])
    assert named[("multilingual", "all")][0] == ["de", "en", "es", "fr", "nl"]
    assert named[("zeroshot", "es_fr")] == (["es", "fr"], ["nl"])  # nl's cluster without nl
    assert sum(g == "monolingual" for g, _ in named) == 5
    table = groups_table(groups)
    assert read_group(table, "zeroshot", "es_fr") == {"train": ["es", "fr"], "evaluate": ["nl"]}
    # a held-out language alone in its cluster has nobody to learn from: no zero-shot group
    alone = language_groups(["en", "de"], ["cluster"], None, {"en": 1, "de": 2}, held_out=["de"])
    assert [g["scheme"] for g in alone] == ["cluster", "cluster"]


def test_generalization_groups_train_four_ways_and_score_on_the_corpus():
    clusters = {"en": 1, "de": 1, "nl": 2}
    groups = generalization_groups("en", "conll2003", ["cluster", "both", "corpus", "wikiann"], clusters)
    assert [(g["group"], g["train"], g["evaluate"]) for g in groups] == [
        ("wikiann", ["en"], ["conll2003"]),
        ("corpus", ["conll2003"], ["conll2003"]),
        ("both", ["conll2003", "en"], ["conll2003"]),
        ("cluster", ["de", "en"], ["conll2003"]),
    ]
    assert {g["scheme"] for g in groups} == {"generalization"}
    with pytest.raises(ValueError, match="'cluster' training needs 'en'"):
        generalization_groups("en", "conll2003", ["cluster"], {"de": 1})
    with pytest.raises(ValueError, match="unknown generalization trainings"):
        generalization_groups("en", "conll2003", ["news"], clusters)


def test_groups_with_the_same_training_sets_share_one_run():
    """A language alone in its family, the zero-shot group of a two-language cluster and the
    generalization study's WikiAnn and cluster trainings train models other groups train too: one
    run each, scored on every test set of its groups, named by Table 3's first scheme."""
    import pandas as pd

    clusters = {"en": 1, "de": 1, "fr": 2}
    groups = language_groups(["de", "en", "fr"], ["cluster", "monolingual", "family"], {"en": "G", "de": "G", "fr": "R"}, clusters, ["de"])
    groups += generalization_groups("en", "conll2003", ["wikiann", "corpus", "both", "cluster"], clusters)
    table = groups_table(groups)
    trained_by = table.drop_duplicates(["scheme", "group"]).set_index(["scheme", "group"])["run"]
    assert trained_by[("cluster", "de_en")] == trained_by[("generalization", "cluster")] == "family/G"
    assert trained_by[("cluster", "fr")] == trained_by[("family", "R")] == "monolingual/fr"
    assert trained_by[("zeroshot", "en")] == trained_by[("generalization", "wikiann")] == "monolingual/en"
    assert runs(table) == [
        ("family", "G"),
        ("monolingual", "fr"),
        ("monolingual", "de"),
        ("monolingual", "en"),
        ("generalization", "corpus"),
        ("generalization", "both"),
    ]
    assert read_run(table, "monolingual", "en") == {"train": ["en"], "evaluate": ["conll2003", "de", "en"]}
    assert read_run(table, "family", "G") == {"train": ["de", "en"], "evaluate": ["conll2003", "de", "en"]}
    with pytest.raises(KeyError, match="group cluster/de_en has no run of its own: its model is trained by run family/G"):
        read_run(table, "cluster", "de_en")

    # each group's scores are its run's on the languages the group evaluates
    run_scores = pd.DataFrame(
        [
            {"scheme": scheme, "group": group, "language": lang, "class": "all", "seed": 1, "f1": 10.0 * i + j}
            for i, (scheme, group) in enumerate(runs(table))
            for j, lang in enumerate(read_run(table, scheme, group)["evaluate"])
        ]
    )
    scores = scores_by_group(run_scores, table).set_index(["scheme", "group", "language"])["f1"]
    assert len(scores) == (table["role"] == "evaluate").sum()
    assert scores[("zeroshot", "en", "de")] == 31.0 and scores[("monolingual", "en", "en")] == 32.0
    assert scores[("generalization", "wikiann", "conll2003")] == 30.0 and scores[("generalization", "cluster", "conll2003")] == 0.0
    assert scores[("cluster", "de_en", "en")] == scores[("family", "G", "en")] == 2.0
    # a run's extra test sets belong to the groups that asked for them
    assert ("monolingual", "en", "conll2003") not in scores.index and ("monolingual", "en", "de") not in scores.index
    with pytest.raises(ValueError, match=r"run monolingual/en has no scores on 'de', which group zeroshot/en evaluates"):
        scores_by_group(run_scores[~((run_scores["group"] == "en") & (run_scores["language"] == "de"))], table)


def test_table5_reads_the_generalization_runs_only():
    import pandas as pd

    from xlclust.ner.report import summarize, table3, table5

    scores = pd.DataFrame(
        [
            {"scheme": g, "group": group, "language": lang, "class": c, "seed": seed, "f1": f1}
            for g, group, lang, base in [
                ("generalization", "both", "conll2003", 80.0),
                ("generalization", "wikiann", "conll2003", 50.0),
                ("monolingual", "en", "en", 70.0),
            ]
            for c, shift in [("all", 0.0), ("PER", 5.0)]
            for seed, f1 in [(1, base + shift), (2, base + shift + 2)]
        ]
    )
    summary = summarize(scores)
    table = table5(summary, "conll2003")
    assert table["training"].tolist() == ["wikiann", "both"] and list(table.columns) == ["training", "all", "PER"]
    assert table.set_index("training").loc["both", "all"] == "81.0 (1.4)"
    assert "conll2003" not in set(table3(summary[summary["scheme"] != "generalization"])["language"])


def test_another_corpus_reads_with_its_own_ids_and_dropped_classes():
    conll = shared_data() / "conll2003"
    source = ner_source(
        {
            "files": {"format": "conll", "train": str(conll / "train.txt"), "dev": str(conll / "dev.txt"), "test": str(conll / "test.txt")},
            "drop_classes": ["MISC"],
        }
    )
    tables, counts, _ = prepare_language(source, "en", CLASSES, {"train": 50, "dev": 20, "test": 20}, seed=1, name="conll2003")
    assert tables["train"].column("id")[0].as_py().startswith("conll2003-train-")
    assert set(tables["test"].column("language").to_pylist()) == {"en"}
    assert not any(t.endswith("MISC") for tags in tables["train"].column("tags").to_pylist() for t in tags)
    assert [c["sentences_used"] for c in counts] == [50, 20, 20]


@pytest.fixture(scope="module")
def tiny_xlmr(tmp_path_factory):
    from xlclust.demo.tiny_model import build_tiny_xlmr

    directory = tmp_path_factory.mktemp("xlmr") / "model"
    texts = [
        line.strip()
        for lang in ("en", "de", "nl")
        for line in (shared_data() / f"leipzig-sentences/{lang}.txt").read_text(encoding="utf-8").splitlines()[:400]
    ]
    build_tiny_xlmr(texts, directory, vocab_size=1500, hidden_size=32, layers=1, heads=2, max_positions=130, seed=5)
    return directory


def _sentences(lang, split, n):
    return [
        {"id": f"{lang}-{i}", "tokens": s.tokens, "tags": s.tags}
        for i, s in zip(range(n), read_rahimi(shared_data() / f"wikiann/{lang}/{split}", lang))
    ]


def test_ner_finetuning_is_deterministic_and_resumes(tiny_xlmr, tmp_path):
    from xlclust.models import ModelSource
    from xlclust.ner.training import evaluate_languages, finetune_ner, predict_tags
    from xlclust.training.finetuning import FinetuneSpec, complete_checkpoints
    from xlclust.training.runtime import Preempted

    train, test = _sentences("nl", "train", 80), {"nl": _sentences("nl", "test", 30)}
    spec = FinetuneSpec(learning_rate=3e-3, batch_size=10, epochs=2, checkpoint_every=4, keep_checkpoints=10, log_every=2, seed=2)
    source = ModelSource(str(tiny_xlmr))
    model, tokenizer, run = finetune_ner(source, train, CLASSES, spec, 128, tmp_path / "a")
    scores, predictions, cut = evaluate_languages(model, tokenizer, test, CLASSES, 128)
    assert run.summary["steps"] == 16 and predictions.num_rows == 30
    assert {r["class"] for r in scores} == {"LOC", "ORG", "PER", "all"} and all(0 <= r["f1"] <= 100 for r in scores)
    assert cut == 0 and model.config.id2label[1] == "B-LOC"
    tags, _ = predict_tags(model, tokenizer, test["nl"], 128)
    assert [len(t) for t in tags] == [len(s["tokens"]) for s in test["nl"]]
    again, tokenizer2, _ = finetune_ner(source, train, CLASSES, spec, 128, tmp_path / "b")
    assert evaluate_languages(again, tokenizer2, test, CLASSES, 128)[0] == scores

    class StopAt(__import__("transformers").TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step == 5:
                import os
                import signal

                os.kill(os.getpid(), signal.SIGTERM)

    with pytest.raises(Preempted, match="at step 5"):
        finetune_ner(source, train, CLASSES, spec, 128, tmp_path / "c", callbacks=[StopAt()])
    (run_dir,) = (tmp_path / "c").iterdir()
    assert [p.name for p in complete_checkpoints(run_dir)] == ["checkpoint-4", "checkpoint-5"]
    resumed, tokenizer3, run3 = finetune_ner(source, train, CLASSES, spec, 128, tmp_path / "c")
    assert run3.summary["resumed_from"].endswith("checkpoint-5")
    assert evaluate_languages(resumed, tokenizer3, test, CLASSES, 128)[0] == scores
    # sentences longer than max_length: the cut-off words are tagged O and counted
    long = [{"id": "x", "tokens": ["Amsterdam"] * 80, "tags": ["B-LOC"] * 80}]
    tags, cut = predict_tags(model, tokenizer, long, 16)
    assert cut > 0 and tags[0][-1] == "O"
    shutil.rmtree(tmp_path / "a")


def test_szeged_iob1_and_basque_json_lines_read_as_iob2():
    """Szeged NER (IOB1, 0 outside) and BasqueGLUE's NERCid (JSON lines), the tagging comparison's
    zero-shot NER languages, as the NER checker wants them: strict IOB2 with no repairs."""
    hungarian = shared_data() / "ner-hu" / "hun_ner_corpus.txt"
    files = NerFiles("conll", str(hungarian), str(hungarian), str(hungarian), tag_encoding="iob1", outside="0")
    sentences = list(read_sentences(DatasetSource(files=files), "hu", "test"))
    raw = list(read_conll(hungarian))
    assert len(sentences) == len(raw) == 78 and {tag for s in raw for tag in s.tags} >= {"0", "I-ORG"}
    checked = check_sentences(sentences, CLASSES + ["MISC"], "error")  # no I- without its B- remains
    assert checked.problems == [] and sum(tag.startswith("B-") for s in checked.sentences for tag in s.tags) > 50
    assert to_iob2(Sentence(["a", "b", "c", "d"], ["I-PER", "I-PER", "B-PER", "0"], "x:1"), "0", "iob1").tags == [
        "B-PER",
        "I-PER",
        "B-PER",
        "O",
    ]
    basque = shared_data() / "ner-eu" / "test.jsonl"
    eu = check_sentences(
        read_sentences(DatasetSource(files=NerFiles("jsonl", str(basque), str(basque), str(basque))), "eu", "test"),
        CLASSES + ["MISC"],
        "error",
    )
    assert len(eu.sentences) == 1845 and sum(len(s.tokens) for s in eu.sentences) == 35854  # 1,846 lines, one empty
    assert [p["where"] for p in eu.problems] == [f"{basque}:1217"]
