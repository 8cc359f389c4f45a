"""Join codes: drawn without look-alikes, read leniently, each naming its own workspace."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata

from ingest.records import check_workspace

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Join-code letters: no 0/O, 1/I/L look-alikes."""
CODE_LENGTH = 6
CODE_ATTEMPTS = 20


def new_code() -> str:
    """A random join code (6 letters/digits without look-alikes)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    """A typed code in canonical form (upper case, no spaces or dashes); "" when it cannot be a code."""
    text = unicodedata.normalize("NFKC", code or "").upper()
    text = "".join(ch for ch in text if ch not in " -_\t\n")
    if len(text) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in text):
        return ""
    return text


def workspace_for(code: str) -> str:
    """The session's own workspace name: ``ws-<code in lower case>`` (checked)."""
    return check_workspace(f"ws-{code.lower()}")


def hash_key(key: str) -> str:
    """The stored form of a trainer key (SHA-256, hex)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
