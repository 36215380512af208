"""The semantic-grouping evaluation's runs ("Tomato, Tomahto, Tomate" App. A, Table 2, Fig. 9): which
pipelines train on what (all languages' data together; a zero-shot source for Fig. 9's pipelines),
tasks_of, the scenario of each score, and Table 2's optimiser reaching the Trainer (the DPR
bi-encoder's too)."""

import pytest

from workflow_tests.paper_config import validated
from xlclust.errors import ConfigError
from xlclust.grouping_eval import runs
from xlclust.grouping_eval.scenario import scenario
from xlclust.training.finetuning import FinetuneSpec, training_arguments


def small_grouping(**evaluation):
    """A grouping section with two ratios, grouping alone and CLSA + SG + continual pretraining."""
    sections = {
        "masakhaner": {"languages": ["hau", "swa"], "trainings": ["all"]},
        "xnli": {"languages": ["en", "sw"], "trainings": ["all", "en"]},
        "tydiqa": {"trainings": ["all", "en"]},
        "miracl": {"languages": ["en", "sw"], "evaluation_only": ["yo"], "trainings": ["all", "en"]},
    }
    return {
        "backbones": ["mbert"],
        "ratios": [5, 10],
        "clsa": {"pair_sets": {"all": ["muse"]}},
        "reduction": {"dims": [128]},
        "pipelines": ["{backbone}/kmeans{ratio}", "{backbone}/clsa-all/kmeans{ratio}/cpt"],
        "evaluation": {
            "pipelines": ["{backbone}"],
            "reference": "{backbone}/cpt",
            "zero_shot": ["{backbone}/cpt", "{backbone}/clsa-all/kmeans{ratio}/cpt"],
            "tasks_of": {},
            "exclude": [],
            "tasks": ["masakhaner", "xnli", "tydiqa", "miracl_retrieval", "miracl_reranking"],
            "seeds": [1],
            **sections,
            **evaluation,
        },
    }


def planned(grouping):
    return {(r["pipeline"], r["task"], r["train_language"]) for r in runs.eval_runs(grouping)}


def test_every_pipeline_trains_on_all_languages_and_figure_9s_also_on_english():
    grouping = small_grouping()
    # the reference is evaluated though grouping.pipelines does not name it
    assert runs.evaluated_pipelines(grouping) == [
        "mbert",
        "mbert/cpt",
        "mbert/kmeans5",
        "mbert/kmeans10",
        "mbert/clsa-all/kmeans5/cpt",
        "mbert/clsa-all/kmeans10/cpt",
    ]
    found = planned(grouping)
    tasks = grouping["evaluation"]["tasks"]
    for pipeline in runs.evaluated_pipelines(grouping):
        assert {(pipeline, task, "all") for task in tasks} <= found  # App. A: one model per task on all its data
    zero_shot = {(p, t, lang) for p, t, lang in found if lang != "all"}
    # English trainings (MasakhaNER has none: its trainings are [all]) only for the reference and CLSA + SG + CPT
    assert zero_shot == {
        (pipeline, task, "en")
        for pipeline in ("mbert/cpt", "mbert/clsa-all/kmeans5/cpt", "mbert/clsa-all/kmeans10/cpt")
        for task in ("xnli", "tydiqa", "miracl_retrieval", "miracl_reranking")
    }
    assert len(runs.eval_runs(grouping)) == 6 * 5 + 3 * 4
    # two seeds: every run twice; no backbone: no run
    assert len(runs.eval_runs(small_grouping(seeds=[1, 2]))) == 2 * (6 * 5 + 3 * 4)
    assert runs.eval_runs({**grouping, "backbones": []}) == []


def test_tasks_of_restricts_the_tasks_of_the_pipelines_it_names():
    grouping = small_grouping(tasks_of={"{backbone}/kmeans{ratio}": ["xnli"], "mbert/kmeans5": ["tydiqa"], "{backbone}": ["masakhaner"]})
    assert runs.pipeline_tasks(grouping, "mbert/kmeans5") == ["xnli", "tydiqa"]  # both templates name it
    assert runs.pipeline_tasks(grouping, "mbert/kmeans10") == ["xnli"]
    assert runs.pipeline_tasks(grouping, "mbert") == ["masakhaner"]
    assert runs.pipeline_tasks(grouping, "mbert/cpt") == grouping["evaluation"]["tasks"]  # unnamed: every task
    found = planned(grouping)
    assert {(t, lang) for p, t, lang in found if p == "mbert/kmeans10"} == {("xnli", "all")}
    # the zero_shot and exclude lists: a pipeline left out of zero_shot trains on all only; excluded, not at all
    grouping = small_grouping(zero_shot=["{backbone}/cpt"], exclude=["{backbone}/kmeans10"])
    found = planned(grouping)
    assert {p for p, _, lang in found if lang == "en"} == {"mbert/cpt"}
    assert not any(p == "mbert/kmeans10" for p, _, _ in found)


def test_scores_are_in_language_for_all_and_zero_shot_from_a_language_elsewhere():
    assert scenario("all", "sw") == scenario("all", "yo") == "in_language"
    assert scenario("en", "en") == "in_language" and scenario("en", "sw") == "zero_shot"
    evaluation = small_grouping()["evaluation"]
    # every training is scored on every test language; MIRACL's evaluation-only languages too (Table 5: 18)
    assert runs.scored_languages(evaluation, "miracl_retrieval") == ["en", "sw", "yo"]
    assert runs.scored_languages(evaluation, "masakhaner") == ["hau", "swa"]
    assert runs.scored_languages(evaluation, "tydiqa", ["en", "sw"]) == ["en", "sw"]
    # all reads every language with training data; a language code its own
    assert runs.training_languages(evaluation, "xnli", "all") == ["en", "sw"]
    assert runs.training_languages(evaluation, "miracl_reranking", "all") == ["en", "sw"]  # not yo (no training data)
    assert runs.training_languages(evaluation, "tydiqa", "all", ["en"]) == ["en"]
    assert runs.training_languages(evaluation, "xnli", "en") == ["en"]


def test_tydiqa_all_is_every_language_with_training_questions():
    config = {"languages": ["en", "qcy", "qgr"], "tydiqa": {"languages": ["en", "qcy", "qgr"], "dataset": {"source": "hub"}}}
    assert runs.tydiqa_train_languages(config) == ["en", "qcy", "qgr"]
    config["tydiqa"]["dataset"] = {"source": "files", "files": {"train": {"en": "en.json"}, "dev": {}}}
    assert runs.tydiqa_train_languages(config) == ["en"]  # the demo's: English training questions only


def test_the_paper_config_plans_app_a_and_figure_9():
    config = validated()
    evaluation = config["grouping"]["evaluation"]
    assert evaluation["reference"] == "{backbone}/cpt" and evaluation["tasks_of"] == {}
    assert [evaluation[task]["trainings"] for task in ("masakhaner", "xnli", "tydiqa", "miracl")] == [
        ["all"],
        ["all", "en"],
        ["all", "en"],
        ["all", "en"],
    ]
    found = runs.eval_runs(config["grouping"])
    english = {r["pipeline"] for r in found if r["train_language"] == "en"}
    ratios = config["grouping"]["ratios"]
    assert english == {"mbert/cpt", *(f"mbert/clsa-all/kmeans{r}/cpt" for r in ratios)}
    assert not any(r["task"] == "masakhaner" and r["train_language"] != "all" for r in found)  # no English MasakhaNER


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"grouping__evaluation__tasks_of": {"{backbone}/kmeans{ratio}": ["tydiqa"]}, "grouping__evaluation__tasks": ["xnli"]},
            r"tasks_of' \('\{backbone\}/kmeans\{ratio\}'\): \['tydiqa'\] not in grouping.evaluation.tasks",
        ),
        (
            {"grouping__evaluation__xnli__trainings": ["all", "fa"]},
            r"xnli.trainings': 'fa' is neither 'all' nor a language with training data",
        ),
        ({"grouping__evaluation__miracl__trainings": ["all", "yo"]}, r"miracl.trainings': 'yo' is neither"),  # evaluation only
        ({"grouping__evaluation__exclude": ["{backbone}/cpt"]}, r"'mbert/cpt' is the reference"),
        ({"grouping__evaluation__zero_shot": ["{backbone}/{nothing}"]}, r"names \['nothing'\]"),
    ],
)
def test_evaluation_settings_are_checked_at_config_time(changes, message):
    with pytest.raises(ConfigError, match=message):
        validated(**changes)


def test_trainings_are_not_checked_without_evaluation_runs():
    """A config without backbones plans no evaluation run: its trainings are never read (the real-data
    workflow test's config has no TyDi QA training files)."""
    assert validated(grouping__backbones=[], grouping__evaluation__xnli__trainings=["all", "fa"])


TABLE2 = {  # task block → (learning rate, batch size, epochs, warm-up ratio); β1 0.9 and β2 0.99 for all
    ("masakhaner",): (5e-5, 64, 50, 0.0),
    ("tydiqa",): (5e-5, 128, 3, 0.0),
    ("xnli",): (5e-6, 64, 2, 0.0),
    ("miracl", "reranking"): (5e-6, 32, 5, 0.1),
    ("miracl", "retrieval"): (1e-5, 256, 40, 0.1),
}


def block(evaluation, path):
    for key in path:
        evaluation = evaluation[key]
    return evaluation["training"]


@pytest.mark.parametrize("path", list(TABLE2))
def test_table_2_reaches_the_trainers_optimizer(path, tmp_path):
    from transformers import Trainer

    spec = FinetuneSpec(seed=1, **block(validated()["grouping"]["evaluation"], path))
    learning_rate, batch_size, epochs, warmup = TABLE2[path]
    assert (spec.learning_rate, spec.batch_size, spec.epochs, spec.warmup_ratio) == (learning_rate, batch_size, epochs, warmup)
    total_steps = 1000
    arguments = training_arguments(spec, tmp_path, batch_size, 1, int(spec.warmup_ratio * total_steps), "no")
    assert arguments.warmup_steps == int(warmup * total_steps)
    _, optimizer = Trainer.get_optimizer_cls_and_kwargs(arguments)
    assert optimizer["betas"] == (0.9, 0.99) and optimizer["lr"] == learning_rate


def test_the_demo_blocks_carry_table_2s_beta2_and_warm_up():
    import yaml

    from workflow_tests.paper_config import SCHEMA
    from workflow_tests.realdata import REPO
    from xlclust.workflow_config import validate_workflow_config

    demo = validate_workflow_config(yaml.safe_load((REPO / "demo" / "config.yaml").read_text()), SCHEMA)
    for path, (_, _, _, warmup) in TABLE2.items():
        spec = FinetuneSpec(**block(demo["grouping"]["evaluation"], path))
        assert (spec.adam_beta1, spec.adam_beta2, spec.warmup_ratio) == (0.9, 0.99, warmup), path


def test_the_dpr_bi_encoder_trains_with_the_specs_optimizer(tmp_path, monkeypatch):
    """finetune_dpr hands its spec to the shared Trainer (no loop of its own): the arguments it builds
    carry Table 2's β1, β2 and warm-up."""
    from transformers import Trainer

    import xlclust.training.finetuning as finetuning
    from workflow_tests.realdata import shared_data
    from xlclust.demo.tiny_model import build_tiny_model
    from xlclust.models import ModelSource
    from xlclust.retrieval.dpr import finetune_dpr

    sentences = (shared_data() / "leipzig-sentences/en.txt").read_text(encoding="utf-8").splitlines()[:300]
    build_tiny_model(sentences, tmp_path / "bert", vocab_size=500, hidden_size=16, layers=1, heads=2, max_positions=64, seed=0)
    captured = {}

    class Stop(Exception):
        pass

    def capture(model, arguments, examples, collator, callbacks, resume):
        captured["arguments"], captured["examples"] = arguments, examples
        raise Stop

    monkeypatch.setattr(finetuning, "run_trainer", capture)
    passage = {"title": "t", "text": sentences[0]}
    examples = [{"qid": f"sw:{i}", "query": sentences[i], "positives": [passage], "negatives": [passage]} for i in range(1, 41)]
    spec = FinetuneSpec(seed=1, **{**block(validated()["grouping"]["evaluation"], ("miracl", "retrieval")), "batch_size": 8})
    settings = {"pooling": "cls", "query_length": 16, "passage_length": 32, "hard_negatives": 1}
    with pytest.raises(Stop):
        finetune_dpr(
            ModelSource(str(tmp_path / "bert")), examples, spec, settings, tmp_path / "checkpoints", "grouping.evaluation.miracl.retrieval"
        )
    arguments = captured["arguments"]
    steps = 40 // 8 * 40  # 5 batches × 40 epochs
    assert arguments.warmup_steps == int(0.1 * steps) and arguments.learning_rate == 1e-5
    assert Trainer.get_optimizer_cls_and_kwargs(arguments)[1]["betas"] == (0.9, 0.99)
