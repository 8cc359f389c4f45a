"""Offline OCR of scanned PDF pages with Tesseract, through the same Thai repair and health gate.

Usage:
    >>> options = OcrOptions(mode=OcrMode.AUTO, langs="tha+eng", cache_dir=Path("data/cache/ocr"))
    >>> summary = apply_ocr(doc, Path("scan.pdf"), options)
    >>> summary.ocred, summary.still_unreadable
    ([1, 2, 3, 4], {})

Which pages are read: in ``auto`` mode only the pages the health gate flags (image-only pages,
text layers that are garbage or in the wrong script); a good text layer is never replaced. In
``force`` mode every page is read, and the OCR text replaces a text layer only when it passes the
gate and scores at least as well. ``off`` reads nothing.

Each page is rendered at ``dpi`` (pypdfium2, grey), handed to the ``tesseract`` binary on stdin
with a per-page timeout, and its text is cached by a hash of the rendered pixels, so a re-ingest
(or the same page in another file) is not read again. Pages run in parallel, one single-threaded
Tesseract per worker (``threads``; 0 = one per core), which is faster on 2 cores than one
multi-threaded Tesseract. Without the binary or its language data nothing fails: the flagged
pages keep their reason, with "needs OCR (Tesseract not installed)" added.

Nothing here touches the index, so a run killed mid-OCR leaves nothing half-indexed; cache files
are written atomically.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from pathlib import Path

from ingest import thai
from ingest.records import Language, LoadedDocument, Page, parse_choice

log = logging.getLogger(__name__)

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-tha"
NOT_INSTALLED = "Tesseract not installed"
"""What a flagged page says when the engine is missing: "needs OCR (Tesseract not installed: …)"."""
PREPROCESS_VERSION = "2"
"""Part of every cache key: raised when rendering or preprocessing changes what Tesseract sees."""

# progress(pages done, pages to read, what is being read)
OcrProgress = Callable[[int, int, str], None]

_PDFIUM_LOCK = threading.Lock()  # PDFium is not thread-safe: one render at a time in this process


class OcrMode(StrEnum):
    """When scanned pages are read: ``auto`` (flagged pages only), ``off`` or ``force`` (every page)."""

    AUTO = "auto"
    OFF = "off"
    FORCE = "force"

    @classmethod
    def parse(cls, value: str | OcrMode) -> OcrMode:
        """Turn user input into an OcrMode, or fail naming the allowed values."""
        return parse_choice(cls, value, "OCR mode")


@dataclass(frozen=True)
class OcrOptions:
    """How OCR runs; the app fills it from its settings (``EDUNET_OCR*``, ``EDUNET_INGEST_THREADS``)."""

    mode: OcrMode = OcrMode.AUTO
    langs: str = "tha+eng"
    """Tesseract language data, ``+``-joined (``tha+eng``)."""
    dpi: int = 300
    timeout: float = 120.0
    """Seconds one page may take; a page over it keeps its reason, with the timeout added."""
    threads: int = 0
    """Pages read at once (one single-threaded Tesseract each); 0 = one per CPU core."""
    cache_dir: Path | None = None
    """Where page texts are cached by content hash; None = no cache."""
    binary: str = "tesseract"
    """The Tesseract executable: a name looked up on PATH, or a path."""

    def signature(self, engine_ready: bool) -> str:
        """What a document's stored OCR result depends on (``auto:tha+eng``, ``auto:tha+eng:missing``)."""
        if self.mode is OcrMode.OFF:
            return "off"
        return f"{self.mode}:{self.langs}" + ("" if engine_ready else ":missing")


@dataclass
class OcrSummary:
    """What OCR did to one document."""

    ocred: list[int] = field(default_factory=list)
    """Pages whose text now comes from OCR."""
    cached: list[int] = field(default_factory=list)
    """Of those read, the pages whose text came from the cache."""
    still_unreadable: dict[int, str] = field(default_factory=dict)
    """Pages read (or meant to be) that still fail the health gate, with the reason."""
    note: str = ""
    """Why OCR could not run, for the user (``Tesseract not installed: apt-get install …``), or ``""``."""
    seconds: float = 0.0
    pages_read: int = 0

    def to_meta(self) -> dict[str, str]:
        """The summary as document metadata (``DocumentMeta.extra``): OCR pages and the note."""
        out = {}
        if self.ocred:
            out["ocr_pages"] = ",".join(str(n) for n in self.ocred)
        if self.note:
            out["ocr_note"] = self.note
        return out


def ocr_page_numbers(meta: dict) -> frozenset[int]:
    """The pages whose text came from OCR, read back from a stored document's metadata (``ocr_pages``)."""
    return frozenset(int(n) for n in str(meta.get("ocr_pages") or "").split(",") if n.strip().isdigit())


# ---------------------------------------------------------------- the engine


def engine_problem(options: OcrOptions) -> str:
    """Why OCR cannot run with these options (``""`` when it can): binary or language data missing."""
    path = shutil.which(options.binary)
    if path is None:
        return f"{NOT_INSTALLED}: {INSTALL_HINT}"
    have = _languages(path)
    wanted = [*options.langs.split("+"), "osd"]  # osd: orientation detection (--psm 1)
    missing = [lang for lang in wanted if lang and lang not in have]
    if missing:
        packages = " ".join(f"tesseract-ocr-{m.replace('_', '-')}" for m in missing)
        return f"Tesseract lacks the language data {'+'.join(missing)}: apt-get install {packages}"
    return ""


@cache
def _languages(path: str) -> frozenset[str]:
    """The language data a Tesseract binary has (``tesseract --list-langs``), read once per path."""
    try:
        done = subprocess.run([path, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("tesseract --list-langs failed: %s", exc)
        return frozenset()
    lines = (done.stdout + done.stderr).splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and " " not in line.strip())


@cache
def engine_version(binary: str = "tesseract") -> str:
    """The Tesseract version line (``tesseract 5.3.0``), or ``""`` when it is not installed."""
    path = shutil.which(binary)
    if path is None:
        return ""
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return ((done.stdout or done.stderr).splitlines() or [""])[0].strip()


class OcrFailed(Exception):
    """One page could not be read; the message is the page's reason."""


def render_page(pdf_path: Path, number: int, dpi: int) -> bytes:
    """Render one page (1-based) as an 8-bit grey PGM image at ``dpi``: what Tesseract reads."""
    import pypdfium2 as pdfium

    with _PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            page = pdf[number - 1]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            image = bitmap.to_pil().convert("L")
            bitmap.close()
            page.close()
        finally:
            pdf.close()
    header = f"P5\n{image.width} {image.height}\n255\n".encode()
    return header + image.tobytes()


def page_key(image: bytes, options: OcrOptions) -> str:
    """The cache key of a rendered page: its pixels, the languages, dpi and preprocessing version."""
    h = hashlib.sha256(image)
    h.update(f"|{options.langs}|{options.dpi}|{PREPROCESS_VERSION}|{engine_version(options.binary)}".encode())
    return h.hexdigest()


def read_image(image: bytes, options: OcrOptions) -> str:
    """OCR one page image with the ``tesseract`` binary (single-threaded, on stdin, with the timeout).

    Raises OcrFailed with a one-line reason when Tesseract fails or runs over the timeout.
    """
    path = shutil.which(options.binary)
    if path is None:
        raise OcrFailed(f"needs OCR ({NOT_INSTALLED})")
    # --psm 1: page layout with orientation detection, so a page scanned upside down reads right
    cmd = [path, "stdin", "stdout", "-l", options.langs, "--dpi", str(options.dpi), "--psm", "1"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(cmd, input=image, capture_output=True, timeout=options.timeout, env=env)
    except subprocess.TimeoutExpired:
        raise OcrFailed(f"OCR timed out after {options.timeout:g} s") from None
    except OSError as exc:
        raise OcrFailed(f"OCR could not start ({exc.strerror or exc})") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrFailed(f"OCR failed ({detail[-1][:160] if detail else f'exit {done.returncode}'})")
    return done.stdout.decode("utf-8", "replace")


# ---------------------------------------------------------------- the cache


def _cache_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}.txt"


def cached_text(cache_dir: Path | None, key: str) -> str | None:
    """The cached OCR text of a page, or None."""
    if cache_dir is None:
        return None
    try:
        return _cache_path(cache_dir, key).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def store_text(cache_dir: Path | None, key: str, text: str) -> None:
    """Cache a page's OCR text atomically (a killed run leaves no half-written entry)."""
    if cache_dir is None:
        return
    target = _cache_path(cache_dir, key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".ocr-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except OSError as exc:  # a full or read-only disk costs a re-read next time, nothing more
        log.warning("could not cache OCR text in %s: %s", cache_dir, exc)


# ---------------------------------------------------------------- pages


@dataclass(frozen=True)
class PageText:
    """One page's OCR result: its raw text, or the reason it has none."""

    number: int
    text: str = ""
    error: str = ""
    cached: bool = False
    seconds: float = 0.0


def ocr_page(pdf_path: Path, number: int, options: OcrOptions) -> PageText:
    """Render, look up the cache, else read one page; never raises for a bad page."""
    start = time.perf_counter()
    try:
        image = render_page(pdf_path, number, options.dpi)
    except Exception as exc:  # a page PDFium cannot draw must not lose the others
        return PageText(number, error=f"the page cannot be rendered for OCR ({exc.__class__.__name__})")
    key = page_key(image, options)
    text = cached_text(options.cache_dir, key)
    if text is not None:
        return PageText(number, text, cached=True, seconds=time.perf_counter() - start)
    try:
        text = read_image(image, options)
    except OcrFailed as exc:
        return PageText(number, error=str(exc), seconds=time.perf_counter() - start)
    store_text(options.cache_dir, key, text)
    return PageText(number, text, seconds=time.perf_counter() - start)


def ocr_pages(
    pdf_path: Path, numbers: list[int], options: OcrOptions, progress: OcrProgress | None = None
) -> dict[int, PageText]:
    """OCR the given pages (1-based) of a PDF in parallel, reporting each finished page."""
    workers = max(1, min(options.threads or os.cpu_count() or 1, len(numbers)))
    results: dict[int, PageText] = {}
    if progress:
        progress(0, len(numbers), f"OCR 0/{len(numbers)}")
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr") as pool:
        futures = [pool.submit(ocr_page, pdf_path, n, options) for n in numbers]
        for future in as_completed(futures):
            page = future.result()
            results[page.number] = page
            if progress:
                done = len(results)
                progress(done, len(numbers), f"OCR page {page.number} ({done}/{len(numbers)})")
    return results


_RE_CONSONANT = re.compile("[\u0e01-\u0e2e]")
_RE_NUMBER = re.compile(r"\d[\d.,/:%-]*\d|\d{2,}")


def drop_noise_lines(text: str) -> str:
    """Remove the lines of OCR output that hold no word at all, keeping line breaks between the rest.

    Tesseract reads the tone marks and upper vowels of a slightly skewed Thai line as a line of
    their own ("๐ ey Aw al 1 ow ๐ a"), and stray marks of a scan as "=" or "ge". A line is kept
    when one of its tokens is a Thai word of two consonants or more (mostly dictionary words), a
    word-shaped Latin token of four letters or more (three in capitals), a common English word, or a
    number.
    """
    kept = [line for line in text.splitlines() if not line.strip() or _has_word(line)]
    return "\n".join(kept)


def _has_word(line: str) -> bool:
    for token in line.split():
        bare = token.strip(".,;:!?()[]{}\"'|-–—")
        if len(_RE_CONSONANT.findall(bare)) >= 2 and thai.thai_word_share(bare) >= 0.5:
            return True
        if bare.isascii() and bare.isalpha():
            if (len(bare) >= 4 and (bare.islower() or bare.istitle())) or (len(bare) >= 3 and bare.isupper()):
                return True
            if len(bare) >= 2 and thai.english_word_share(bare) == 1.0:
                return True
        if _RE_NUMBER.search(token):
            return True
    return False


def pages_to_read(doc: LoadedDocument, mode: OcrMode) -> list[int]:
    """The pages OCR should read: every page in ``force`` mode, the health gate's flagged ones in ``auto``."""
    if mode is OcrMode.OFF:
        return []
    if mode is OcrMode.FORCE:
        return [p.number for p in doc.pages]
    return doc.unreadable_pages


def apply_ocr(
    doc: LoadedDocument, pdf_path: Path, options: OcrOptions, progress: OcrProgress | None = None
) -> OcrSummary:
    """OCR a loaded PDF's pages that need it and put the text that passes the health gate in their place.

    OCR text is repaired (:func:`ingest.thai.repair`, which also joins Tesseract's nikhahit + sara aa
    into sara am) and scored by :func:`ingest.thai.health` against the document's language,
    re-detected from the text layer and the OCR text together. A page still unreadable keeps its
    reason (with the OCR detail), so it stays out of the index and out of answers. The document's
    language is updated in place; its pages are replaced in place.
    """
    summary = OcrSummary()
    numbers = pages_to_read(doc, options.mode)
    if not numbers:
        return summary
    problem = engine_problem(options)
    if problem:
        summary.note = problem
        for page in doc.pages:
            if page.health is not None and not page.health.readable:
                _flag(page, f"needs OCR ({problem})")
                summary.still_unreadable[page.number] = page.health.reason
        return summary

    start = time.perf_counter()
    read = ocr_pages(pdf_path, numbers, options, progress)
    summary.seconds = time.perf_counter() - start
    summary.pages_read = len(numbers)
    texts = {n: drop_noise_lines(thai.repair(r.text)) for n, r in read.items() if not r.error}
    summary.cached = sorted(n for n, r in read.items() if r.cached)

    kept = [p.text for p in doc.pages if p.health is not None and p.health.readable]
    language = thai.detect_language("\n".join([*kept, *texts.values()]))
    doc.meta.language = language
    for i, page in enumerate(doc.pages):
        if page.number not in read:
            if page.health is not None:  # the layer's score against the new language
                doc.pages[i] = replace(page, health=thai.health(page.text, language))
            continue
        result = read[page.number]
        if result.error:
            if page.health is None or not page.health.readable:
                _flag(page, result.error)
                summary.still_unreadable[page.number] = page.health.reason if page.health else result.error
            continue
        verdict = thai.health(texts[page.number], language)
        layer = thai.health(page.text, language)
        better = verdict.readable and (not layer.readable or verdict.score >= layer.score)
        if better:
            doc.pages[i] = Page(number=page.number, text=texts[page.number], health=verdict)
            summary.ocred.append(page.number)
        elif not layer.readable:
            detail = verdict.reason.replace(" (needs OCR)", "") or f"health {verdict.score:.2f}"
            reason = f"unreadable after OCR ({detail})"
            doc.pages[i] = Page(number=page.number, text=page.text, health=replace(layer, reason=reason))
            summary.still_unreadable[page.number] = reason
        else:
            doc.pages[i] = replace(page, health=layer)
    summary.ocred.sort()
    return summary


def _flag(page: Page, detail: str) -> None:
    """Put why OCR did not help in an unreadable page's health reason, in place of "(needs OCR)"."""
    if page.health is None:
        page.health = thai.health("", Language.TH)
    if detail not in page.health.reason:
        reason = page.health.reason.replace(" (needs OCR)", "")
        page.health = replace(page.health, reason=f"{reason}; {detail}".strip("; "))
