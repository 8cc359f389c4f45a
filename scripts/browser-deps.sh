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

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "browser-deps: missing ${missing[*]} and this user cannot run apt-get (not root, no sudo)." >&2
        echo "browser-deps: as root run: apt-get update && apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

echo "browser-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"

if [ ! -x /usr/bin/chromium ]; then
    echo "browser-deps: apt-get finished but /usr/bin/chromium is still missing" >&2
    exit 1
fi
echo "browser-deps: ok ($(/usr/bin/chromium --version 2>/dev/null || echo chromium installed))"
