"""Typeset the benchmark's team-written MOUs (bench/data/mou/*.md) to PDF, some as image-only scans.

Usage:
    python bench/mou_render.py                 # every source whose PDF is missing or out of date
    python bench/mou_render.py --force         # all of them again

Each source is Markdown with a little HTML (centred title blocks, ``<div class="pb"></div>``
for a page break, tables for signature blocks) and front matter naming its layout, its font
and ``scan: true`` for a document that is to be read like a phone scan. Chromium (headless,
``--print-to-pdf``) typesets the HTML on A4; a scan is then rendered to greyscale pixels at
200 dpi, turned by a fraction of a degree, given a little speckle, and saved as a PDF that
holds only the images, so analysing it needs OCR (``ingest/ocr.py``). The PDFs go to
``bench/data/mou/pdf/``; pages are set by the page breaks, so the truth's page numbers hold.

A PDF is out of date when its source's SHA-256 differs from the one recorded when it was typeset
(``bench/data/mou/pdf/sources.sha256``), not when the source's file time is newer: a fresh checkout
or a git worktree gives files arbitrary times, and typesetting again (another Chromium, other
fonts) would change the documents the figures were measured on.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "bench" / "data" / "mou"
OUT = SOURCES / "pdf"
HASHES = OUT / "sources.sha256"

CSS = """
@page {{ size: A4; margin: 2cm 2.2cm; }}
body {{ font-family: '{font}', 'Garuda', sans-serif; font-size: 13.5pt; line-height: 1.4; }}
h1 {{ font-size: 19pt; text-align: {h_align}; }} h2 {{ font-size: 16pt; text-align: {h_align}; }}
h3 {{ font-size: 15pt; }}
p.c {{ text-align: center; }} p.r {{ text-align: right; }}
table {{ width: 100%; border-collapse: collapse; margin-top: 1.2em; }}
td, th {{ vertical-align: top; padding: 0.4em; text-align: center; font-weight: normal; }}
.pb {{ page-break-after: always; }}
"""


def source_parts(path: Path) -> tuple[dict[str, str], str]:
    """The front matter (flat ``key: value`` lines) and the Markdown body of a source."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    if text.startswith("---\n"):
        head, _, text = text[4:].partition("\n---\n")
        for line in head.splitlines():
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
    return meta, text


def to_html(meta: dict[str, str], body: str) -> str:
    """The source as a standalone HTML page in the source's font and heading alignment."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "breaks": False}).enable("table")
    h_align = "center" if meta.get("align", "") == "center-title" else "left"
    css = CSS.format(font=meta.get("font", "Garuda"), h_align=h_align)
    return (
        "<!doctype html><html lang='th'><head><meta charset='utf-8'>"
        f"<title>{html.escape(meta.get('layout', ''))}</title><style>{css}</style></head>"
        f"<body>{md.render(body)}</body></html>"
    )


def print_pdf(html_text: str, target: Path) -> None:
    """Chromium headless prints the page to ``target`` (no header or footer)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium not found: apt-get install chromium (it typesets the benchmark's MOUs)")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "mou.html"
        page.write_text(html_text, encoding="utf-8")
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                f"--user-data-dir={tmp}/profile",
                "--no-pdf-header-footer",
                f"--print-to-pdf={target}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def scan_pdf(pdf: Path, target: Path, seed: int) -> None:
    """An image-only copy of ``pdf``: 200 dpi greyscale, turned slightly, speckled."""
    import pypdfium2
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    images = []
    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        for index in range(len(doc)):
            image = doc[index].render(scale=200 / 72).to_pil().convert("L")
            image = image.rotate(rng.uniform(-0.8, 0.8), expand=False, fillcolor=255, resample=Image.BICUBIC)
            pixels = image.load()
            width, height = image.size
            for _ in range(width * height // 2500):  # speckle, as a phone camera or copier leaves
                x, y = rng.randrange(width), rng.randrange(height)
                pixels[x, y] = rng.choice((0, 90, 200))
            images.append(image.filter(ImageFilter.GaussianBlur(0.2)))
    finally:
        doc.close()
    images[0].save(target, "PDF", resolution=200, save_all=True, append_images=images[1:])


def _recorded() -> dict[str, str]:
    """Source name → the SHA-256 its committed PDF was typeset from."""
    if not HASHES.is_file():
        return {}
    pairs = (
        line.split(maxsplit=1) for line in HASHES.read_text(encoding="utf-8").splitlines() if line.strip()
    )
    return {name.strip(): digest for digest, name in pairs}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render(path: Path, force: bool = False) -> Path:
    """Typeset one source (and scan it when its front matter says so); returns the PDF's path."""
    meta, body = source_parts(path)
    target = OUT / f"{path.stem}.pdf"
    digest = _digest(path)
    recorded = _recorded()
    if not force and target.is_file() and recorded.get(path.name) == digest:
        return target
    OUT.mkdir(parents=True, exist_ok=True)
    if meta.get("scan") == "true":
        with tempfile.TemporaryDirectory() as tmp:
            typeset = Path(tmp) / "typeset.pdf"
            print_pdf(to_html(meta, body), typeset)
            scan_pdf(typeset, target, seed=sum(map(ord, path.stem)))
    else:
        print_pdf(to_html(meta, body), target)
    recorded[path.name] = digest
    HASHES.write_text("".join(f"{d}  {n}\n" for n, d in sorted(recorded.items())), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="render every source again")
    args = parser.parse_args()
    for path in sorted(SOURCES.glob("*.md")):
        target = render(path, force=args.force)
        print(f"{path.name} -> {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    sys.exit(main())
