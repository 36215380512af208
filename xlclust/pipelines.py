"""The grammar of semantic-grouping pipelines: the operation chains of "Tomato, Tomahto, Tomate" Fig. 2 and their names.

A pipeline is a backbone followed by operations, written as a path: ``mbert``, ``mbert/kmeans10``,
``xlmr/clsa-all/firstk5``, ``mbert/d128/cpt``. Each operation turns the model directory of the
path before it into its own (``results/grouping/{pipeline}/model``). The operations come in the
paper's order, each at most once: CLSA (``clsa-{pair set}``, §2.2), grouping (``kmeans{r}``,
``firstk{r}``, r_G in percent, §2.1, or ``lexicon{r}``, App. F's bilingual-lexicon grouping:
:mod:`xlclust.grouping.lexicon`), dimension reduction (``d{dim}``, §2.3, always followed by
continual pretraining) and continual pretraining (``cpt``, §2.4).

Config templates expand over the configured choices: ``{backbone}``, ``{grouping}`` (both methods at
every ratio), ``{method}``, ``{ratio}``, ``{dim}`` and ``{pairs}``.
"""

from __future__ import annotations

import itertools
import re
import string
from dataclasses import dataclass

from xlclust.errors import ConfigError

STEP_PATTERNS = {
    "clsa": r"clsa-(?P<pairs>[A-Za-z0-9_]+)",
    "grouping": r"(?P<method>kmeans|firstk|lexicon)(?P<ratio>[0-9]+)",
    "reduction": r"d(?P<dim>[0-9]+)",
    "continual": r"cpt",
}
ORDER = list(STEP_PATTERNS)
# the Snakemake wildcard of a pipeline path
WILDCARD = r"[A-Za-z0-9_]+(?:/(?:" + "|".join(re.sub(r"\(\?P<\w+>", "(?:", p) for p in STEP_PATTERNS.values()) + "))*"


@dataclass(frozen=True)
class Step:
    kind: str
    name: str
    fields: dict


@dataclass(frozen=True)
class Pipeline:
    backbone: str
    steps: tuple[Step, ...]

    def step(self, kind: str) -> Step | None:
        return next((s for s in self.steps if s.kind == kind), None)

    def describe(self) -> dict:
        """The pipeline as table columns: backbone, clsa, method, ratio (percent), dim, continual."""
        grouping, reduction, clsa = self.step("grouping"), self.step("reduction"), self.step("clsa")
        return {
            "backbone": self.backbone,
            "clsa": clsa.fields["pairs"] if clsa else "none",
            "method": grouping.fields["method"] if grouping else "oracle",
            "ratio": int(grouping.fields["ratio"]) if grouping else 100,
            "dim": int(reduction.fields["dim"]) if reduction else None,
            "continual": self.step("continual") is not None,
        }


def parse_pipeline(path: str, where: str = "pipeline") -> Pipeline:
    """The backbone and steps of a pipeline path; refuses unknown steps and the wrong order."""
    backbone, *names = path.split("/")
    steps = []
    for name in names:
        for kind, pattern in STEP_PATTERNS.items():
            match = re.fullmatch(pattern, name)
            if match:
                steps.append(Step(kind, name, match.groupdict()))
                break
        else:
            raise ConfigError(f"{where}: {path!r}: {name!r} is no operation (clsa-PAIRS, kmeansR, firstkR, lexiconR, dDIM, cpt)")
    kinds = [step.kind for step in steps]
    if kinds != sorted(kinds, key=ORDER.index) or len(set(kinds)) != len(kinds):
        raise ConfigError(f"{where}: {path!r}: operations come at most once each, in the order {' → '.join(ORDER)} (Fig. 2)")
    if "reduction" in kinds and "continual" not in kinds:
        raise ConfigError(f"{where}: {path!r}: dimension reduction is always followed by continual pretraining (§2.3): add /cpt")
    return Pipeline(backbone, tuple(steps))


def pipeline_choices(grouping: dict) -> dict[str, list]:
    """What the templates expand over, from config ``grouping``: backbones, both methods, the ratios,
    the reduction's dimensions and the CLSA pair sets."""
    return {
        "backbone": grouping.get("backbones", []),
        "method": ["kmeans", "firstk"],
        "ratio": grouping.get("ratios", []),
        "dim": grouping.get("reduction", {}).get("dims", []),
        "pairs": list(grouping.get("clsa", {}).get("pair_sets", {})),
    }


def expand_pipelines(templates: list[str], choices: dict[str, list]) -> list[str]:
    """Every pipeline path the templates name, in order, without repeats. ``choices``: backbone,
    method, ratio, dim and pairs lists; ``{grouping}`` stands for every method at every ratio."""
    choices = dict(choices)
    choices["grouping"] = [f"{method}{ratio}" for method in choices["method"] for ratio in choices["ratio"]]
    paths = []
    for position, template in enumerate(templates):
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name]
        unknown = sorted(set(fields) - set(choices))
        if unknown:
            raise ConfigError(f"grouping.pipelines[{position}]: {template!r} names {unknown}; known: {sorted(choices)}")
        names = sorted(set(fields))
        for values in itertools.product(*(choices[name] for name in names)):
            paths.append(template.format(**dict(zip(names, values))))
    return list(dict.fromkeys(paths))


def is_backbone(path: str) -> bool:
    """Whether a pipeline path is a backbone alone (no operation)."""
    return "/" not in path


def backbone_of(path: str) -> str:
    return path.split("/")[0]
