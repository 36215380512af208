"""Per-language linear layers over a frozen LM (Hangya et al. 2022 §3.2): one d×d map per language,
no bias, initialised to the identity plus U(0, noise) — as the public code's ``LinearEye`` — so that
training starts from the LM's own space. Saved as safetensors, applied in torch (training) or numpy
(mining, retrieval)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from xlclust.errors import XlclustError

WEIGHTS = "layers.safetensors"
DESCRIPTION = "layers.json"


def build_layers(languages: list[str], dim: int, noise: float, bias: bool, seed: int):
    """A ``torch.nn.ModuleDict`` language → ``Linear(dim, dim)`` at identity + U(0, noise)."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    layers = torch.nn.ModuleDict()
    for lang in languages:
        layer = torch.nn.Linear(dim, dim, bias=bias)
        with torch.no_grad():
            layer.weight.copy_(torch.eye(dim) + noise * torch.rand(dim, dim, generator=generator))
            if bias:
                layer.bias.copy_(noise * torch.rand(dim, generator=generator))
        layers[lang] = layer
    return layers


class LayerMaps:
    """The trained maps as numpy: ``apply(lang, vectors)`` = vectors·Wᵀ (+ b); identity for a
    language without a map (the pivot of a one-sided mapping, or the LM as it is)."""

    def __init__(self, weights: dict[str, np.ndarray], biases: dict[str, np.ndarray] | None = None):
        self.weights, self.biases = weights, biases or {}

    @classmethod
    def identity(cls) -> LayerMaps:
        return cls({})

    @classmethod
    def from_module(cls, layers) -> LayerMaps:
        weights = {lang: layer.weight.detach().cpu().numpy().copy() for lang, layer in layers.items()}
        biases = {lang: layer.bias.detach().cpu().numpy().copy() for lang, layer in layers.items() if layer.bias is not None}
        return cls(weights, biases)

    def apply(self, lang: str, vectors: np.ndarray) -> np.ndarray:
        if lang not in self.weights:
            return vectors
        mapped = vectors @ self.weights[lang].T
        return mapped + self.biases[lang] if lang in self.biases else mapped

    def save(self, directory: str | os.PathLike, description: dict) -> None:
        from safetensors.numpy import save_file

        tensors = {f"{lang}.weight": np.ascontiguousarray(w, np.float32) for lang, w in self.weights.items()}
        tensors |= {f"{lang}.bias": np.ascontiguousarray(b, np.float32) for lang, b in self.biases.items()}
        directory = Path(directory)
        save_file(tensors, directory / WEIGHTS)
        (directory / DESCRIPTION).write_text(json.dumps(description, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: str | os.PathLike) -> LayerMaps:
        """Layers a job of this workflow wrote (safetensors: tensors only, nothing that runs)."""
        from safetensors.numpy import load_file

        path = Path(directory) / WEIGHTS
        if not path.is_file():
            raise XlclustError(f"{path}: no alignment layers here")
        tensors = load_file(path)
        weights = {name.removesuffix(".weight"): t for name, t in tensors.items() if name.endswith(".weight")}
        biases = {name.removesuffix(".bias"): t for name, t in tensors.items() if name.endswith(".bias")}
        return cls(weights, biases)
