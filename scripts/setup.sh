#!/usr/bin/env bash
# Creates .venv with a Python 3.13 interpreter and installs Learner Wallet into it.
# Idempotent: re-running with nothing changed costs about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python313() {
    local candidate
    if candidate=$(command -v python3.13 2>/dev/null) && "$candidate" -c 'import sys' >/dev/null 2>&1; then
        echo "$candidate"; return 0
    fi
    local roots=()
    if command -v pyenv >/dev/null 2>&1; then roots+=("$(pyenv root)"); fi
    roots+=("${PYENV_ROOT:-$HOME/.pyenv}")
    for root in "${roots[@]}"; do
        for candidate in $(ls -d "$root"/versions/3.13*/bin/python 2>/dev/null | sort -rV); do
            if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 13)' >/dev/null 2>&1; then
                echo "$candidate"; return 0
            fi
        done
    done
    return 1
}

venv_ok() {
    [ -x .venv/bin/python ] && .venv/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 13)' >/dev/null 2>&1
}

if ! venv_ok; then
    if ! python313=$(find_python313); then
        echo "error: Learner Wallet needs Python 3.13 (acapy-agent 1.7 requires it)." >&2
        echo "Install it (for example 'pyenv install 3.13') or put python3.13 on PATH, then run this again." >&2
        exit 1
    fi
    echo "setup: creating .venv with $python313"
    rm -rf .venv
    "$python313" -m venv .venv
fi

stamp=.venv/.learner-wallet-installed
want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing Learner Wallet and its dependencies into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]" 2>&1 \
        | grep -v "^WARNING: Location" || true
    .venv/bin/python -c 'import acapy_agent, aiohttp, pydantic_settings' \
        || { echo "error: installing into .venv failed; see the pip output above." >&2; exit 1; }
    echo "$want" > "$stamp"
fi

# The UI's QR decoder (jsQR) is vendored from the npm registry, never loaded from a CDN.
bash scripts/vendor-js.sh
