"""The commands users type, as typed, from the root of a fresh clone: every `snakemake …` line of the
README and the config comments plans what it says; a run needs no --cores; a rule reruns alone;
one language's changed setting reruns only that language's jobs and what follows from them."""

import os
import shlex
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from workflow_tests.commands import TARGET, documented_commands, fresh_clone, parsed, planned_jobs, planned_outputs, run_snakemake

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    return fresh_clone(tmp_path_factory.mktemp("clone"))


def test_documented_commands_keep_their_targets(clone):
    """No option that takes several values (--configfile, --forcerun, --until) swallows a target."""
    commands = documented_commands()
    assert len(commands) >= 10
    for where, command in commands:
        named = [word for word in shlex.split(command) if TARGET.match(word)]
        assert sorted(parsed(command, clone)["targets"]) == sorted(named), f"{where}: `{command}`"


def test_documented_commands_plan_what_they_say(clone):
    (clone / "mine.yaml").write_text("sampling: {alpha: 0.5}\n")  # the README's example file
    places = {}  # one plan per command, however many places show it (a plan of the paper's grid takes a while)
    for where, command in documented_commands():
        places.setdefault(command, []).append(where)
    unlock = [command for command in places if "--unlock" in shlex.split(command)]
    for command in unlock:  # plans nothing: it removes a killed run's lock, and says so (first: alone)
        result = run_snakemake(shlex.split(command)[1:], clone)
        assert result.returncode == 0 and "Unlocked working directory" in result.stdout + result.stderr, places[command]
    plans = [(command, ", ".join(wheres)) for command, wheres in places.items() if command not in unlock]
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:  # dry runs side by side: they write nothing
        for future in [pool.submit(check_plan, command, where, clone) for command, where in plans]:
            future.result()


def check_plan(command: str, where: str, clone) -> None:
    """A documented command plans what it names (its targets, rule all where it names none, what it
    forces); a rule graph command draws one."""
    words = shlex.split(command)[1:]
    if "--report" in words:
        return  # needs a finished run: the demo's report command runs in test_workflow_demo
    if "--rulegraph" in words:
        result = run_snakemake(words, clone)
        assert result.returncode == 0 and "digraph" in result.stdout, f"{where}: {result.stderr[-2000:]}"
        return
    args = parsed(command, clone)
    result = run_snakemake([*words, "--dry-run"], clone)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{where}: `{command}`\n{output[-3000:]}"
    rules = {rule for rule, _ in planned_jobs(output)}
    targets = args["targets"] or ["all"]
    for target in targets:
        assert (target in rules) if target == "all" else (target in planned_outputs(output)), f"{where}: {target}"
    assert ("all" in rules) == ("all" in targets), f"{where}: `{command}` plans rule all"
    assert set(args["forcerun"]) <= rules, f"{where}: `{command}`"


def test_a_run_without_cores_uses_every_core_and_one_gpu_job_at_a_time(clone):
    result = run_snakemake(["results/corpus/stats.csv", "--configfile", "demo/config.yaml"], clone)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "workflow specific profile profiles/default" in output
    assert f"Provided cores: {os.cpu_count()}" in output and "gpu_jobs=" in output
    assert (clone / "results/corpus/stats.csv").stat().st_size > 0


def dry_run(workdir, *extra):
    """The jobs `snakemake all --configfile demo/config.yaml EXTRA --dry-run` plans (a later
    --configfile in EXTRA replaces the demo's: name it again there)."""
    if "--configfile" not in extra:
        extra = ("--configfile", "demo/config.yaml", *extra)
    result = run_snakemake(["all", *extra, "--dry-run"], workdir)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return planned_jobs(result.stdout) - {("all", "")}


def test_forcerun_reruns_one_rule_and_what_depends_on_it(demo_runs):
    finished = demo_runs[0]
    assert dry_run(finished) == set()
    result = run_snakemake(
        ["results/bli_scores.csv", "--forcerun", "evaluate_bli", "--configfile", "demo/config.yaml", "--dry-run"], finished
    )
    assert planned_jobs(result.stdout) == {("evaluate_bli", "")}, result.stdout[-3000:]
    # under `all`, what follows from the BLI scores (the report figure, the demo's headline figures, the papers'
    # comparison, which sets ICEBERT §2.2's BLI beside them) and nothing else
    assert {rule for rule, _ in dry_run(finished, "--forcerun", "evaluate_bli")} == {"evaluate_bli", "demo_figures", "paper_comparison"}


@pytest.mark.parametrize(
    "change, changed_rule, changed_output",
    [
        ({"vocabulary": {"source": {"qcy": "bpemb"}}}, "subword_vocab", "results/vocab/qcy/pieces.parquet"),
        (
            {"wikipedia": {"disambiguation_templates": {"qgr": ["disambiguation", "dab"]}}},
            "extract_wikipedia",
            "results/corpus/qgr/parts/0.parquet",
        ),
        ({"dictionaries": {"qgr": {"train_words": 350}}}, "seed_dictionary", "results/dictionaries/qgr/train.tsv"),
    ],
)
def test_one_languages_change_plans_only_its_jobs_and_their_descendants(demo_runs, tmp_path, change, changed_rule, changed_output):
    """A changed setting of one language plans that language's jobs of the rule that reads it, and
    exactly what forcing those jobs plans (their descendants), nothing else."""
    finished = demo_runs[0]
    (tmp_path / "change.yaml").write_text(yaml.safe_dump(change))
    planned = dry_run(finished, "--configfile", "demo/config.yaml", str(tmp_path / "change.yaml"))
    language = changed_output.split("/")[2]
    changed_jobs = {wildcards for rule, wildcards in planned if rule == changed_rule}
    assert changed_jobs and all(f"lang={language}" in wildcards for wildcards in changed_jobs), planned
    assert planned == dry_run(finished, "--forcerun", changed_output)
