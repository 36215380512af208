"""The docs cannot drift from the workflow: every rule file and every rule is named in the README or a
page of docs/, and every rule a rules table names is a rule; every config key a settings table names is
a key; every relative link leads to a file; the README stays short; the rule graph has every rule; the
layer list of docs/architecture.md is what xlclust/architecture.py gives; the `snakemake …` commands of
docs/ keep their targets."""

import json
import re
import shlex
import subprocess
import sys

import pytest

from workflow_tests import commands
from workflow_tests.realdata import REPO
from xlclust.architecture import with_layers
from xlclust.rulegraph import LEFT_OUT

README = REPO / "README.md"
PAGES = [README, *sorted((REPO / "docs").glob("*.md"))]
CONFIGS = ([], ["--configfile", "demo/config.yaml"])  # the paper config, the demo's over it
RULEGRAPH = REPO / "docs" / "rulegraph.dot"
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def prose(text: str) -> str:
    """The text without its fenced code blocks."""
    return FENCE.sub("", text)


def backticked(text: str) -> set[str]:
    return set(re.findall(r"`([^`\n]+)`", text))


@pytest.fixture(scope="module")
def listed_rules() -> set[str]:
    """Every rule of `snakemake --list-rules`, run from the repository root, under both configs."""
    rules = set()
    # both configs at once: each is a Snakemake process of seconds, mostly its imports
    listings = [
        subprocess.Popen(
            [sys.executable, "-m", "snakemake", "--list-rules", *extra], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for extra in CONFIGS
    ]
    for listing in listings:
        stdout, stderr = listing.communicate(timeout=300)
        assert listing.returncode == 0, stderr[-3000:]
        rules |= {line.strip() for line in stdout.splitlines() if re.fullmatch(r"\w+", line.strip())}
    assert len(rules) > 50, rules
    return rules


def table_column(text: str, header: str) -> list[str]:
    """The first cells of the rows of every table whose header row begins with ``header``."""
    cells, inside = [], False
    for line in text.splitlines():
        if line.startswith(header):
            inside = True
        elif inside and line.startswith("|"):
            if not line.startswith("|---"):
                cells.append(line.split("|")[1])
        else:
            inside = False
    return cells


def test_every_rule_file_is_named_in_the_docs():
    named = set().union(*(backticked(page.read_text(encoding="utf-8")) for page in PAGES))
    files = {path.relative_to(REPO).as_posix() for path in [*(REPO / "rules").glob("*.smk"), *(REPO / "rules" / "helpers").glob("*.smk")]}
    assert len(files) > 20
    assert sorted(files - named) == []


def test_every_rule_is_named_in_the_docs(listed_rules):
    named = set().union(*(backticked(page.read_text(encoding="utf-8")) for page in PAGES))
    assert sorted(listed_rules - named) == []


def test_every_rule_a_rules_table_names_is_a_rule(listed_rules):
    """A renamed or removed rule leaves no row behind."""
    tabled = {
        (page.name, name)
        for page in PAGES
        for cell in table_column(page.read_text(encoding="utf-8"), "| rule |")
        for name in backticked(cell)
    }
    assert len(tabled) > 80
    assert sorted((page, name) for page, name in tabled if name not in listed_rules) == []


def config_key_exists(config: dict, key: str) -> bool:
    """Whether a documented key is in the config: ``{lang}`` stands for any entry, ``{a,b}`` for each
    of them, ``*`` for the section's keys."""
    nodes = [config]
    for part in key.split("."):
        found = []
        for node in nodes:
            if not isinstance(node, dict):
                continue
            if part == "*" or re.fullmatch(r"\{\w+\}", part):
                found += list(node.values()) or [{}]
            elif re.fullmatch(r"\{[\w,]+\}", part):
                names = part[1:-1].split(",")
                if not all(name in node for name in names):
                    return False
                found += [node[name] for name in names]
            elif part in node:
                found.append(node[part])
        if not found:
            return False
        nodes = found
    return True


def test_every_key_a_settings_table_names_is_a_config_key():
    """A key in the first column of a settings table (``.name``: a sibling of the key before it) is in
    the config a run gets: config.yaml with the schema's defaults."""
    from xlclust.fidelity import default_config

    config = default_config()
    missing, documented = [], 0
    for page in PAGES:
        for cell in table_column(page.read_text(encoding="utf-8"), "| key |"):
            previous = None
            for key in re.findall(r"`([^`\n]+)`", cell):  # in order: a `.name` follows its sibling
                if key.startswith("."):
                    key = previous.rpartition(".")[0] + key
                else:
                    previous = key
                documented += 1
                if not config_key_exists(config, key):
                    missing.append(f"{page.name}: {key}")
    assert documented > 50
    assert missing == []


def test_the_key_lookup_catches_a_key_that_is_not_there():
    config = {"a": {"b": 1, "c": {"x": {"d": 2}}}, "e": {}}
    assert config_key_exists(config, "a.b") and config_key_exists(config, "a.c.{lang}.d") and config_key_exists(config, "a.*")
    assert config_key_exists(config, "a.{b,c}") and config_key_exists(config, "e.{lang}")
    assert not config_key_exists(config, "a.z") and not config_key_exists(config, "a.{b,z}") and not config_key_exists(config, "a.b.c")


def test_every_relative_link_leads_to_a_file():
    broken = []
    for page in PAGES:
        for target in re.findall(r"\]\(([^)\s]+)\)", prose(page.read_text(encoding="utf-8"))):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue  # a URL or an anchor on the page
            if not (page.parent / target.split("#", 1)[0]).exists():
                broken.append(f"{page.relative_to(REPO)}: {target}")
    assert broken == []


def test_the_readme_links_every_page_of_the_docs():
    linked = set(re.findall(r"\]\((docs/[^)#\s]+)", README.read_text(encoding="utf-8")))
    pages = {path.relative_to(REPO).as_posix() for path in (REPO / "docs").iterdir() if path.suffix in (".md", ".dot")}
    assert sorted(pages - linked) == []


def test_the_readme_is_short():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 250


def graph_rules(text: str) -> tuple[set[str], set[tuple[str, str]]]:
    nodes = set(re.findall(r'^\s+"(\w+)"(?: \[[^\]]*\])?;$', text, re.M))
    edges = set(re.findall(r'^\s+"(\w+)" -> "(\w+)"', text, re.M))
    return nodes, edges


def test_the_rule_graph_has_every_rule(listed_rules):
    """docs/rulegraph.dot draws every rule but `all` (the default target: it would point from nearly
    every last step), and its edges join drawn rules."""
    nodes, edges = graph_rules(RULEGRAPH.read_text(encoding="utf-8"))
    assert LEFT_OUT == {"all"}
    assert sorted(nodes) == sorted(listed_rules - LEFT_OUT), "regenerate it: python -m xlclust.rulegraph docs/rulegraph.dot"
    assert {rule for edge in edges for rule in edge} <= nodes and len(edges) > len(nodes)
    assert ("ner_groups", "train_ner") in edges and ("train_ner", "wikiann_ner_scores") in edges  # what the checkpoint adds


@pytest.mark.workflow
def test_the_rule_graph_is_what_the_generator_writes_now():
    from xlclust.rulegraph import rulegraph

    assert RULEGRAPH.read_text(encoding="utf-8") == rulegraph(), "regenerate it: python -m xlclust.rulegraph docs/rulegraph.dot"


def test_the_layer_list_is_what_the_generator_writes_now():
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert with_layers(page) == page, "regenerate it: python -m xlclust.architecture docs/architecture.md"


def test_the_layer_list_names_every_unit_with_its_docstring():
    from xlclust.architecture import LAYERS, layer_table, summary

    table = layer_table()
    for units in LAYERS:
        for unit in units:
            assert summary(unit), f"xlclust/{unit}: no docstring to list"
            assert f"`{unit}/`" in table or f"`{unit}.py`" in table
    assert table.index("layer 0") > table.index(f"layer {len(LAYERS) - 1}")  # top first


PARSE_ALL = """
import json, sys
from snakemake.cli import parse_args
for line in sys.stdin:
    try:
        _, args = parse_args(json.loads(line))
        print(json.dumps(sorted(args.targets)))
    except SystemExit as exit:
        print(json.dumps({"exit": str(exit)}))
"""


def test_the_docs_commands_keep_their_targets(monkeypatch):
    """As workflow_tests/test_workflow_commands.py checks the README's: no option that takes several
    values (--configfile, --forcerun, --until) swallows a target (Snakemake parses them all in one process)."""
    monkeypatch.setattr(commands, "DOCUMENTED", [page.relative_to(REPO).as_posix() for page in PAGES[1:]])
    documented = commands.documented_commands()
    assert len(documented) >= 10
    lines = "".join(json.dumps(shlex.split(command)[1:]) + "\n" for _, command in documented)
    result = subprocess.run([sys.executable, "-c", PARSE_ALL], input=lines, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    parsed = [json.loads(line) for line in result.stdout.splitlines() if line.startswith(("[", "{"))]
    assert len(parsed) == len(documented), result.stdout[-3000:]
    for (where, command), targets in zip(documented, parsed, strict=True):
        named = sorted(word for word in shlex.split(command) if commands.TARGET.match(word))
        assert targets == named, f"{where}: `{command}`"
