"""The grammar of semantic-grouping pipelines: the operation chains of "Tomato, Tomahto, Tomate" Fig. 2 and their names.

A pipeline is a backbone followed by operations, written as a path: ``mbert``, ``mbert/kmeans10``,
``xlmr/clsa-all/firstk5``, ``mbert/d128/clsa-all/kmeans10/cpt``. Each operation turns the model
directory of the path before it into its own (``results/grouping/{pipeline}/model``). The operations
come at most once each, in this order:

1. dimension reduction, ``d{dim}`` (§2.3): the first d dimensions of the input embeddings kept;
2. CLSA, ``clsa-{pair set}`` (§2.2): single-subword translation pairs pulled together;
3. grouping (§2.1), r_G in percent: ``kmeans{r}`` (spherical/cosine k-means, the paper's),
   ``l2kmeans{r}`` (Euclidean k-means on the unnormalised rows, App. E / Fig. 12), ``firstk{r}``
   (the First-k baseline) or ``lexicon{r}`` (App. F's bilingual-lexicon grouping,
   :mod:`xlclust.grouping.lexicon`);
4. continual pretraining, ``cpt`` (§2.4).

Why this order. CLSA precedes grouping: Fig. 4 groups aligned embeddings. Grouping follows
dimension reduction: §4.2 and Fig. 6's caption group embeddings whose dimension was already
reduced (Fig. 5 compares the ratios at d = 768, 128 and 32). Reduction before CLSA is ours (the text
does not say): CLSA trains exactly the rows that grouping then groups, so it works in the reduced
space. Continual pretraining comes once, last: Table 5 has a single "w/ PT?" column, and §2.3
always follows reduction with continual pretraining (so ``d{dim}`` needs a later ``cpt``).

Config templates expand over the configured choices: ``{backbone}`` (grouping.backbones),
``{compared}`` (grouping.compared_backbones, Fig. 7's), ``{grouping}`` (kmeans and First-k at every
ratio), ``{method}``, ``{ratio}``, ``{dim}`` and ``{pairs}``.
"""

from __future__ import annotations

import itertools
import re
import string
from dataclasses import dataclass

from xlclust.errors import ConfigError

# the operations in their only order (see the module's docstring for the reasons)
STEP_PATTERNS = {
    "reduction": r"d(?P<dim>[0-9]+)",
    "clsa": r"clsa-(?P<pairs>[A-Za-z0-9_]+)",
    "grouping": r"(?P<method>l2kmeans|kmeans|firstk|lexicon)(?P<ratio>[0-9]+)",
    "continual": r"cpt",
}
ORDER = list(STEP_PATTERNS)
GROUPING_METHODS = ("kmeans", "l2kmeans", "firstk", "lexicon")
SPELLING = {"reduction": "d{dim}", "clsa": "clsa-{pairs}", "grouping": "grouping", "continual": "cpt"}
ORDER_TEXT = " → ".join(SPELLING[kind] for kind in ORDER)
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
        """The pipeline as table columns: backbone, clsa (pair set or "none"), method ("none" when
        ungrouped), ratio (percent, 100 when ungrouped), dim (None: the full dimension), continual."""
        grouping, reduction, clsa = self.step("grouping"), self.step("reduction"), self.step("clsa")
        return {
            "backbone": self.backbone,
            "clsa": clsa.fields["pairs"] if clsa else "none",
            "method": grouping.fields["method"] if grouping else "none",
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
            raise ConfigError(f"{where}: {path!r}: {name!r} is no operation (dDIM, clsa-PAIRS, kmeansR, l2kmeansR, firstkR, lexiconR, cpt)")
    kinds = [step.kind for step in steps]
    repeated = sorted({kind for kind in kinds if kinds.count(kind) > 1}, key=ORDER.index)
    if repeated:
        raise ConfigError(
            f"{where}: {path!r}: operations come at most once each; {SPELLING[repeated[0]]} comes {kinds.count(repeated[0])} times"
        )
    for before, after in zip(steps, steps[1:]):
        if ORDER.index(before.kind) > ORDER.index(after.kind):
            raise ConfigError(
                f"{where}: {path!r}: {after.name} after {before.name}: operations come in the order {ORDER_TEXT} "
                "(Fig. 2, Fig. 4, §4.2; xlclust/pipelines.py says why)"
            )
    if "reduction" in kinds and "continual" not in kinds:
        raise ConfigError(f"{where}: {path!r}: dimension reduction is always followed by continual pretraining (§2.3): add /cpt")
    return Pipeline(backbone, tuple(steps))


def pipeline_choices(grouping: dict) -> dict[str, list]:
    """What the templates expand over, from config ``grouping``: backbones, Fig. 7's compared
    backbones, the two methods of ``{grouping}`` (k-means and First-k, Fig. 3), the ratios, the
    reduction's dimensions and the CLSA pair sets."""
    return {
        "backbone": grouping.get("backbones", []),
        "compared": grouping.get("compared_backbones", []),
        "method": ["kmeans", "firstk"],
        "ratio": grouping.get("ratios", []),
        "dim": grouping.get("reduction", {}).get("dims", []),
        "pairs": list(grouping.get("clsa", {}).get("pair_sets", {})),
    }


def expand_pipelines(templates: list[str], choices: dict[str, list]) -> list[str]:
    """Every pipeline path the templates name, in order, without repeats. ``choices``: backbone,
    compared, method, ratio, dim and pairs lists; ``{grouping}`` stands for every method at every ratio."""
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
