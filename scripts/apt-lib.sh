#!/usr/bin/env bash
# Shared by the *-deps.sh scripts: install Debian packages that are missing.
# Usage (sourced): apt_install LABEL PACKAGE... — as root, or through sudo when there is one;
# otherwise it prints the command to run as root and returns 1.

apt_install() {
    local label=$1
    shift
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo="sudo"
        else
            echo "$label: missing $* and this user cannot run apt-get (not root, no sudo)." >&2
            echo "$label: as root run: apt-get update && apt-get install -y $*" >&2
            return 1
        fi
    fi
    echo "$label: installing $*"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update
    $sudo apt-get install -y --no-install-recommends "$@"
}
