#!/usr/bin/env bash
# Install what OCR of scanned PDFs needs from Debian: Tesseract 5 (`tesseract-ocr`) with its
# Thai and English language data (`tesseract-ocr-tha`, `tesseract-ocr-eng`); ingest/ocr.py runs
# the `tesseract` binary. Idempotent: installs only what is missing, and runs apt-get not at
# all when everything is present. Without it the app still works: scanned pages are listed as
# "needs OCR (Tesseract not installed)".
set -euo pipefail

missing=()
if ! command -v tesseract >/dev/null 2>&1; then
    missing+=(tesseract-ocr tesseract-ocr-tha tesseract-ocr-eng tesseract-ocr-osd)
else
    langs=$(tesseract --list-langs 2>&1 || true)
    grep -qx tha <<<"$langs" || missing+=(tesseract-ocr-tha)
    grep -qx eng <<<"$langs" || missing+=(tesseract-ocr-eng)
    grep -qx osd <<<"$langs" || missing+=(tesseract-ocr-osd)
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "ocr-deps: ok ($(tesseract --version 2>&1 | head -n 1), tha+eng)"
    exit 0
fi

source "$(dirname "$0")/apt-lib.sh"
apt_install ocr-deps "${missing[@]}"

if ! command -v tesseract >/dev/null 2>&1; then
    echo "ocr-deps: apt-get finished but the tesseract binary is still missing" >&2
    exit 1
fi
echo "ocr-deps: ok ($(tesseract --version 2>&1 | head -n 1), tha+eng)"
