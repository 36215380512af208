"""Remote code for the workflow's own tokenizers and models only (the gate is :mod:`xlclust.models`).

The workflow's tokenizers carry their Python code (``register_for_auto_class``): copies of
:mod:`xlclust.tokenization.cluster` and :mod:`xlclust.tokenization.grouped`; its dimension-reduced
models a copy of :mod:`xlclust.grouping.reduced`. Before a directory is
loaded with remote code allowed, every code file in it must be a byte-identical copy of one of
those modules, and its ``auto_map`` must point at them: a directory handed over with other code,
or a Hub model, is refused before anything of it runs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from xlclust.errors import XlclustError

PACKAGE = Path(__file__).parent
# the code files the workflow saves beside its tokenizers and models, and where each comes from
OWN_MODULES = {
    "cluster.py": PACKAGE / "tokenization" / "cluster.py",
    "grouped.py": PACKAGE / "tokenization" / "grouped.py",
    "reduced.py": PACKAGE / "grouping" / "reduced.py",
}


def require_own_code(location: str | os.PathLike) -> None:
    directory = Path(location)
    if not directory.is_dir():
        raise XlclustError(
            f"{location}: code is run only from the workflow's own model and tokenizer directories, never from the Hub or another source"
        )
    own = {name: path.read_bytes() for name, path in OWN_MODULES.items()}
    for code in sorted(directory.rglob("*.py")):
        if own.get(code.name) != code.read_bytes() or code.parent != directory:
            raise XlclustError(
                f"{code}: not the workflow's own code ({', '.join(OWN_MODULES)} of this "
                "xlclust); refusing to run it. Rebuild it with this version of the workflow"
            )
    for config_path in (directory / "tokenizer_config.json", directory / "config.json"):
        auto_map = json.loads(config_path.read_text(encoding="utf-8")).get("auto_map", {}) if config_path.exists() else {}
        for classes in auto_map.values():
            for reference in [classes] if isinstance(classes, str) else classes:
                if reference and ("--" in reference or f"{reference.split('.')[0]}.py" not in OWN_MODULES):
                    raise XlclustError(f"{config_path}: auto_map names {reference!r}, not the workflow's own code")
