"""The workflow's config validation: the schema with its defaults, the workflow-wide checks
(:mod:`xlclust.config`), then each stage's checks of its own section, in the order the stages build
on each other. A stage registers its checks here by adding its ``config_checks`` function to
``STAGE_CHECKS`` (docs/architecture.md, adding a stage)."""

from __future__ import annotations

from pathlib import Path

from xlclust.config import validate_config
from xlclust.grouping.config_checks import check_grouping
from xlclust.grouping_eval.runs import check_grouping_eval
from xlclust.langclust.config_checks import check_langclust
from xlclust.lowres.config_checks import check_lowres
from xlclust.ner.config_checks import check_ner
from xlclust.pretraining.config_checks import check_pretraining
from xlclust.tagging.config_checks import check_tagging
from xlclust.tydiqa.config_checks import check_tydiqa

STAGE_CHECKS = (
    check_grouping,
    check_grouping_eval,
    check_pretraining,
    check_tydiqa,
    check_langclust,
    check_ner,
    check_lowres,
    check_tagging,
)


def validate_workflow_config(config: dict, schema_path: str | Path) -> dict:
    """Validate ``config`` in place (defaults filled in) with every stage's checks; raises
    ConfigError naming the first offending key."""
    return validate_config(config, schema_path, STAGE_CHECKS)
