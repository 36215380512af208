"""LASER's sentence encoder (Artetxe & Schwenk 2019: BPE embeddings of 320, a 5-layer BiLSTM of 512 per
direction) with every layer's states: torch's stacked ``nn.LSTM`` returns the top layer's only, so
the published weights are run one layer at a time (van der Heijden et al.'s LASER-top uses the top
layer, LASER-elmo a learned mix of all). Checkpoints are read as weights only: LASER's ``.pt`` holds
``params``, ``model`` (the state dict) and ``dictionary`` (BPE symbol → ID), nothing that runs."""

from __future__ import annotations

import io
import os

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from xlclust.errors import XlclustError

PARAMS = ("num_embeddings", "padding_idx", "embed_dim", "hidden_size", "num_layers", "bidirectional")
# what a checkpoint's params may declare (the published encoder: 73,640 BPE symbols, 320, 512, 5 layers):
# a crafted file must not make the encoder's allocation exhaust memory before its weights are compared
BOUNDS = {"num_embeddings": (1, 1_000_000), "embed_dim": (1, 4096), "hidden_size": (1, 4096), "num_layers": (1, 32)}
WEIGHTS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


class LayerwiseLSTM(nn.Module):
    """A stacked (bidirectional) LSTM as one single-layer module per layer, returning every layer's
    states; the weights are the stacked module's, renamed layer by layer."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int, bidirectional: bool = True):
        super().__init__()
        directions = 2 if bidirectional else 1
        self.layers = nn.ModuleList(
            nn.LSTM(input_size if k == 0 else hidden_size * directions, hidden_size, 1, bidirectional=bidirectional, batch_first=True)
            for k in range(num_layers)
        )

    def load_stacked_state(self, state: dict[str, torch.Tensor], prefix: str = "") -> None:
        """Load a stacked ``nn.LSTM``'s state dict (``weight_ih_l{k}``, ``…_reverse``) under ``prefix``."""
        for k, layer in enumerate(self.layers):
            own = {}
            for name in WEIGHTS:
                for suffix in ("", "_reverse") if layer.bidirectional else ("",):
                    key = f"{prefix}{name}_l{k}{suffix}"
                    if key not in state:
                        raise KeyError(key)
                    own[f"{name}_l0{suffix}"] = state[key]
            layer.load_state_dict(own)

    def stacked_state(self, prefix: str = "") -> dict[str, torch.Tensor]:
        """The weights under a stacked ``nn.LSTM``'s names (LASER's checkpoint layout)."""
        return {
            f"{prefix}{name.replace('_l0', f'_l{k}')}": value.detach().clone()
            for k, layer in enumerate(self.layers)
            for name, value in layer.state_dict().items()
        }

    @classmethod
    def from_stacked(cls, lstm: nn.LSTM) -> LayerwiseLSTM:
        layerwise = cls(lstm.input_size, lstm.hidden_size, lstm.num_layers, lstm.bidirectional)
        layerwise.load_stacked_state(lstm.state_dict())
        return layerwise

    def forward(self, inputs: torch.Tensor, lengths: torch.Tensor) -> list[torch.Tensor]:
        """``inputs`` (batch, time, features), right-padded to ``lengths`` → every layer's states
        (batch, time, directions × hidden), zero beyond each row's length."""
        states, layer_input = [], inputs
        for layer in self.layers:
            packed = pack_padded_sequence(layer_input, lengths.cpu(), batch_first=True, enforce_sorted=False)
            output, _ = layer(packed)
            layer_input, _ = pad_packed_sequence(output, batch_first=True, total_length=inputs.shape[1])
            states.append(layer_input)
        return states


class LaserEncoder(nn.Module):
    """LASER's encoder: BPE embeddings and the BiLSTM, every layer's states out."""

    def __init__(self, num_embeddings: int, padding_idx: int, embed_dim: int, hidden_size: int, num_layers: int, bidirectional: bool):
        super().__init__()
        self.padding_idx = padding_idx
        self.embed_tokens = nn.Embedding(num_embeddings, embed_dim, padding_idx=padding_idx)
        self.lstm = LayerwiseLSTM(embed_dim, hidden_size, num_layers, bidirectional)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> list[torch.Tensor]:
        return self.lstm(self.embed_tokens(ids), lengths)


def load_laser(path: str | os.PathLike) -> tuple[LaserEncoder, dict[str, int]]:
    """LASER's encoder and its BPE dictionary from a published checkpoint (``bilstm.93langs.2018-12-26.pt``)."""
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # an unpickling error: the file holds more than weights, or is no checkpoint
        raise XlclustError(f"{path}: not readable as weights only, so not read ({type(error).__name__}: {str(error)[:200]})") from None
    if not isinstance(checkpoint, dict) or not {"params", "model", "dictionary"} <= set(checkpoint):
        found = sorted(checkpoint) if isinstance(checkpoint, dict) else type(checkpoint).__name__
        raise XlclustError(f"{path}: not a LASER encoder checkpoint (expected params, model and dictionary; found {found})")
    params = checkpoint["params"]
    check_params(params, path)
    encoder = LaserEncoder(**{key: params[key] for key in PARAMS})
    model = checkpoint["model"]
    try:
        encoder.embed_tokens.load_state_dict({"weight": model["embed_tokens.weight"]})
        encoder.lstm.load_stacked_state(model, prefix="lstm.")
    except (KeyError, RuntimeError) as error:
        raise XlclustError(f"{path}: the encoder's weights do not fit its params ({error})") from None
    return encoder.eval(), dict(checkpoint["dictionary"])


def check_params(params, path) -> None:
    """Refuse params that are missing, of the wrong type, or beyond :data:`BOUNDS`, before anything is allocated."""
    if not isinstance(params, dict):
        raise XlclustError(f"{path}: the checkpoint's params are a {type(params).__name__}, not a mapping; not a LASER checkpoint")
    missing = [key for key in PARAMS if key not in params]
    if missing:
        raise XlclustError(f"{path}: the checkpoint's params lack {missing}")
    for key, (low, high) in BOUNDS.items():
        value = params[key]
        if type(value) is not int or not low <= value <= high:
            raise XlclustError(f"{path}: the checkpoint's params.{key} is {value!r}, outside {low}..{high}; not a LASER encoder this reads")
    if type(params["padding_idx"]) is not int or not 0 <= params["padding_idx"] < params["num_embeddings"]:
        raise XlclustError(
            f"{path}: the checkpoint's params.padding_idx {params['padding_idx']!r} is not a symbol ID (0..{params['num_embeddings'] - 1})"
        )
    if not isinstance(params["bidirectional"], bool):
        raise XlclustError(f"{path}: the checkpoint's params.bidirectional is {params['bidirectional']!r}, not true or false")


def save_laser(encoder: LaserEncoder, dictionary: dict[str, int], path: str | os.PathLike) -> None:
    """An encoder in LASER's checkpoint layout, which :func:`load_laser` (and LASER's own code) reads."""
    from xlclust.atomic import atomic_path

    first = encoder.lstm.layers[0]
    params = {
        "num_embeddings": encoder.embed_tokens.num_embeddings,
        "padding_idx": encoder.padding_idx,
        "embed_dim": encoder.embed_tokens.embedding_dim,
        "hidden_size": first.hidden_size,
        "num_layers": len(encoder.lstm.layers),
        "bidirectional": first.bidirectional,
    }
    model = {"embed_tokens.weight": encoder.embed_tokens.weight.detach().clone(), **encoder.lstm.stacked_state("lstm.")}
    # saved through a buffer: torch names the archive's folder after the file it writes, and the
    # atomic temporary's random name would make every run's bytes differ
    buffer = io.BytesIO()
    torch.save({"params": params, "model": model, "dictionary": dict(dictionary)}, buffer)
    with atomic_path(path, suffix=".pt") as tmp:
        tmp.write_bytes(buffer.getvalue())


def direction_max(states: torch.Tensor) -> torch.Tensor:
    """Per position, the element-wise max of the forward and backward halves (LASER-top's symbol vector)."""
    forward, backward = states.chunk(2, dim=-1)
    return torch.maximum(forward, backward)


class ScalarMix(nn.Module):
    """ELMo's task-specific mix: softmax-normalized layer weights and a scale γ."""

    def __init__(self, layers: int):
        super().__init__()
        self.weights = nn.Parameter(torch.zeros(layers))
        self.gamma = nn.Parameter(torch.ones(()))

    def forward(self, states: list[torch.Tensor]) -> torch.Tensor:
        shares = torch.softmax(self.weights, dim=0)
        return self.gamma * sum(share * layer for share, layer in zip(shares, states))
