"""OCR quality and speed: the scanned test PDFs before and after OCR, and CER on clean renders.

Usage:
    python bench/ocr_quality.py                 # the 4 scanned/garbled PDFs + clean renders (a few minutes)
    python bench/ocr_quality.py --no-renders    # only the real PDFs
    python bench/ocr_quality.py --threads 1     # one Tesseract at a time (EDUNET_INGEST_THREADS=1)

Real PDFs (``../shared/testdata/pdf``, read in place, never copied): each is loaded with the
real loader (text layer, Thai repair, health gate), then :func:`ingest.ocr.apply_ocr` reads the
pages the gate flags, with no cache, as ingest does. Per document it prints the pages OCRed,
seconds per page (wall, all workers together), the pages readable and the mean health before
and after, and which of a few phrases read off the page images (by eye) are found in the
document's text afterwards (whitespace ignored). ``en06`` has a fair English OCR layer: auto
mode leaves it alone, and it is read once more in ``force`` mode for comparison.

Clean renders (needs Chromium, as the browser tests do): the first page of a Thai and an
English document of ``corpus/`` is typeset by Chromium in a Thai font (TLWG Loma) to PDF, then
rasterised at 300 and 200 dpi, plus a 300 dpi copy with noise, blur and a 2° skew, and OCRed.
The character error rate (CER) is the edit distance between the OCR text and the page's own
text layer over the reference length, whitespace removed (Thai has no spaces between words, so
only the letters count).
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import io
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from common import REPO_ROOT, SHARED_TESTDATA, format_table, load_note, log

from ingest import thai
from ingest.loaders import load
from ingest.ocr import OcrMode, OcrOptions, apply_ocr, drop_noise_lines, engine_version, read_image

PDF_DIR = SHARED_TESTDATA / "pdf"

# Phrases read off the rendered page images (300 dpi PNGs looked at by eye), with their page.
DOCUMENTS: dict[str, list[tuple[int, str]]] = {
    "th10_rbru_improvement_report_59_image_only.pdf": [
        (1, "กลุ่มงานศูนย์เทคโนโลยีสารสนเทศ"),
        (1, "ปีงบประมาณ 2560"),
        (2, "ห้องปฏิบัติการคอมพิวเตอร์สำหรับการเรียนการสอน"),
        (2, "ตรวจเช็คระบบเครือข่ายภายในห้อง"),
        (2, "นายปริญญา ภารดีรุจิรา"),
    ],
    "en08_mou_secab_pennstate_image_only.pdf": [
        (1, "Memoranda of Understanding"),
        (1, "Penn State Worthington-Scranton"),
        (3, "Intellectual Property Rights"),
        (3, "United States export laws"),
    ],
    "th09_rbru_action_conclusion_2558_garbage_textlayer.pdf": [
        (1, "สรุปผลการปฏิบัติการ"),
        (3, "จำนวนโครงการ"),
        (3, "คิดเป็นร้อยละของตัวชี้วัดที่บรรลุเป้าหมาย"),
        (5, "ศูนย์เทคโนโลยีการศึกษา"),
        (5, "หอสมุดกลาง"),
    ],
    "en06_mou_secab_turnia_internship.pdf": [
        (1, "MEMORANDUM OF UNDERSTANDING"),
        (1, "SECAB Institute of Engineering and Technology"),
    ],
}

RENDERS = {"th": "corpus/framework/components.th.md", "en": "corpus/framework/components.en.md"}


@dataclass
class DocRow:
    name: str
    mode: str
    pages: int
    ocred: int
    seconds_per_page: float
    readable_before: int
    readable_after: int
    health_before: float
    health_after: float
    phrases: str


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _mean_health(pages) -> float:
    scores = [p.health.score if p.health is not None else 0.0 for p in pages]
    return sum(scores) / len(scores) if scores else 0.0


def real_pdf(name: str, options: OcrOptions) -> DocRow:
    """Load one test PDF, OCR what the mode says, and measure it."""
    doc = load(PDF_DIR / name)
    before_readable = sum(1 for p in doc.pages if p.health is not None and p.health.readable)
    before_health = _mean_health(doc.pages)
    start = time.perf_counter()
    summary = apply_ocr(doc, PDF_DIR / name, options)
    seconds = time.perf_counter() - start
    after_readable = sum(1 for p in doc.pages if p.health is not None and p.health.readable)
    text = _squash("\n".join(p.text for p in doc.pages if p.health is not None and p.health.readable))
    found = [phrase for _, phrase in DOCUMENTS[name] if _squash(phrase) in text]
    missing = [f"p{page} {phrase}" for page, phrase in DOCUMENTS[name] if phrase not in found]
    if missing:
        log(f"{name}: not found: {'; '.join(missing)}")
    return DocRow(
        name=name.split("_")[0],
        mode=str(options.mode),
        pages=len(doc.pages),
        ocred=summary.pages_read,
        seconds_per_page=seconds / summary.pages_read if summary.pages_read else 0.0,
        readable_before=before_readable,
        readable_after=after_readable,
        health_before=before_health,
        health_after=_mean_health(doc.pages),
        phrases=f"{len(found)}/{len(DOCUMENTS[name])}",
    )


# ---------------------------------------------------------------- clean renders


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate: Levenshtein distance / reference length, whitespace removed."""
    hyp, ref = _squash(hypothesis), _squash(reference)
    if not ref:
        return float("nan")
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    return previous[-1] / len(ref)


def typeset(markdown: Path, out_dir: Path) -> Path:
    """The document as a PDF typeset by headless Chromium in TLWG Loma (Thai and Latin glyphs)."""
    body = re.sub(r"(?s)^---.*?---\n", "", markdown.read_text(encoding="utf-8"))
    paragraphs = [p.strip().lstrip("#").strip() for p in body.split("\n\n") if p.strip()]
    page = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    source = out_dir / f"{markdown.stem}.html"
    source.write_text(
        "<!doctype html><meta charset='utf-8'><style>body{font-family:Loma;font-size:14pt;margin:2cm}"
        f"</style>{page}",
        encoding="utf-8",
    )
    pdf = out_dir / f"{markdown.stem}.pdf"
    subprocess.run(
        ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", source.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return pdf


def degrade(image, seed: int = 7):
    """Noise (3% of pixels flipped to grey), a slight blur and a 2° skew: a cheap office scan."""
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    noisy = image.copy()
    px = noisy.load()
    for _ in range(int(noisy.width * noisy.height * 0.03)):
        px[rng.randrange(noisy.width), rng.randrange(noisy.height)] = rng.choice((0, 96, 160))
    noisy = noisy.filter(ImageFilter.GaussianBlur(1.0))
    return noisy.rotate(2, resample=Image.BICUBIC, expand=True, fillcolor=255)


def clean_renders(options: OcrOptions) -> list[list[object]]:
    """CER and seconds per page for the first page of each typeset document at each quality."""
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory(prefix="ocr-bench-") as tmp:
        for lang, rel in RENDERS.items():
            pdf = typeset(REPO_ROOT / rel, Path(tmp))
            reference = thai.repair(PdfReader(pdf).pages[0].extract_text() or "")
            document = pdfium.PdfDocument(str(pdf))
            renders = {}
            for dpi in (300, 200):
                renders[f"{dpi} dpi"] = (dpi, document[0].render(scale=dpi / 72, grayscale=True).to_pil())
            renders["300 dpi noisy+blur+2°"] = (300, degrade(renders["300 dpi"][1].convert("L")))
            document.close()
            for label, (dpi, image) in renders.items():
                buf = io.BytesIO()
                image.convert("L").save(buf, "PPM")
                start = time.perf_counter()
                raw = read_image(buf.getvalue(), OcrOptions(langs=options.langs, dpi=dpi, timeout=300))
                seconds = time.perf_counter() - start
                text = drop_noise_lines(thai.repair(raw))
                rows.append([lang, label, len(_squash(reference)), cer(text, reference), seconds])
                log(f"{lang} {label}: CER {rows[-1][3]:.3%} in {seconds:.1f}s")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=0, help="pages read at once (0 = one per core)")
    parser.add_argument("--langs", default="tha+eng")
    parser.add_argument("--no-renders", action="store_true", help="skip the clean-render CER part")
    args = parser.parse_args()
    if not engine_version():
        print("Tesseract is not installed: run scripts/ocr-deps.sh", file=sys.stderr)
        return 2
    if not PDF_DIR.is_dir():
        print(f"test PDFs not found at {PDF_DIR}", file=sys.stderr)
        return 2
    options = OcrOptions(mode=OcrMode.AUTO, langs=args.langs, threads=args.threads, cache_dir=None)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs"
    print(f"# OCR quality, {date.today()}, {engine_version()} ({args.langs}), {machine}")
    print(f"# {load_note()}; threads {args.threads or 'one per core'}")

    rows = [real_pdf(name, options) for name in DOCUMENTS]
    forced = dataclasses.replace(options, mode=OcrMode.FORCE)
    rows.append(real_pdf("en06_mou_secab_turnia_internship.pdf", forced))
    headers = ["doc", "mode", "pages", "OCRed", "s/page", "readable before", "readable after",
               "health before", "health after", "phrases found"]  # fmt: skip
    print()
    print(format_table(headers, [list(r.__dict__.values()) for r in rows]))
    scanned = [r for r in rows if r.mode == "auto"]
    pages = sum(r.pages for r in scanned)
    print(
        f"\nsearchable pages of the scanned PDFs: {sum(r.readable_before for r in scanned)}/{pages} before, "
        f"{sum(r.readable_after for r in scanned)}/{pages} after OCR"
    )
    ocred = [r for r in scanned if r.ocred]
    total_pages = sum(r.ocred for r in ocred)
    total_seconds = sum(r.ocred * r.seconds_per_page for r in ocred)
    if total_pages:
        rate = total_pages / total_seconds
        print(f"OCR speed: {rate:.2f} pages/s ({total_seconds / total_pages:.1f} s/page)")

    if not args.no_renders:
        if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
            log("Chromium not found: clean-render CER skipped (scripts/browser-deps.sh installs it)")
        else:
            print()
            print(format_table(["lang", "render", "ref chars", "CER", "seconds"], clean_renders(options)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
