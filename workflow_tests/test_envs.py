"""The conda envs in envs/ can't be built here (no conda channels), so they are kept honest against
what is: every pin satisfies pyproject.toml and is the same in every env, and every rule's env holds
every package its script may import: its own imports and, module by module, those of the xlclust
modules it loads, lazy imports inside functions too (less the few in LAZY_ELSEWHERE)."""

import ast
import functools
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest
import tomllib
import yaml
from packaging.requirements import Requirement

from workflow_tests.realdata import REPO

# imports inside functions that no rule loading the module calls unless it needs them (with why)
LAZY_ELSEWHERE = {
    ("xlclust/plots.py", "scipy"),  # the dendrogram: only the language-clustering figure (model env)
    ("xlclust/vocabulary/space.py", "gensim"),  # reading word2vec files: the vocabulary stage (vocabulary env)
    ("xlclust/vocabulary/normalization.py", "tokenizers"),  # the same normalization as tokenizers normalizers: tokenization (model env)
    ("xlclust/pretraining/run.py", "torch_xla"),  # TPU VMs only, where it comes with the TPU image
    ("xlclust/training/runtime.py", "torch_xla"),
}
CONDA_NAMES = {"matplotlib-base": "matplotlib"}  # conda's name -> the PyPI distribution
BUILDS = {"faiss-gpu": "faiss-cpu"}  # another build of the same module: an env holds either
NOT_PACKAGES = {"python", "pip"}


def canonical(name: str) -> str:
    name = re.sub(r"[-_.]+", "-", name).lower()
    return CONDA_NAMES.get(name, name)


def env_pins(path: Path) -> dict[str, str | None]:
    """package -> pinned version (None when the env names it without a version)."""
    pins = {}
    for entry in yaml.safe_load(path.read_text())["dependencies"]:
        for spec in entry["pip"] if isinstance(entry, dict) else [entry]:
            spec = spec.split("#")[0].strip()
            name, _, version = re.split(r"(==|=)", spec, maxsplit=1) if "=" in spec else (spec, "", "")
            if canonical(name) not in NOT_PACKAGES:
                pins[canonical(name)] = version.strip() or None
    return pins


ENVS = {path.name: env_pins(path) for path in sorted((REPO / "envs").glob("*.yaml"))}


def test_every_pin_satisfies_pyproject_and_is_the_same_in_every_env():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = [spec for specs in project["optional-dependencies"].values() for spec in specs]
    required = {canonical(r.name): r.specifier for r in map(Requirement, project["dependencies"] + extras)}
    versions: dict[str, set] = {}
    for env, pins in ENVS.items():
        for name, version in pins.items():
            if version is None:
                continue
            versions.setdefault(name, set()).add(version)
            if name in required:
                assert required[name].contains(version, prereleases=True), f"envs/{env}: {name}=={version} is not {required[name]}"
    assert {name: v for name, v in versions.items() if len(v) > 1} == {}


def rule_envs_and_scripts() -> dict[str, tuple[str, Path]]:
    rules = {}
    for smk in sorted((REPO / "rules").glob("*.smk")):
        for block in re.split(r"\n(?=rule \w+:)", smk.read_text()):
            name = re.match(r"rule (\w+):", block)
            script = re.search(r'script:\s*\n\s*"([^"]+)"', block)
            if name and script:
                conda = re.search(r'conda:\s*\n\s*"([^"]+)"', block)
                assert conda, f"{smk.name}: rule {name.group(1)} runs a script without a conda env"
                rules[name.group(1)] = (Path(conda.group(1)).name, (smk.parent / script.group(1)).resolve())
    return rules


def module_file(name: str) -> Path | None:
    path = REPO / Path(*name.split("."))
    return next((p for p in (path / "__init__.py", path.with_suffix(".py")) if p.is_file()), None)


@functools.cache  # every rule's script reaches the same modules: each is parsed once
def all_imports(path: Path) -> list[tuple[str, list[str]]]:
    """Every absolute import of a module, lazy ones inside functions too: (module, imported names)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


@functools.cache
def module_level_imports(path: Path) -> list[tuple[str, list[str]]]:
    """The imports a module runs when it is loaded (not those inside functions)."""
    found = []

    def visit(body):
        for node in body:
            if isinstance(node, ast.Import):
                found.extend((alias.name, []) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((node.module, [alias.name for alias in node.names]))
            elif isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(node.orelse)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return found


def third_party_imports(script: Path, imports_of=all_imports) -> set[tuple[str, str]]:
    """(file, top-level module) of every third-party import a script may reach through the xlclust
    modules it loads."""
    found, seen, todo = set(), set(), [script]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for module, members in imports_of(path):
            parts = module.split(".")
            if parts[0] == "xlclust":
                candidates = [".".join(parts[:i]) for i in range(1, len(parts) + 1)] + [f"{module}.{m}" for m in members]
                todo += [f for f in map(module_file, candidates) if f]
            elif parts[0] not in sys.stdlib_module_names and parts[0] not in ("snakemake", "workflow_package"):
                found.add((str(path.relative_to(REPO)), parts[0]))
    return found


def packages_needed(script: Path) -> set[str]:
    """The third-party top-level modules a script may import (less the LAZY_ELSEWHERE ones)."""
    return {top for where, top in third_party_imports(script) if (where, top) not in LAZY_ELSEWHERE}


RULES = rule_envs_and_scripts()


@functools.cache
def installed_distributions() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def test_every_script_rule_is_found():
    assert len(RULES) > 40 and {"pretrain", "subword_vocab", "extract_wikipedia"} <= set(RULES)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_a_rules_env_holds_what_its_script_imports(rule):
    env, script = RULES[rule]
    distributions = installed_distributions()
    needed = {canonical(distributions.get(module, [module])[0]) for module in packages_needed(script)}
    held = {BUILDS.get(name, name) for name in ENVS[env]}
    assert needed - held == set(), f"rule {rule} ({script.name}) in envs/{env}"


def cpu_only_rules() -> list[str]:
    blocks = {}
    for smk in sorted((REPO / "rules").glob("*.smk")):
        for block in re.split(r"\n(?=rule \w+:)", smk.read_text()):
            name = re.match(r"rule (\w+):", block)
            if name:
                blocks[name.group(1)] = block
    return sorted(rule for rule in RULES if "gpu=" not in blocks[rule])


@pytest.mark.parametrize("rule", cpu_only_rules())
def test_a_cpu_only_rule_never_loads_torch(rule):
    """torch costs a CPU job ~1.3 s and ~190 MB before it starts; only GPU rules may load it at start."""
    assert "torch" not in {top for _, top in third_party_imports(RULES[rule][1], module_level_imports)}
