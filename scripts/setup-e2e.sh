#!/usr/bin/env bash
# What the browser tests need besides the venv: Debian's Chromium, axe-core (test-only, from
# the npm registry, pinned by tests/e2e/js/package-lock.json) and the vendored jsQR.
# Idempotent: each step runs only when its result is missing. Never runs `playwright install`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
    echo "setup-e2e: installing Debian's chromium"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi
/usr/bin/chromium --version >/dev/null 2>&1 || { echo "error: /usr/bin/chromium does not run" >&2; exit 1; }

if [ ! -f tests/e2e/js/node_modules/axe-core/axe.min.js ]; then
    command -v npm >/dev/null 2>&1 || { echo "error: npm is needed for axe-core (apt-get install npm)" >&2; exit 1; }
    echo "setup-e2e: installing axe-core into tests/e2e/js"
    (cd tests/e2e/js && npm ci --no-audit --no-fund --loglevel=error)
fi

bash scripts/vendor-js.sh

if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import playwright' >/dev/null 2>&1; then
    echo "error: playwright is missing from .venv; it is in the dev extras (pip install -e '.[dev]')" >&2
    exit 1
fi
