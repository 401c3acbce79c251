#!/usr/bin/env bash
# Copies the browser code the UI bundles (jsQR, Apache-2.0) from the npm registry into
# ui/web/static/vendor/, pinned by scripts/vendor/package-lock.json. No CDN is ever used.
# Idempotent: does nothing when the vendored file is already there (pass --force to redo).
set -euo pipefail
cd "$(dirname "$0")/.."
target=ui/web/static/vendor
if [ -f "$target/jsQR.js" ] && [ "${1:-}" != "--force" ]; then
    exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "error: npm is needed to vendor jsQR (apt-get install npm)" >&2; exit 1; }
(cd scripts/vendor && npm ci --no-audit --no-fund --loglevel=error)
mkdir -p "$target"
cp scripts/vendor/node_modules/jsqr/dist/jsQR.js "$target/jsQR.js"
cp scripts/vendor/node_modules/jsqr/LICENSE "$target/jsQR.LICENSE.txt"
echo "vendor-js: jsQR $(node -p 'require("./scripts/vendor/node_modules/jsqr/package.json").version') copied to $target"
