"""Every rule of the workflow and how their files connect, as a Graphviz graph (docs/rulegraph.dot).

    python -m xlclust.rulegraph docs/rulegraph.dot

``snakemake --rulegraph`` draws only the rules a target needs under one config, and nothing of the jobs
a checkpoint adds once it has run. This graph has every rule but ``all`` (the default target, which
gathers the results: drawn, it would point from nearly every last step), each in the box of its rule
file, and an edge from a rule to another wherever the first's output is among the second's input,
from three sources, under the paper config (``config.yaml``) and the demo's (``demo/config.yaml``):

1. The jobs of ``all``: Snakemake's own DAG of each config, as if no checkpoint had run yet (so
   the graph does not depend on what a working directory holds), every job's dependencies.
2. What a checkpoint adds: an input function that calls ``checkpoints.<name>.get(`` (itself or through
   the workflow's helper functions) waits for that checkpoint (a dashed edge); what it then asks for
   is read from its source: the path templates it writes (``f"results/ner/{g.scheme}/..."``), matched
   against every rule's output patterns, and its calls that need no wildcard and no checkpoint
   (``model_files(NER["model"])``), evaluated.
3. Rules neither DAG reaches (say a pipeline step no config names): the inputs of one job of each
   (the first wildcard values, of those seen in the DAGs' jobs or the literal choices of a wildcard's
   constraint, for which its input functions name files), and the jobs of the other rules that would
   read their outputs, a DAG job's wildcards with one changed at a time; both resolved by Snakemake's
   own input functions and output patterns. An edge only another config would make is not drawn.

The output is sorted, so that a rerun on an unchanged workflow writes the same bytes
(workflow_tests/test_docs.py compares its rules with ``snakemake --list-rules``).
"""

from __future__ import annotations

import ast
import contextlib
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from xlclust.atomic import write_text_atomic

ROOT = Path(__file__).resolve().parent.parent
CONFIGS: tuple[tuple[str, ...], ...] = ((), ("demo/config.yaml",))  # the paper config; the demo's over it
LEFT_OUT = {"all"}
LITERAL_CHOICES = re.compile(r"[\w.-]+(\|[\w.-]+)*")
PATH_TEMPLATE = re.compile(r"[\w.-]+/\S*")  # a path under a literal directory, no spaces


@contextlib.contextmanager
def no_checkpoint_has_run() -> Iterator[None]:
    """Every ``checkpoints.<name>.get()`` as before a first run: incomplete, whatever results/ holds."""
    from snakemake.checkpoints import Checkpoint
    from snakemake.exceptions import IncompleteCheckpointException
    from snakemake.io import checkpoint_target

    def incomplete(self, **wildcards):
        output, _ = self.rule.expand_output(wildcards)
        raise IncompleteCheckpointException(self.rule, checkpoint_target(output[0]))

    original = Checkpoint.get
    Checkpoint.get = incomplete
    try:
        yield
    finally:
        Checkpoint.get = original


@contextlib.contextmanager
def loaded_workflow(configfiles: Iterable[str], root: Path = ROOT):
    """The workflow (snakemake.workflow.Workflow) of ``root``'s Snakefile under ``configfiles``, quiet."""
    from snakemake.api import SnakemakeApi
    from snakemake.settings.enums import Quietness
    from snakemake.settings.types import ConfigSettings, DAGSettings, OutputSettings, ResourceSettings

    with SnakemakeApi(OutputSettings(quiet={Quietness.ALL})) as api:
        workflow_api = api.workflow(
            resource_settings=ResourceSettings(),
            config_settings=ConfigSettings(configfiles=[root / name for name in configfiles]),
            snakefile=root / "Snakefile",
            workdir=root,
        )
        workflow_api.dag(DAGSettings(targets={"all"}))  # sets the DAG settings a DAG is built with
        yield workflow_api._workflow


def dag_edges(workflow) -> tuple[set[tuple[str, str]], dict[str, list[dict[str, str]]]]:
    """(producing rule, consuming rule) of every dependency among the jobs of ``all``, and each rule's
    jobs' wildcards."""
    workflow._prepare_dag(forceall=True, ignore_incomplete=True, lock_warn_only=True, nolock=True)
    workflow._build_dag()
    edges, jobs = set(), defaultdict(list)
    for job in workflow.dag.jobs:
        jobs[job.rule.name].append(dict(job.wildcards_dict))
        edges |= {(dependency.rule.name, job.rule.name) for dependency in workflow.dag._dependencies[job]}
    return edges, {rule: sorted(found, key=lambda w: sorted(w.items())) for rule, found in jobs.items()}


def callables(rule) -> list:
    """The functions among a rule's inputs (input functions, ``unpack(...)``)."""
    found = []
    for item in rule.input:
        function = getattr(item, "_file", item)  # an IOFile's function, or its flagged string's
        function = getattr(function, "callable", None) or function
        if getattr(function, "__code__", None) is not None:
            found.append(function)
    return found


class Sources:
    """The workflow's files as Python (Snakemake's own translation of each included file), so that an
    input function's source can be read: the function, and every workflow function it names."""

    def __init__(self, workflow):
        from snakemake.parser import parse

        self.globals = workflow.globals
        self.trees: dict[str, ast.Module] = {}
        for source in workflow.included:
            path = source.get_path_or_uri(secret_free=True)
            code, _ = parse(source, workflow, linemap={})
            self.trees[str(Path(path).resolve())] = ast.parse(code)

    def nodes_of(self, function) -> list[ast.AST]:
        """The function's definition (a ``def`` or the lambdas on its first line)."""
        code = getattr(function, "__code__", None)
        tree = self.trees.get(str(Path(code.co_filename).resolve())) if code else None
        if tree is None:
            return []
        if code.co_name == "<lambda>":
            return [node for node in ast.walk(tree) if isinstance(node, ast.Lambda) and node.lineno == code.co_firstlineno]
        defined = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == code.co_name]
        return [node for node in defined if code.co_firstlineno in (node.lineno, *(d.lineno for d in node.decorator_list))] or defined

    def reached(self, function) -> list[ast.AST]:
        """The function's definition and those of every workflow function it names, transitively."""
        seen, todo, nodes = set(), [function], []
        while todo:
            current = todo.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            for node in self.nodes_of(current):
                nodes.append(node)
                for name in sorted({n.id for n in ast.walk(node) if isinstance(n, ast.Name)}):
                    value = self.globals.get(name)
                    if callable(value) and getattr(value, "__code__", None) is not None:
                        todo.append(value)
        return nodes


def checkpoints_read(nodes: Iterable[ast.AST]) -> set[str]:
    """The checkpoints whose ``.get(`` the code calls."""
    return {
        node.value.attr
        for tree in nodes
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "get"
        and isinstance(node.value, ast.Attribute)
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id == "checkpoints"
    }


def templates(nodes: Iterable[ast.AST]) -> set[str]:
    """The path templates the code writes (f-strings and strings, a formatted value as ``{}``) that
    begin with a literal directory (``results/...``)."""
    found = set()
    for tree in nodes:
        parts = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                text = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in parts:
                text = node.value
            else:
                continue
            if PATH_TEMPLATE.fullmatch(text):
                found.add(text)
    return found


def free_calls(nodes: Iterable[ast.AST], known: dict) -> list[ast.Call]:
    """The calls whose every name is a workflow global: none of the function's parameters or locals."""
    calls = []
    for tree in nodes:
        local = {arg.arg for arg in ast.walk(tree) if isinstance(arg, ast.arg)}
        local |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                if names and not names & local and names <= known.keys():
                    calls.append(node)
    return calls


def paths_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple | set):
        return [path for item in value for path in paths_in(item)]
    return []


def pattern_regex(pattern: str) -> re.Pattern:
    """A pattern's fields (``{lang}``, ``{}``) as any text, the rest literally."""
    parts = re.split(r"\{[^{}]*\}", pattern)
    return re.compile(".+".join(re.escape(part) for part in parts))


def sample(pattern: str) -> str:
    return re.sub(r"\{[^{}]*\}", "x", pattern)


class Outputs:
    """Which rules write a path, by their output patterns (Snakemake's own matching)."""

    def __init__(self, workflow):
        self.rules = sorted((rule for rule in workflow.rules if rule.name not in LEFT_OUT), key=lambda r: r.name)
        self.cache: dict[str, set[str]] = {}

    def producers(self, path: str) -> set[str]:
        if path not in self.cache:
            self.cache[path] = {rule.name for rule in self.rules if any(out.match(path) for out in rule.output)}
        return self.cache[path]

    def writing(self, template: str) -> set[str]:
        """The rules an output pattern of which may be a path the template writes."""
        from snakemake.io import strip_wildcard_constraints

        wanted, found = pattern_regex(template), set()
        for rule in self.rules:
            for out in rule.output:
                plain = strip_wildcard_constraints(str(out))
                if wanted.fullmatch(sample(plain)) or pattern_regex(plain).fullmatch(sample(template)):
                    found.add(rule.name)
        return found


def checkpoint_edges(workflow, sources: Sources, outputs: Outputs) -> tuple[set, set]:
    """(edges, the dashed ones): what the input functions that wait for a checkpoint read."""
    edges, waits = set(), set()
    for rule in outputs.rules:
        for function in callables(rule):
            nodes = sources.reached(function)
            read = checkpoints_read(nodes)
            if not read:
                continue
            waits |= {(name, rule.name) for name in read}
            for template in templates(nodes):
                edges |= {(producer, rule.name) for producer in outputs.writing(template)}
            for call in free_calls(nodes, workflow.globals):
                try:
                    value = eval(compile(ast.Expression(call), "<rulegraph>", "eval"), workflow.globals)  # the workflow's own code
                except Exception:  # a checkpoint not yet run, or a call meant for other arguments
                    continue
                for path in paths_in(value):
                    edges |= {(producer, rule.name) for producer in outputs.producers(path)}
    return edges | waits, waits


def choices(rule, workflow, seen: dict[str, set[str]]) -> dict[str, list[str]]:
    """The values to try for each wildcard of a rule: those seen in jobs, the literal choices of its
    constraint, or else every seen value its constraint allows."""
    constraints = {**workflow.wildcard_constraints, **rule.wildcard_constraints}
    found = {}
    for name in sorted(rule.wildcard_names):
        constraint = constraints.get(name)
        values = set(seen.get(name, ()))
        if constraint and LITERAL_CHOICES.fullmatch(constraint):
            values |= set(constraint.split("|"))
        if not values:
            pool = {value for values in seen.values() for value in values}
            values = {value for value in pool if not constraint or re.fullmatch(constraint, value)}
        found[name] = sorted(values)
    return found


def variations(base: dict[str, str], options: dict[str, list[str]]) -> Iterator[dict[str, str]]:
    yield base
    for name, values in options.items():
        for value in values:
            if value != base.get(name):
                yield {**base, name: value}


def inputs_of(rule, wildcards: dict[str, str]) -> list[str] | None:
    """The job's input files, by Snakemake's own expansion; None where the rule refuses the values."""
    try:
        files, *_ = rule.expand_input(wildcards)
    except Exception:  # wildcard values this rule does not take
        return None
    return [str(path) for path in files]


def probe_edges(workflow, outputs: Outputs, jobs: dict[str, list[dict]], seen: dict[str, set[str]], unreached: set[str]) -> set:
    """The edges of the rules no DAG reaches: the inputs of one job of each (the first assignment of
    values for which its input functions name files), and which jobs of the other rules, a job of the
    DAG with one wildcard changed, would read their outputs."""
    edges = set()
    for rule in outputs.rules:
        options = choices(rule, workflow, seen)
        if any(not values for values in options.values()):
            continue
        if rule.name in unreached:
            for wildcards in variations({name: values[0] for name, values in options.items()}, options):
                paths = inputs_of(rule, wildcards)
                if paths:
                    edges |= {(producer, rule.name) for path in paths for producer in outputs.producers(path)}
                    break
        elif rule.name in jobs:
            for wildcards in variations(jobs[rule.name][0], options):
                for path in inputs_of(rule, wildcards) or []:
                    edges |= {(producer, rule.name) for producer in outputs.producers(path) & unreached}
    return edges


def rule_files(workflow, root: Path = ROOT) -> dict[str, str]:
    """Each rule's file, relative to the repository."""
    return {rule.name: Path(rule.snakefile).resolve().relative_to(root.resolve()).as_posix() for rule in workflow.rules}


def render(files: dict[str, str], checkpoints: set[str], edges: set[tuple[str, str]], dashed: set[tuple[str, str]]) -> str:
    lines = [
        "// Generated by `python -m xlclust.rulegraph docs/rulegraph.dot` (xlclust/rulegraph.py): every rule but",
        "// `all`, boxed by rule file; an edge where a rule's output is another's input under config.yaml or",
        "// demo/config.yaml; dashed: the rule's input function waits for that checkpoint (doubled outline).",
        "// Render: dot -Tsvg docs/rulegraph.dot -o rulegraph.svg",
        "digraph rulegraph {",
        "    graph [rankdir=LR, fontname=sans, fontsize=11, compound=true];",
        "    node [shape=box, style=rounded, fontname=sans, fontsize=10];",
        "    edge [color=grey40];",
    ]
    by_file = defaultdict(list)
    for rule, file in files.items():
        by_file[file].append(rule)
    for number, file in enumerate(sorted(by_file)):
        lines += [f"    subgraph cluster_{number} {{", f'        label="{file}";', "        color=grey70;"]
        for rule in sorted(by_file[file]):
            lines.append(f'        "{rule}"' + (" [peripheries=2];" if rule in checkpoints else ";"))
        lines.append("    }")
    for producer, consumer in sorted(edges):
        lines.append(f'    "{producer}" -> "{consumer}"' + (" [style=dashed];" if (producer, consumer) in dashed else ";"))
    lines.append("}")
    return "\n".join(lines) + "\n"


def rulegraph(root: Path = ROOT, configs: tuple[tuple[str, ...], ...] = CONFIGS) -> str:
    edges, dashed, jobs_by_config = set(), set(), []
    seen: dict[str, set[str]] = defaultdict(set)
    with no_checkpoint_has_run():
        for configfiles in configs:  # first the jobs of every config: what no DAG reaches is known after
            with loaded_workflow(configfiles, root) as workflow:
                found, jobs = dag_edges(workflow)
                edges |= found
                jobs_by_config.append(jobs)
                for wildcards in (w for rule_jobs in jobs.values() for w in rule_jobs):
                    for name, value in wildcards.items():
                        seen[name].add(value)
        reached = {rule for jobs in jobs_by_config for rule in jobs}
        for configfiles, jobs in zip(configs, jobs_by_config, strict=True):
            with loaded_workflow(configfiles, root) as workflow:
                outputs, sources = Outputs(workflow), Sources(workflow)
                files = {rule: file for rule, file in rule_files(workflow, root).items() if rule not in LEFT_OUT}
                checkpoints = {rule.name for rule in outputs.rules if rule.is_checkpoint}
                added, waits = checkpoint_edges(workflow, sources, outputs)
                edges |= added
                dashed |= waits
                edges |= probe_edges(workflow, outputs, jobs, seen, set(files) - reached)
    edges = {(a, b) for a, b in edges if a not in LEFT_OUT and b not in LEFT_OUT and a != b}
    return render(files, checkpoints, edges, dashed)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m xlclust.rulegraph docs/rulegraph.dot", file=sys.stderr)
        return 2
    target = Path(argv[0]).resolve()
    write_text_atomic(target, rulegraph())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
