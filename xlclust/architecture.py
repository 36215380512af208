"""The package's layer rule, as data: the architecture test (workflow_tests/test_architecture.py)
checks the package's own imports against it, and docs/architecture.md draws it
(``python -m xlclust.architecture docs/architecture.md``).

A unit is a subpackage of xlclust or a top-level module. A unit imports only its own package and
units of lower layers; within a layer, only the foundation's and the top's units import each other.
"""

from __future__ import annotations

# lowest first
LAYERS: list[set[str]] = [
    {  # the foundation: what every stage may use
        "errors",
        "atomic",
        "textfiles",
        "locations",
        "download",
        "runlog",
        "languages",
        "data",
        "plots",
        "search",
        "subsample",
        "tokenmap",
        "models",
        "own_code",
        "settings",
        "search_reference",
        "initialization",
        "devices",
        "architecture",
        "config",
        "pipelines",
    },
    {"corpus"},
    {"wiki"},
    {"vocab"},
    {"align"},
    {"cluster"},
    {"tokenization"},
    {"grouping"},
    {"training"},
    {"pretraining"},
    {"tydiqa", "langclust", "ner", "nli", "retrieval"},
    {"lowres", "tagging", "grouping_eval"},  # build on the tasks: the alignment stage, NER's loaders and metric
    {"workflow_config", "fidelity", "demo"},
]
SHARED_WITHIN = (0, len(LAYERS) - 1)  # the foundation's units, and the top's, may import each other


def layer_of(unit: str) -> int:
    [index] = [i for i, units in enumerate(LAYERS) if unit in units]
    return index
