"""The workshop pack's files: copied into the session's folder under safe, distinct names."""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Sequence
from pathlib import Path

PACK_SUFFIXES = (".pdf", ".docx", ".md", ".markdown", ".txt", ".html", ".htm")


def source_name(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def safe_name(name: str) -> str:
    """A file name with only letters (Thai too), digits and ``-_.``; never empty or hidden."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = "".join(ch if ch in "-_." or unicodedata.category(ch)[0] in "LMN" else "_" for ch in stem)
    stem = "_".join(part for part in stem.split("_") if part).strip("._-")[:80] or "pack"
    suffix = "".join(ch for ch in suffix.lower() if ch.isalnum())[:10]
    return f"{stem}.{suffix}" if suffix else stem


def copy_into(files: Sequence[Path], folder: Path, names: Sequence[str] | None = None) -> list[Path]:
    """Copy files into ``folder`` under safe, distinct names; returns the copies."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    for i, src in enumerate(files):
        name = safe_name(names[i] if names else src.name)
        stem, suffix = Path(name).stem, Path(name).suffix
        n = 1
        while (folder / name).exists():
            n += 1
            name = f"{stem}-{n}{suffix}"
        target = folder / name
        shutil.copyfile(src, target)
        out.append(target)
    return out
