"""Turn files (PDF, DOCX, Markdown, TXT, HTML) into pages of clean text with metadata.

Usage:
    >>> from ingest.loaders import load
    >>> doc = load(Path("corpus/framework/components.th.md"))
    >>> doc.meta.doc_type, doc.pages[0].number
    (<DocType.FRAMEWORK: 'framework'>, 1)

Each loader reads the raw text of each page; ``load`` then repairs Thai text, scores
each page's health and fills in the metadata. Bad files raise a ``LoadError`` whose
``reason`` is one line a user can act on.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import filetype
import frontmatter
import yaml

from ingest import thai
from ingest.records import DocType, DocumentMeta, Language, LoadedDocument, Page

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_PAGES = 500
# A DOCX unpacks to XML that python-docx holds in memory as a tree (about 20x the XML's size):
# more than DOCX_MAX_RATIO times the file, or DOCX_MAX_UNPACKED in all, is treated as a zip bomb.
DOCX_MAX_UNPACKED = 100 * 1024 * 1024
DOCX_MAX_RATIO = 20
DOCX_RATIO_FLOOR = 4 * 1024 * 1024
"""Below this many unpacked bytes the ratio is not checked (a small DOCX of plain text compresses well)."""

# Folder names that say what kind of document a file is.
FOLDER_TYPES: dict[str, DocType] = {
    "policy": DocType.POLICY,
    "policies": DocType.POLICY,
    "mou": DocType.MOU,
    "mous": DocType.MOU,
    "framework": DocType.FRAMEWORK,
    "partner": DocType.PARTNER,
    "partners": DocType.PARTNER,
    "guide": DocType.GUIDE,
    "guides": DocType.GUIDE,
}


class LoadError(Exception):
    """A file that cannot be ingested; ``reason`` says why in one line."""

    kind = "error"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnsupportedFile(LoadError):
    kind = "unsupported"


class WrongType(LoadError):
    kind = "wrong-type"


class CorruptFile(LoadError):
    kind = "corrupt"


class EncryptedFile(LoadError):
    kind = "encrypted"


class EmptyFile(LoadError):
    kind = "empty"


class TooLarge(LoadError):
    kind = "too-large"


@dataclass(frozen=True)
class RawDocument:
    """What a format loader returns before cleaning: raw page texts and any front matter."""

    pages: list[str]
    title: str = ""
    front: dict | None = None


# ---------------------------------------------------------------- type detection

TEXT_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".html": "html", ".htm": "html"}
BINARY_SUFFIXES = {".pdf": "pdf", ".docx": "docx"}
SUPPORTED_SUFFIXES = sorted({*TEXT_SUFFIXES, *BINARY_SUFFIXES})


def sniff_format(data: bytes, suffix: str) -> str:
    """Decide a file's format from its content, checked against its extension.

    Returns one of pdf, docx, markdown, text, html. Raises WrongType when the content
    is not what the name says (a .pdf that is a zip), UnsupportedFile otherwise.
    """
    suffix = suffix.lower()
    if suffix not in TEXT_SUFFIXES and suffix not in BINARY_SUFFIXES:
        raise UnsupportedFile(
            f"unsupported file type {suffix or '(no extension)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    kind = filetype.guess(data[:8192])
    detected = kind.extension if kind else None
    if data.lstrip()[:5] == b"%PDF-" or data[:1024].find(b"%PDF-") >= 0:
        detected = "pdf"
    expected = BINARY_SUFFIXES.get(suffix) or TEXT_SUFFIXES[suffix]
    if expected == "pdf":
        if detected != "pdf":
            raise WrongType(f"named .pdf but the content is {_describe(detected)}, not a PDF")
        return "pdf"
    if expected == "docx":
        if detected not in {"docx", "zip"}:
            raise WrongType(f"named .docx but the content is {_describe(detected)}, not a Word document")
        return "docx"
    if detected is not None and detected not in {"xml", "html"}:
        raise WrongType(f"named {suffix} but the content is {_describe(detected)}, not text")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise WrongType(f"named {suffix} but the content is binary, not text")
    return expected


def _describe(detected: str | None) -> str:
    return f"a {detected.upper()} file" if detected else "unrecognised binary or text data"


def decode_text(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, or Thai TIS-620."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp874")
    except UnicodeDecodeError as exc:
        raise CorruptFile(f"text is neither UTF-8 nor Thai TIS-620/cp874 ({exc.reason})") from None


# ---------------------------------------------------------------- format loaders


def load_pdf(data: bytes, max_pages: int = DEFAULT_MAX_PAGES) -> RawDocument:
    """Read each page's text layer with pypdf; pages that fail to extract come back empty."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise EncryptedFile("the PDF is encrypted with a password")
        count = len(reader.pages)
    except LoadError:
        raise
    except FileNotDecryptedError:
        raise EncryptedFile("the PDF is encrypted with a password") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise CorruptFile(f"the PDF cannot be read ({_short(exc)})") from None
    if count == 0:
        raise EmptyFile("the PDF has no pages")
    if count > max_pages:
        raise TooLarge(f"the PDF has {count} pages, over the limit of {max_pages}")
    pages = []
    for i, page in enumerate(reader.pages, start=1):
        try:
            pages.append(page.extract_text() or "")
        except Exception as exc:  # one broken page must not lose the rest
            log.warning("page %d: text extraction failed: %s", i, _short(exc))
            pages.append("")
    title = ""
    try:
        if reader.metadata and reader.metadata.title:
            title = str(reader.metadata.title).strip()
    except Exception:
        title = ""
    return RawDocument(pages=pages, title=title)


def load_docx(data: bytes, max_pages: int = DEFAULT_MAX_PAGES) -> RawDocument:
    """Read paragraphs and tables of a Word file in order; explicit page breaks start new pages."""
    import docx
    from docx.oxml.ns import qn

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
            check_docx_unpacked(unpacked, len(data))
            if "word/document.xml" not in zf.namelist():
                raise WrongType("named .docx but the zip holds no Word document")
        document = docx.Document(io.BytesIO(data))
    except LoadError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise CorruptFile(f"the DOCX cannot be read ({_short(exc)})") from None
    except Exception as exc:
        raise CorruptFile(f"the DOCX cannot be read ({_short(exc)})") from None

    pages: list[list[str]] = [[]]
    body = document.element.body
    for block in body.iterchildren():
        if block.tag == qn("w:p"):
            style = block.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            style_name = style.get(qn("w:val")) if style is not None else ""
            text = "".join(node.text or "" for node in block.iter(qn("w:t")))
            breaks = [b for b in block.iter(qn("w:br")) if b.get(qn("w:type")) == "page"]
            if text.strip():
                level = _heading_level(style_name)
                pages[-1].append(("#" * level + " " + text) if level else text)
            for _ in breaks:
                pages.append([])
        elif block.tag == qn("w:tbl"):
            for row in block.iter(qn("w:tr")):
                cells = ["".join(t.text or "" for t in cell.iter(qn("w:t"))) for cell in row.iter(qn("w:tc"))]
                if any(c.strip() for c in cells):
                    pages[-1].append(" | ".join(c.strip() for c in cells))
    texts = ["\n".join(p) for p in pages]
    while len(texts) > 1 and not texts[-1].strip():
        texts.pop()
    if len(texts) > max_pages:
        raise TooLarge(f"the DOCX has {len(texts)} pages, over the limit of {max_pages}")
    title = (document.core_properties.title or "").strip()
    return RawDocument(pages=texts, title=title)


def docx_unpack_limit(packed: int) -> int:
    """The most a DOCX of ``packed`` bytes may unpack to: 20x the file (at least 4 MiB), at most 100 MiB."""
    return min(DOCX_MAX_UNPACKED, max(DOCX_RATIO_FLOOR, DOCX_MAX_RATIO * packed))


def check_docx_unpacked(unpacked: int, packed: int) -> None:
    """Refuse (TooLarge) a DOCX whose parts unpack to more than :func:`docx_unpack_limit` allows."""
    limit = docx_unpack_limit(packed)
    if unpacked > limit:
        raise TooLarge(
            f"the DOCX unpacks to {unpacked / 2**20:.1f} MiB, over the safe limit of {limit / 2**20:.1f} MiB "
            f"({DOCX_MAX_RATIO}x the file, at most {DOCX_MAX_UNPACKED // 2**20} MiB): probably a zip bomb"
        )


def _heading_level(style_name: str) -> int:
    match = re.match(r"(?i)^(heading|หัวเรื่อง)\s*(\d)$", style_name.replace("Heading", "Heading "))
    if match:
        return int(match.group(2))
    return 1 if style_name.lower() == "title" else 0


def load_markdown(data: bytes) -> RawDocument:
    """Markdown with optional YAML front matter; one page, headings kept for sections."""
    text = decode_text(data)
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise CorruptFile(f"the front matter is not valid YAML ({_short(exc)})") from None
    front = dict(post.metadata) if post.metadata else None
    title = str(front.get("title", "")) if front else ""
    if not title:
        heading = re.search(r"^#\s+(.+)$", post.content, flags=re.M)
        title = heading.group(1).strip() if heading else ""
    return RawDocument(pages=[post.content], title=title, front=front)


def load_text(data: bytes) -> RawDocument:
    """Plain text; form feeds (\\f) separate pages when present."""
    text = decode_text(data)
    pages = text.split("\f") if "\f" in text else [text]
    return RawDocument(pages=pages)


def load_html(data: bytes) -> RawDocument:
    """HTML without scripts and styles; h1–h3 become Markdown headings for sections."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_text(data), "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for level in (1, 2, 3):
        for tag in soup.find_all(f"h{level}"):
            tag.replace_with(f"\n{'#' * level} {tag.get_text(' ', strip=True)}\n")
    title = soup.title.get_text(strip=True) if soup.title else ""
    if soup.title:
        soup.title.decompose()
    text = soup.get_text("\n")
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    return RawDocument(pages=[text], title=title)


# ---------------------------------------------------------------- public entry


def read_raw(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pages: int = DEFAULT_MAX_PAGES
) -> tuple[bytes, RawDocument]:
    """Read a file from disk, check size and type by content, and run its format loader."""
    if not path.exists():
        raise LoadError("no such file")
    kind = special_file_kind(path)
    if kind:
        raise UnsupportedFile(f"not a regular file ({kind})")
    size = path.stat().st_size
    if size == 0:
        raise EmptyFile("the file is empty (0 bytes)")
    if size > max_bytes:
        raise TooLarge(f"the file is {size / 2**20:.1f} MiB, over the limit of {max_bytes / 2**20:.0f} MiB")
    data = path.read_bytes()
    fmt = sniff_format(data, path.suffix)
    loaders: dict[str, Callable[[bytes], RawDocument]] = {
        "pdf": lambda d: load_pdf(d, max_pages),
        "docx": lambda d: load_docx(d, max_pages),
        "markdown": load_markdown,
        "text": load_text,
        "html": load_html,
    }
    return data, loaders[fmt](data)


def special_file_kind(path: Path) -> str:
    """What ``path`` is when it is not a regular file ("a FIFO", "a device", …), or '' for a file.

    Looks at the inode only (``stat``), never opens it: opening a FIFO would wait for a writer.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "a broken link" if path.is_symlink() else "missing"
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def load(
    path: Path,
    *,
    source: str | None = None,
    doc_type: DocType | str | None = None,
    language: Language | str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> LoadedDocument:
    """Load one file into clean, health-scored pages with metadata.

    ``doc_type`` and ``language`` override what front matter or the folder say.
    Raises LoadError (or a subclass) with a one-line reason for files that cannot be used.
    """
    path = Path(path)
    data, raw = read_raw(path, max_bytes=max_bytes, max_pages=max_pages)
    front = raw.front or {}
    texts = [thai.repair(t) for t in raw.pages]
    if not any(t.strip() for t in texts) and len(texts) == 1 and path.suffix.lower() not in BINARY_SUFFIXES:
        raise EmptyFile("the file holds no text")
    if language is not None:
        lang = Language.parse(language)
    elif front.get("language"):
        lang = Language.parse(str(front["language"]))
    else:
        lang = thai.detect_language("\n".join(texts))
    pages = [Page(number=i, text=t, health=thai.health(t, lang)) for i, t in enumerate(texts, start=1)]
    meta = DocumentMeta(
        source=source or path.name,
        path=str(path.resolve()),
        title=document_title(str(front.get("title") or ""), raw.title, pages, path),
        doc_type=resolve_doc_type(path, front, doc_type, opening=_opening(pages)),
        language=lang,
        content_hash=hashlib.sha256(data).hexdigest(),
        extra={k: str(v) for k, v in front.items() if k in {"id", "fictional"}},
    )
    return LoadedDocument(meta=meta, pages=pages)


def document_title(front_title: str, file_title: str, pages: list[Page], path: Path) -> str:
    """The title users see: the front matter's, else the file's own unless a word processor left it
    ("Microsoft Word - 1.doc"), else the title page's first lines, else the file name."""
    from ingest.structure import good_metadata_title, title_from_pages

    if front_title.strip():
        return front_title.strip()
    if good_metadata_title(file_title):
        return " ".join(file_title.split())
    return title_from_pages(pages) or path.stem


# What a document's opening lines say it is, when neither front matter nor its folder does:
# statutes, decrees and regulations are policy; memoranda of understanding are MOUs.
CONTENT_TYPES: tuple[tuple[re.Pattern[str], DocType], ...] = (
    (
        re.compile(
            r"^\s*(?:พระราชบัญญัติ|พระราชกฤษฎีกา|พระราชกำหนด|กฎกระทรวง|ระเบียบ(?:กระทรวง|สำนักงาน|คณะกรรมการ)"
            r"|ประกาศกระทรวง)",
            re.M,
        ),
        DocType.POLICY,
    ),
    (re.compile(r"^\s*(?:บันทึกข้อตกลง|memorandum\s+of\s+understanding\b)", re.M | re.I), DocType.MOU),
)
OPENING_CHARS = 600
"""How much of a document's first text page is read to tell its type by content."""


def _opening(pages: list[Page]) -> str:
    """The first text page's opening (a cover of a few words is skipped)."""
    texts = [p.text.strip() for p in pages if len(p.text.strip()) >= 20]
    return texts[0][:OPENING_CHARS] if texts else ""


def resolve_doc_type(
    path: Path, front: dict, override: DocType | str | None, opening: str = ""
) -> DocType:
    """Pick the document type: the override first, then front matter, the folder name, then what
    the document's opening lines say it is (an uploaded statute is policy, not other)."""
    if override:
        return DocType.parse(override)
    if front.get("type"):
        return DocType.parse(str(front["type"]))
    for parent in list(path.resolve().parents)[:3]:
        if parent.name.lower() in FOLDER_TYPES:
            return FOLDER_TYPES[parent.name.lower()]
    for pattern, kind in CONTENT_TYPES:
        if pattern.search(opening):
            return kind
    return DocType.OTHER


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return text[:160]
