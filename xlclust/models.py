"""Where a model comes from — a local directory, or a Hub ID read at a pinned revision — and the one
way every stage loads one (config ``models:``, rules/common.smk ``model_source``).

This is the only module that calls transformers' ``from_pretrained``. Whether a model's own code may
run is decided here, from the files, never by a caller or a config flag: a local directory whose
``config.json`` or ``tokenizer_config.json`` has an ``auto_map``, or which holds ``.py`` files, loads
with remote code only after :func:`xlclust.own_code.require_own_code` found nothing but this
workflow's own modules; anything else (a Hub ID, a plain directory) loads with remote code off.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from xlclust.errors import XlclustError
from xlclust.initialization import seeded_init
from xlclust.own_code import require_own_code

CODE_SETTINGS = ("config.json", "tokenizer_config.json")  # where an auto_map names a model's own classes


def _names_classes(settings_file: Path) -> bool:
    if not settings_file.is_file():
        return False
    try:
        settings = json.loads(settings_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise XlclustError(f"{settings_file}: not readable JSON ({error}); rebuild or replace the model directory") from None
    return isinstance(settings, dict) and bool(settings.get("auto_map"))


def carries_code(location: str | os.PathLike) -> bool:
    """Whether ``location`` is a local directory that asks for code of its own."""
    directory = Path(location)
    if not directory.is_dir():
        return False
    return any(directory.rglob("*.py")) or any(_names_classes(directory / name) for name in CODE_SETTINGS)


def remote_code_allowed(location: str | os.PathLike) -> bool:
    """The gate: True only for a local directory whose code is the workflow's own (else it raises);
    False where there is no code to run (a Hub ID loads with remote code off, whatever it holds)."""
    if not carries_code(location):
        return False
    require_own_code(location)
    return True


def _from_pretrained(loader, location: str | os.PathLike, **options):
    """``loader.from_pretrained`` with remote code as the gate decides."""
    trusted = remote_code_allowed(location)
    try:
        return loader.from_pretrained(str(location), trust_remote_code=trusted, **options)
    except ValueError as error:
        if "trust_remote_code" not in str(error):
            raise
        # transformers' own advice (allow remote code) is the one thing not to do
        raise XlclustError(
            f"{location}: this model needs code of its own, which the workflow runs only from directories it wrote "
            "itself (xlclust.own_code); use a model transformers supports without it"
        ) from None


def _local_directory(path: str | os.PathLike) -> Path:
    if not Path(path).is_dir():
        raise XlclustError(f"{path}: no such model directory; rerun the rule that writes it")
    return Path(path)


def load_local_model(path: str | os.PathLike, auto_class, **options):
    """A model from a directory the workflow wrote (a grouped, reduced or trained model), through the gate."""
    return _from_pretrained(auto_class, _local_directory(path), **options)


def load_local_tokenizer(path: str | os.PathLike):
    """A tokenizer from a directory the workflow wrote (its cluster and grouped tokenizers carry their code)."""
    from transformers import AutoTokenizer

    return _from_pretrained(AutoTokenizer, _local_directory(path))


@dataclass(frozen=True)
class ModelSource:
    """Where a model comes from: a local directory, or a Hub ID with a revision."""

    location: str
    revision: str | None = None
    cache_dir: str | None = None

    def identity(self) -> dict:
        """What a run's fingerprint records of the model: where its weights come from, not where
        they are cached (moving the cache must not orphan checkpoints)."""
        return asdict(self) | {"cache_dir": None}

    def _options(self) -> dict:
        return {"revision": self.revision, "cache_dir": self.cache_dir}

    def load_config(self):
        from transformers import AutoConfig

        return _from_pretrained(AutoConfig, self.location, **self._options())

    def load_tokenizer(self):
        from transformers import AutoTokenizer

        return _from_pretrained(AutoTokenizer, self.location, **self._options())

    def load(self, auto_class, seed: int | None = None, **model_options):
        """(tokenizer, model) through ``auto_class`` (``AutoModel``, ``AutoModelForQuestionAnswering``,
        …). Weights the checkpoint lacks (a new task head, a pooler) take the project's own
        initialization from ``seed`` (by default torch's current seed, as ``set_seed`` left it), not
        the library's."""
        import torch

        tokenizer = self.load_tokenizer()
        model, loading = _from_pretrained(auto_class, self.location, output_loading_info=True, **self._options(), **model_options)
        if loading["missing_keys"]:
            seeded_init(model, torch.initial_seed() if seed is None else seed, names=loading["missing_keys"])
        return tokenizer, model
