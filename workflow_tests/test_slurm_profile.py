"""The SLURM profile (slurm/config.yaml) sends every rule that asks for a GPU to the GPU partition, and
names no rule the workflow does not have."""

import re

import yaml

from workflow_tests.realdata import REPO


def rule_blocks() -> dict[str, str]:
    """Each rule's text, by name, from every rule file."""
    blocks = {}
    for path in sorted((REPO / "rules").glob("*.smk")):
        parts = re.split(r"^(?:local)?(?:rule|checkpoint) (\w+):\n", path.read_text(encoding="utf-8"), flags=re.M)
        blocks |= dict(zip(parts[1::2], parts[2::2]))
    return blocks


def test_every_gpu_rule_has_the_gpu_partition_and_every_entry_is_a_rule():
    rules = rule_blocks()
    # translation_graph asks for one only under search.device: gpu (search_gpus()), a choice the
    # profile cannot see: its partition is then the user's to set (docs/cluster.md)
    asks_for_a_gpu = {name for name, text in rules.items() if re.search(r"^\s+gpu=(?!search_gpus\(\))", text, re.M)}
    profile = yaml.safe_load((REPO / "slurm" / "config.yaml").read_text(encoding="utf-8"))["set-resources"]
    on_gpus = {name for name, resources in profile.items() if resources.get("gpu")}
    assert asks_for_a_gpu and asks_for_a_gpu == on_gpus, (sorted(asks_for_a_gpu - on_gpus), sorted(on_gpus - asks_for_a_gpu))
    assert set(profile) <= set(rules)
