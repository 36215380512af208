"""Which fine-tuning runs the semantic-grouping evaluation makes ("Tomato, Tomahto, Tomate" App. A,
Table 2, Table 5, Fig. 9), from config ``grouping``; rules/helpers/grouping_eval.smk plans them.

A run is (pipeline, task, training, seed). A *training* is what the model is fine-tuned on:

- ``all``: App. A trains each task on all the training data its data set provides, so one model per
  task and pipeline learns from every language's training data together (MasakhaNER's languages'
  train files, XNLI-MT's translated training sets, MIRACL's training languages, TyDi QA's training
  questions) and is scored on every test language; its scores are ``in_language`` (Table 5). MIRACL's
  evaluation-only languages (de, yo) have no training data; the ``all`` model scores them too, as
  Table 5's MIRACL means are over its 18 languages.
- a language code (the zero-shot source, ``en``): that language's training data alone, scored on
  every test language; ``zero_shot`` except on its own language (Fig. 9).

Only the pipelines of ``grouping.evaluation.zero_shot`` (Fig. 9: the reference and CLSA + SG +
continual pretraining) get the language-code trainings; every other evaluated pipeline gets ``all``.
``grouping.evaluation.tasks_of`` restricts the tasks of the pipelines its templates name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xlclust.config import tydiqa_languages
from xlclust.errors import ConfigError
from xlclust.grouping_eval.scenario import ALL
from xlclust.pipelines import expand_pipelines, parse_pipeline, pipeline_choices

TASKS = ("masakhaner", "xnli", "tydiqa", "miracl_retrieval", "miracl_reranking")
MIRACL_TASKS = ("miracl_retrieval", "miracl_reranking")


def section_name(task: str) -> str:
    """A task's config section under grouping.evaluation (MIRACL's two tasks share ``miracl``)."""
    return "miracl" if task in MIRACL_TASKS else task


def section(evaluation: Mapping[str, Any], task: str) -> Mapping[str, Any]:
    return evaluation[section_name(task)]


def _expanded(grouping: Mapping[str, Any], templates) -> list[str]:
    return expand_pipelines(list(templates), pipeline_choices(grouping))


def reference_pipelines(grouping: Mapping[str, Any]) -> list[str]:
    """``grouping.evaluation.reference`` for each backbone (Table 5's 100 %: mBERT continually
    pretrained with its full vocabulary, Fig. 3's caption)."""
    reference = grouping.get("evaluation", {}).get("reference")
    return _expanded(grouping, [reference]) if reference else []


def evaluated_pipelines(grouping: Mapping[str, Any]) -> list[str]:
    """grouping.evaluation.pipelines (the backbones as they are, Table 5's first row), the reference and
    every pipeline of grouping.pipelines but those grouping.evaluation.exclude leaves unevaluated (the
    reference is always evaluated: the config check refuses excluding it)."""
    evaluation = grouping.get("evaluation", {})
    excluded = set(_expanded(grouping, evaluation.get("exclude", [])))
    references = reference_pipelines(grouping)
    evaluated = [*_expanded(grouping, evaluation.get("pipelines", [])), *references, *_expanded(grouping, grouping.get("pipelines", []))]
    return [pipeline for pipeline in dict.fromkeys(evaluated) if pipeline in references or pipeline not in excluded]


def zero_shot_pipelines(grouping: Mapping[str, Any]) -> set[str]:
    """The pipelines that also get the language-code (zero-shot) trainings (grouping.evaluation.zero_shot)."""
    return set(_expanded(grouping, grouping.get("evaluation", {}).get("zero_shot", [])))


def pipeline_tasks(grouping: Mapping[str, Any], pipeline: str) -> list[str]:
    """The tasks a pipeline is fine-tuned on: grouping.evaluation.tasks, or, where templates of
    grouping.evaluation.tasks_of name the pipeline, the tasks they give (all of them, in the order of
    grouping.evaluation.tasks)."""
    evaluation = grouping.get("evaluation", {})
    tasks, chosen, named = list(evaluation.get("tasks", [])), set(), False
    for template, listed in evaluation.get("tasks_of", {}).items():
        if pipeline in _expanded(grouping, [template]):
            named, chosen = True, chosen | set(listed)
    return [task for task in tasks if task in chosen] if named else tasks


def trainings(grouping: Mapping[str, Any], task: str, pipeline: str, zero_shot: set[str] | None = None) -> list[str]:
    """A pipeline's trainings of a task: the task's ``trainings``, the language codes among them only
    for the pipelines of grouping.evaluation.zero_shot."""
    zero_shot = zero_shot_pipelines(grouping) if zero_shot is None else zero_shot
    listed = section(grouping["evaluation"], task).get("trainings", [ALL])
    return [training for training in listed if training == ALL or pipeline in zero_shot]


def eval_runs(grouping: Mapping[str, Any]) -> list[dict]:
    """Every evaluation run: pipeline, task, train_language (``all`` or a language code), seed."""
    if not grouping.get("backbones"):
        return []
    evaluation, zero_shot = grouping["evaluation"], zero_shot_pipelines(grouping)
    runs = []
    for pipeline in evaluated_pipelines(grouping):
        for task in pipeline_tasks(grouping, pipeline):
            for training in trainings(grouping, task, pipeline, zero_shot):
                runs += [{"pipeline": pipeline, "task": task, "train_language": training, "seed": seed} for seed in evaluation["seeds"]]
    return runs


def training_languages(evaluation: Mapping[str, Any], task: str, training: str, tydiqa_train: list[str] | None = None) -> list[str]:
    """Whose training data a training reads: ``all``, every language with training data (MIRACL's
    training languages, TyDi QA's ``tydiqa_train``); a language code, that language's alone."""
    if training != ALL:
        return [training]
    if task == "tydiqa":
        return list(tydiqa_train or [])
    return list(section(evaluation, task)["languages"])


def scored_languages(evaluation: Mapping[str, Any], task: str, tydiqa_dev: list[str] | None = None) -> list[str]:
    """Every language a run of the task is scored on, whatever it trained on: MasakhaNER's and XNLI's
    languages, MIRACL's training and evaluation-only languages, TyDi QA's dev sets (``tydiqa_dev``)."""
    if task == "tydiqa":
        return list(tydiqa_dev or [])
    spec = section(evaluation, task)
    if task in MIRACL_TASKS:
        return [*spec["languages"], *[lang for lang in spec.get("evaluation_only", []) if lang not in spec["languages"]]]
    return list(spec["languages"])


def tydiqa_train_languages(config: Mapping[str, Any]) -> list[str]:
    """TyDi QA's languages (tydiqa.languages the workflow has) with training questions: all of them
    from the Hub; those ``tydiqa.dataset.files.train`` names from local files (the demo's: English)."""
    dataset = config["tydiqa"]["dataset"]
    languages = tydiqa_languages(config)
    if dataset.get("source") == "files":
        return [lang for lang in languages if lang in (dataset.get("files") or {}).get("train", {})]
    return languages


def check_grouping_eval(config: Mapping[str, Any]) -> None:
    """The config check of the runs: trainings are ``all`` or a language with training data,
    tasks_of names evaluated tasks, the reference is a valid pipeline not excluded, and the zero_shot
    and tasks_of templates expand."""
    grouping = config.get("grouping", {})
    evaluation = grouping.get("evaluation", {})
    if not evaluation:
        return
    tasks = evaluation.get("tasks", [])
    for template, listed in evaluation.get("tasks_of", {}).items():
        unknown = [task for task in listed if task not in tasks]
        if unknown:
            raise ConfigError(
                f"config key 'grouping.evaluation.tasks_of' ({template!r}): {unknown} not in grouping.evaluation.tasks ({', '.join(tasks)})"
            )
        _expanded(grouping, [template])  # names only known template fields
    _expanded(grouping, evaluation.get("zero_shot", []))
    reference = evaluation.get("reference")
    if reference:
        excluded = set(_expanded(grouping, evaluation.get("exclude", [])))
        for path in reference_pipelines(grouping):
            parse_pipeline(path, "config key 'grouping.evaluation.reference'")
            if path in excluded:
                raise ConfigError(f"config key 'grouping.evaluation.exclude': {path!r} is the reference (grouping.evaluation.reference)")
    if grouping.get("backbones") and tasks and not grouping.get("continual", {}).get("languages"):
        for path in evaluated_pipelines(grouping):
            if parse_pipeline(path, "config key 'grouping.evaluation'").step("continual") is not None:
                raise ConfigError(
                    f"config key 'grouping.continual.languages': the evaluated pipeline {path!r} is continually pretrained (cpt), "
                    "which needs the languages of its corpus"
                )
    if not grouping.get("backbones"):
        return  # no evaluation runs: the trainings are never read (a config without the grouping stage)
    for name in ("masakhaner", "xnli", "miracl", "tydiqa"):
        spec = evaluation.get(name, {})
        if name == "tydiqa":
            if "dataset" not in config.get("tydiqa", {}):
                continue
            with_data = tydiqa_train_languages(config)
        else:
            with_data = list(spec.get("languages", []))
        for training in spec.get("trainings", []):
            if training != ALL and training not in with_data:
                raise ConfigError(
                    f"config key 'grouping.evaluation.{name}.trainings': {training!r} is neither 'all' nor a language with "
                    f"training data ({', '.join(with_data) or 'none'})"
                )
