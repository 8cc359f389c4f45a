#!/usr/bin/env bash
# Install what the browser tests need from Debian: the `chromium` package (driven by
# Playwright through executable_path=/usr/bin/chromium) and a Thai font so Thai text
# renders in screenshots. Idempotent: installs only what is missing, and runs
# apt-get not at all when both are present. Never runs `playwright install`.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ! { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=th family 2>/dev/null)" ]; }; then
    missing+=(fonts-thai-tlwg)
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "browser-deps: ok ($(/usr/bin/chromium --version 2>/dev/null || echo chromium present))"
    exit 0
fi

source "$(dirname "$0")/apt-lib.sh"
apt_install browser-deps "${missing[@]}"

if [ ! -x /usr/bin/chromium ]; then
    echo "browser-deps: apt-get finished but /usr/bin/chromium is still missing" >&2
    exit 1
fi
echo "browser-deps: ok ($(/usr/bin/chromium --version 2>/dev/null || echo chromium installed))"
