"""The paper config (config.yaml) as the tests change it: ``validated(section__key=value)`` sets one
key (``__`` between the levels) on a copy and validates it as the Snakefile does."""

import copy

import yaml

from workflow_tests.realdata import REPO
from xlclust.workflow_config import validate_workflow_config

SCHEMA = REPO / "schemas" / "config.schema.yaml"
PAPER = yaml.safe_load((REPO / "config.yaml").read_text())


def validated(**changes):
    config = copy.deepcopy(PAPER)
    for dotted, value in changes.items():
        node = config
        *parents, last = dotted.split("__")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return validate_workflow_config(config, SCHEMA)
