"""TyDi QA: loading and checking real GoldP files, answer spans through each tokenizer on real
contexts of every script at hand, span decoding, the SQuAD v1.1 metric, fine-tuning and resuming."""

import json

import numpy as np
import pytest
import sentencepiece as spm
from transformers import AutoTokenizer

from workflow_tests.realdata import TYDIQA_FILES, shared_data
from workflow_tests.test_tokenization import cluster_map, leipzig
from xlclust.settings import DatasetSource, HubDataset
from xlclust.tokenization.build import build_baseline_tokenizer, build_cluster_tokenizer, train_baseline_segmenter
from xlclust.tydiqa.data import PUBLISHED_SIZES, QADataError, check_questions, prepare_split, read_squad_json
from xlclust.tydiqa.features import FeatureSpec, Window, answer_positions, training_features, windows
from xlclust.tydiqa.metrics import exact_match_score, f1_score, normalize_answer, squad_scores
from xlclust.tydiqa.spans import answer_text, best_span, predict_answers
from xlclust.vocabulary.normalization import normalize

TYDIQA = shared_data() / "tydiqa-goldp-v1.1"
SCRIPT_LANGUAGES = ["ar", "en", "ru", "sw", "bn", "ko", "te"]  # Arabic, Latin, Cyrillic; Bengali, Hangul, Telugu from Leipzig


def tydiqa_file(split, lang):
    return TYDIQA / split / f"{TYDIQA_FILES[lang]}.json"


# --- the metric -----------------------------------------------------------------------------------


def test_squad_v1_metric_on_hand_made_cases():
    assert normalize_answer("The  Eiffel-Tower!") == "eiffeltower"
    assert exact_match_score("the cat", "A cat.") == 1.0  # articles and punctuation do not count
    assert f1_score("a big red cat", "red cat sat") == pytest.approx(2 * (2 / 3) * (2 / 3) / (4 / 3))
    assert f1_score("", "cat") == 0.0 and exact_match_score("", "cat") == 0.0
    assert exact_match_score("the", "a") == 1.0 and f1_score("the", "a") == 0.0  # v1.1's quirk, kept
    assert normalize_answer("قطر،") == "قطر،"  # v1.1 removes ASCII punctuation only
    gold = {"q1": ["Paris", "the city of Paris"], "q2": ["1999"], "q3": ["red cat sat"]}
    scores = squad_scores({"q1": "city of Paris", "q2": "in 1999", "q3": ""}, gold)
    assert scores["EM"] == pytest.approx(100 / 3)  # q1 matches its second gold answer
    assert scores["F1"] == pytest.approx(100 * (1 + 2 / 3 + 0) / 3)
    assert squad_scores({"q1": "Paris"}, gold)["missing"] == 2  # unanswered questions score 0
    assert squad_scores({"q1": "Paris"}, gold)["EM"] == pytest.approx(100 / 3)


def test_every_dev_question_needs_a_prediction(tmp_path):
    import pyarrow.parquet as pq

    from xlclust.tydiqa.data import records_table
    from xlclust.tydiqa.report import score_runs

    questions = read_squad_json(tydiqa_file("dev", "sw"), "sw")[:3]
    pq.write_table(records_table(questions), tmp_path / "sw.parquet")
    run = {
        "model": "m",
        "tokenizer": "t",
        "size": "s",
        "seed": 1,
        "language": "sw",
        "predictions": str(tmp_path / "sw.json"),
        "dev": str(tmp_path / "sw.parquet"),
    }
    (tmp_path / "sw.json").write_text(json.dumps({q["id"]: q["answers"]["text"][0] for q in questions}))
    assert score_runs([run])[["n", "EM", "F1"]].values.tolist() == [[3, 100.0, 100.0]]
    (tmp_path / "sw.json").write_text(json.dumps({questions[0]["id"]: ""}))
    with pytest.raises(ValueError, match="sw.json: no prediction for 2 of 3 questions"):
        score_runs([run])


# --- data -----------------------------------------------------------------------------------------


def test_real_goldp_files_load_with_their_published_sizes():
    source = DatasetSource(
        files={
            "train": {"en": str(tydiqa_file("train", "en"))},
            "dev": {lang: f"file://{tydiqa_file('dev', lang)}" for lang in TYDIQA_FILES},
        }
    )
    train, counts, problems = prepare_split(source, "train", ["en"], None, seed=1)
    assert len(train["en"]) == counts[0]["questions_read"] == PUBLISHED_SIZES["train"]["en"] and counts[0]["matches_published"]
    dev, counts, _ = prepare_split(source, "dev", list(TYDIQA_FILES), 50, seed=1)
    assert all(row["matches_published"] and row["used"] == 50 for row in counts)
    assert {q["language"] for q in dev["sw"]} == {"sw"} and dev["sw"][0]["id"].startswith("swahili")
    # a seeded sample, in file order
    again, _, _ = prepare_split(source, "dev", ["sw"], 50, seed=1)
    assert [q["id"] for q in again["sw"]] == [q["id"] for q in dev["sw"]]
    order = [q["id"] for q in read_squad_json(tydiqa_file("dev", "sw"), "sw")]
    assert sorted(order.index(q["id"]) for q in dev["sw"]) == [order.index(q["id"]) for q in dev["sw"]]


def hub_layout(root, splits):
    """A dataset directory laid out as the Hub's google-research-datasets/tydiqa (Parquet per split
    under secondary_task/, configs in the README), which load_dataset reads as it reads the Hub."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    (root / "secondary_task").mkdir(parents=True)
    files = []
    for split, rows in splits.items():
        pq.write_table(
            pa.Table.from_pylist([{k: v for k, v in r.items() if k != "language"} for r in rows]),
            root / "secondary_task" / f"{split}-00000-of-00001.parquet",
        )
        files.append(f"  - split: {split}\n    path: secondary_task/{split}-*.parquet\n")
    (root / "README.md").write_text("---\nconfigs:\n- config_name: secondary_task\n  data_files:\n" + "".join(files) + "---\n")
    return DatasetSource(hub=HubDataset(name=str(root), config="secondary_task"))


def test_the_hub_layout_gives_the_same_questions_as_the_files(tmp_path):
    """The Hub path: one validation split for all languages, each question's language from its ID."""
    files = {lang: read_squad_json(tydiqa_file("dev", lang), lang) for lang in ("fi", "sw")}
    source = hub_layout(tmp_path / "tydiqa", {"validation": files["sw"][:20] + files["fi"][:30]})
    dev, counts, _ = prepare_split(source, "dev", ["sw", "fi"], None, seed=1, cache_dir=str(tmp_path / "cache"))
    assert dev == {"sw": files["sw"][:20], "fi": files["fi"][:30]}
    assert [(row["language"], row["questions_read"], row["matches_published"]) for row in counts] == [("sw", 20, False), ("fi", 30, False)]
    with pytest.raises(QADataError, match="no language \\['de'\\]"):
        prepare_split(source, "dev", ["de"], None, seed=1, cache_dir=str(tmp_path / "cache"))
    stray = dict(files["sw"][0], id="klingon-1-1")
    source = hub_layout(tmp_path / "other", {"validation": [stray]})
    with pytest.raises(QADataError, match="question klingon-1-1 names no TyDi QA GoldP language"):
        prepare_split(source, "dev", ["sw"], None, seed=1, cache_dir=str(tmp_path / "cache"))


def squad_file(path, qas, context="Nairobi is the capital of Kenya."):
    path.write_text(json.dumps({"data": [{"title": "t", "paragraphs": [{"context": context, "qas": qas}]}]}), encoding="utf-8")
    return path


def question(qid, text="Nairobi", start=0):
    return {"id": qid, "question": "What is the capital of Kenya?", "answers": [{"text": text, "answer_start": start}]}


def test_bad_questions_are_reported_with_their_id_and_skipped_from_training(tmp_path, caplog):
    qas = [question("good"), question("shifted", start=3), question("unanswered", text=" "), question("good")]
    records = read_squad_json(squad_file(tmp_path / "en.json", qas), "en")
    train = check_questions(records, "train", "en.json")
    assert [r["id"] for r in train.records] == ["good"]
    assert [(p["id"], p["action"]) for p in train.problems] == [("shifted", "skipped"), ("unanswered", "skipped"), ("good", "skipped")]
    assert "not at answer_start 3" in train.problems[0]["problem"] and "question shifted" in caplog.text
    dev = check_questions(records, "dev", "en.json")  # scoring needs the answer texts only
    assert [r["id"] for r in dev.records] == ["good", "shifted"]


def test_missing_fields_invalid_json_and_empty_files_name_the_file(tmp_path):
    broken = question("q7")
    del broken["question"]
    with pytest.raises(QADataError, match=r"broken\.json: data\[0\]\.paragraphs\[0\]\.qas\[0\] \(id q7\) has no field 'question'"):
        read_squad_json(squad_file(tmp_path / "broken.json", [broken]), "en")
    (tmp_path / "cut.json").write_text('{"data": [', encoding="utf-8")
    with pytest.raises(QADataError, match="cut.json: not valid JSON"):
        read_squad_json(tmp_path / "cut.json", "en")
    empty = tmp_path / "empty.json"
    empty.write_text('{"data": []}', encoding="utf-8")
    with pytest.raises(QADataError, match="empty.json: no usable dev questions for sw"):
        prepare_split(DatasetSource(files={"dev": {"sw": str(empty)}}), "dev", ["sw"], None, seed=1)
    with pytest.raises(QADataError, match="names no file for"):
        prepare_split(DatasetSource(files={"dev": {"sw": str(empty)}}), "dev", ["sw", "fi"], None, seed=1)


# --- answer spans through each tokenizer -------------------------------------------------------------


def leipzig_questions(lang, n=40):
    """Questions over real sentences of scripts GoldP's local files lack: a word of a paragraph."""
    lines = leipzig(lang, 0, 3 * n)
    found = []
    for i in range(n):
        context = " ".join(lines[3 * i : 3 * i + 3])
        words = context.split()
        answer = words[len(words) // 2].strip(".,;:!?\"'()")
        start = context.index(answer, len(" ".join(words[: len(words) // 2])))
        found.append(
            {
                "id": f"{lang}-{i}",
                "context": context,
                "question": " ".join(words[:5]),
                "language": lang,
                "answers": {"text": [answer], "answer_start": [start]},
            }
        )
    return found


def real_questions(lang, n=40):
    if lang in TYDIQA_FILES:
        return read_squad_json(tydiqa_file("dev", lang), lang)[:n]
    return leipzig_questions(lang, n)


@pytest.fixture(scope="module")
def qa_tokenizers(tmp_path_factory):
    """The three kinds of tokenizer a TyDi QA model may have: cluster IDs, the SentencePiece
    baseline, and a WordPiece tokenizer as mBERT's."""
    from xlclust.demo.tiny_model import build_tiny_model

    directory = tmp_path_factory.mktemp("qa_tokenizers")
    segmenters = {}
    for lang in SCRIPT_LANGUAGES:
        texts = [normalize(t) for t in leipzig(lang, 0, 900)] + [normalize(q["context"]) for q in real_questions(lang, 200)]
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(texts),
            model_prefix=str(directory / lang),
            model_type="bpe",
            vocab_size=2000,
            character_coverage=0.9995,
            unk_id=0,
            bos_id=1,
            eos_id=2,
            minloglevel=2,
            num_threads=1,
        )
        segmenters[lang] = directory / f"{lang}.model"
    table, names = cluster_map(segmenters, 3)
    cluster, _ = build_cluster_tokenizer(table, names, segmenters, model_max_length=512)
    cluster.save_pretrained(directory / "icebert")
    sample = [t for lang in SCRIPT_LANGUAGES for t in leipzig(lang, 0, 600)]
    train_baseline_segmenter(sample, directory / "sp.model", vocab_size=3000, model_type="bpe", character_coverage=0.9995, seed=1)
    build_baseline_tokenizer(directory / "sp.model", model_max_length=512).save_pretrained(directory / "baseline")
    build_tiny_model(sample, directory / "wordpiece", vocab_size=3000, hidden_size=16, layers=1, heads=1, max_positions=128, seed=1)
    return {name: AutoTokenizer.from_pretrained(directory / name, trust_remote_code=True) for name in ("icebert", "baseline", "wordpiece")}


@pytest.mark.parametrize("name", ["icebert", "baseline", "wordpiece"])
def test_answer_characters_survive_the_round_trip_through_each_tokenizer(qa_tokenizers, name):
    """Characters → token positions (training labels) → characters (the predicted answer): the
    answer comes back whole, cut from the original text (case, digits, marks kept)."""
    tokenizer = qa_tokenizers[name]
    spec = FeatureSpec(max_length=128, doc_stride=48, max_query_length=24)  # long contexts: several windows each
    exact = total = 0
    for lang in SCRIPT_LANGUAGES:
        questions = real_questions(lang)
        features, unreachable = training_features(questions, tokenizer, spec)
        recovered = {}
        for window, feature in zip(windows(questions, tokenizer, spec), features, strict=True):
            q = questions[window.example]
            start = q["answers"]["answer_start"][0]
            positions = answer_positions(window.offsets, start, start + len(q["answers"]["text"][0]))
            assert (feature["start_positions"], feature["end_positions"]) == (positions or (0, 0))
            if positions:
                recovered.setdefault(q["id"], []).append(answer_text(q["context"], window.offsets, *positions))
        # only answers about as long as a window's context are out of reach
        out_of_reach = [q["answers"]["text"][0] for q in questions if q["id"] not in recovered]
        assert len(out_of_reach) == unreachable and all(len(text) > 150 for text in out_of_reach), (lang, out_of_reach)
        for q in questions:
            for text in recovered.get(q["id"], []):
                assert q["answers"]["text"][0] in text and text in q["context"], (lang, q["id"], text)
                exact += text == q["answers"]["text"][0]
                total += 1
    # the rest end inside a token: '1864' of '1864,', 'عنابة' of 'وعنابة'
    assert exact / total > 0.75, exact / total


def test_windows_without_the_answer_point_at_cls(qa_tokenizers):
    tokenizer = qa_tokenizers["baseline"]
    context = " ".join(leipzig("en", 0, 8)) + " The answer is Zanzibar."
    q = {
        "id": "z",
        "question": "Where?",
        "context": context,
        "language": "en",
        "answers": {"text": ["Zanzibar"], "answer_start": [context.index("Zanzibar")]},
    }
    features, unreachable = training_features([q], tokenizer, FeatureSpec(max_length=48, doc_stride=16, max_query_length=8))
    assert len(features) > 3 and unreachable == 0
    labels = [(f["start_positions"], f["end_positions"]) for f in features]
    assert labels[:-1].count((0, 0)) >= len(labels) - 2 and labels[-1] != (0, 0)


def test_cluster_tokenizer_questions_need_a_language(qa_tokenizers):
    q = real_questions("sw", 1)
    features, _ = training_features(q, qa_tokenizers["icebert"], FeatureSpec(96, 32, 24))
    assert features  # the language comes from each question
    with pytest.raises(ValueError, match="say which language"):
        qa_tokenizers["icebert"]("swali", "muktadha")


# --- decoding ---------------------------------------------------------------------------------------


def test_the_best_valid_span_over_all_windows_is_cut_from_the_context():
    context = "Dar es Salaam ni mji mkubwa."
    offsets = np.array([[-1, -1], [0, 3], [4, 6], [7, 13], [14, 16], [17, 20], [-1, -1]])
    low, high = np.full(7, -5.0), np.full(7, -5.0)
    start_a, end_a = low.copy(), low.copy()
    start_a[[0, 1]], end_a[[0, 3]] = (9.0, 2.0), (9.0, 2.0)  # [CLS] scores highest but is outside the context
    start_b, end_b = low.copy(), high.copy()
    start_b[5], end_b[3] = 8.0, 8.0  # the best pair ends before it starts: invalid; the valid ones score 3 < 4
    assert best_span(start_a, end_a, offsets, 20, 30)[1:] == (1, 3)
    assert best_span(start_a, end_a, offsets, 20, 2) is not None and best_span(start_a, end_a, offsets, 20, 2)[1:] != (1, 3)
    found = [Window(0, {}, offsets), Window(0, {}, offsets), Window(1, {}, np.full((7, 2), -1))]
    examples = [{"id": "a", "context": context}, {"id": "b", "context": context}]
    answers = predict_answers(examples, found, [start_a, start_b, low], [end_a, end_b, low], n_best=20, max_answer_length=30)
    assert answers == {"a": "Dar es Salaam", "b": ""}  # 'b' has no window with context
    bengali = "বাংলা ভাষা"  # a vowel sign after a span's end stays with it
    assert answer_text(bengali, np.array([[0, 4]]), 0, 0) == "বাংলা"  # the offsets end before া


# --- fine-tuning --------------------------------------------------------------------------------------


def test_finetuning_is_deterministic_and_resumes_from_its_last_complete_checkpoint(tmp_path):
    import shutil

    from safetensors.numpy import load_file

    from xlclust.demo.tiny_model import build_tiny_model
    from xlclust.models import ModelSource
    from xlclust.training.finetuning import FinetuneSpec, complete_checkpoints
    from xlclust.tydiqa.finetune import finetune

    questions = read_squad_json(tydiqa_file("train", "en"), "en")[:48]
    build_tiny_model(
        [q["context"] for q in questions], tmp_path / "bert", vocab_size=1500, hidden_size=16, layers=1, heads=1, max_positions=64, seed=1
    )
    source = ModelSource(str(tmp_path / "bert"))
    spec = FinetuneSpec(learning_rate=5e-3, batch_size=8, epochs=2, checkpoint_every=4, keep_checkpoints=10, log_every=2, seed=3)
    features = FeatureSpec(max_length=64, doc_stride=24, max_query_length=16)

    def weights(directory):
        return load_file(directory / "model.safetensors")

    first = finetune(source, questions, spec, features, tmp_path / "ckpt-a", tmp_path / "a")
    finetune(source, questions, spec, features, tmp_path / "ckpt-b", tmp_path / "b")
    a, b = weights(tmp_path / "a"), weights(tmp_path / "b")
    assert all(np.array_equal(a[k], b[k]) for k in a)  # a rerun gives the same model
    assert first["steps"] > 8 and first["windows"] > len(questions) and (tmp_path / "a" / "loss.png").exists()

    # killed while saving its latest checkpoint: the rerun drops that one and resumes from the one before
    run_dir = next((tmp_path / "ckpt-b").iterdir())
    saved = complete_checkpoints(run_dir)
    assert len(saved) >= 3
    for later in saved[2:]:
        shutil.rmtree(later)
    (saved[1] / "trainer_state.json").write_text('{"global_step": ', encoding="utf-8")
    shutil.rmtree(tmp_path / "b")
    resumed = finetune(source, questions, spec, features, tmp_path / "ckpt-b", tmp_path / "b")
    assert resumed["resumed_from"] == str(saved[0])
    b = weights(tmp_path / "b")
    assert all(np.array_equal(a[k], b[k]) for k in a)  # the resumed run ends where the uninterrupted one did
    tokenizer = AutoTokenizer.from_pretrained(tmp_path / "b")
    assert tokenizer("What?", "This.")["input_ids"][0] == tokenizer.cls_token_id

    # a preempted job (SIGTERM) checkpoints the step it is in and stops; the requeued job goes on from there
    import os
    import signal

    from transformers import TrainerCallback

    from xlclust.training.runtime import Preempted

    class Preempt(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step == 5:
                os.kill(os.getpid(), signal.SIGTERM)

    with pytest.raises(Preempted, match="step 5"):
        finetune(source, questions, spec, features, tmp_path / "ckpt-c", tmp_path / "c", callbacks=[Preempt()])
    [run_dir] = (tmp_path / "ckpt-c").iterdir()
    assert [p.name for p in complete_checkpoints(run_dir)] == ["checkpoint-4", "checkpoint-5"] and not (tmp_path / "c").exists()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is put back
    assert finetune(source, questions, spec, features, tmp_path / "ckpt-c", tmp_path / "c")["resumed_from"].endswith("checkpoint-5")
    c = weights(tmp_path / "c")
    assert all(np.array_equal(a[k], c[k]) for k in a)
