"""Where a model comes from — a local directory, or a Hub ID read at a pinned revision — and the one
way every stage loads one (config ``models:``, rules/common.smk ``model_source``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from xlclust.initialization import seeded_init
from xlclust.own_code import require_own_code


@dataclass(frozen=True)
class ModelSource:
    """Where a model comes from: a local directory, or a Hub ID with a revision."""

    location: str
    revision: str | None = None
    trust_remote_code: bool = False  # the workflow's own tokenizers and reduced models carry their code
    cache_dir: str | None = None

    def identity(self) -> dict:
        """What a run's fingerprint records of the model: where its weights come from, not where
        they are cached (moving the cache must not orphan checkpoints)."""
        return asdict(self) | {"cache_dir": None}

    def load_tokenizer(self):
        from transformers import AutoTokenizer

        if self.trust_remote_code:
            require_own_code(self.location)
        return AutoTokenizer.from_pretrained(
            self.location, trust_remote_code=self.trust_remote_code, revision=self.revision, cache_dir=self.cache_dir
        )

    def load(self, auto_class, seed: int | None = None, **model_options):
        """(tokenizer, model) through ``auto_class`` (``AutoModel``, ``AutoModelForQuestionAnswering``,
        …). Weights the checkpoint lacks (a new task head, a pooler) take the project's own
        initialization from ``seed`` (by default torch's current seed, as ``set_seed`` left it), not
        the library's."""
        import torch

        options = {"revision": self.revision, "cache_dir": self.cache_dir}
        tokenizer = self.load_tokenizer()
        model, loading = auto_class.from_pretrained(
            self.location, trust_remote_code=self.trust_remote_code, output_loading_info=True, **options, **model_options
        )
        if loading["missing_keys"]:
            seeded_init(model, torch.initial_seed() if seed is None else seed, names=loading["missing_keys"])
        return tokenizer, model
