#!/usr/bin/env bash
# The Credo-ts 0.5.19 mediator and issuer/verifier peer the integration tests start
# (tests/mediators/credo: mediator.js, peer.js; one node_modules), installed offline from the
# npm, PyPI and Debian registries only:
#   1. npm ci --ignore-scripts from the committed package-lock.json (no install script runs:
#      askar-nodejs's would download its native library from outside the registries);
#   2. the two ffi packages the Askar binding needs, built here with node-gyp against the node
#      headers in /usr/include/node (NodeSource's nodejs ships them; where they are missing,
#      Debian's libnode-dev and libuv1-dev are unpacked locally, not installed: libnode-dev
#      cannot be installed beside NodeSource's nodejs, and its N-API headers build addons that
#      load in any newer node);
#   3. libaries_askar.so from the PyPI wheel aries-askar==$ASKAR_VERSION, the native library
#      version @openwallet-foundation/askar-nodejs 0.4.3 is built for, into native/
#      (mediator.js points LIB_ASKAR_PATH at that folder).
# Idempotent: each step runs only when its result is missing or stale; a final check loads
# Credo and the native library.
set -euo pipefail
cd "$(dirname "$0")/.."

ASKAR_VERSION=0.4.6
DIR=tests/mediators/credo
NATIVE="$DIR/native"
HEADERS="$DIR/.node-headers"
STAMP="$DIR/node_modules/.learner-wallet-setup"
installed=0

say() { echo "setup-credo: $*"; }
die() { echo "error: setup-credo: $*" >&2; exit 1; }

for tool in node npm g++ make python3; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is needed (apt-get install nodejs npm g++ make python3)"
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || die "node >= 18 is needed, found $(node --version)"

# What the installed tree was built from: the lock file and the node that built the addons.
want_stamp="$(sha256sum "$DIR/package-lock.json" | cut -d' ' -f1) node-$(node --version)"

node_headers() {
    if [ -f /usr/include/node/node_api.h ] && [ -f /usr/include/node/common.gypi ] \
        && [ -f /usr/include/node/uv.h ]; then
        echo /usr
        return
    fi
    if [ ! -f "$HEADERS/usr/include/node/uv.h" ]; then
        say "no node headers in /usr/include/node: unpacking Debian's libnode-dev and libuv1-dev into $HEADERS" >&2
        local tmp
        tmp=$(mktemp -d)
        if ! (cd "$tmp" && apt-get download -qq libnode-dev libuv1-dev >/dev/null 2>&1); then
            if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
            $sudo apt-get update -qq
            (cd "$tmp" && apt-get download -qq libnode-dev libuv1-dev >/dev/null) \
                || die "apt-get download libnode-dev libuv1-dev failed"
        fi
        rm -rf "$HEADERS"
        mkdir -p "$HEADERS"
        for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$HEADERS"; done
        # node-gyp looks for uv.h beside the node headers, where NodeSource's nodejs has it.
        cp -r "$HEADERS/usr/include/uv.h" "$HEADERS/usr/include/uv" "$HEADERS/usr/include/node/"
        rm -rf "$tmp"
    fi
    echo "$PWD/$HEADERS/usr"
}

if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want_stamp" ] \
    || [ ! -f "$DIR/node_modules/@2060.io/ffi-napi/build/Release/ffi_bindings.node" ] \
    || [ ! -f "$DIR/node_modules/@2060.io/ref-napi/build/Release/binding.node" ]; then
    say "installing Credo 0.5.19 into $DIR (npm ci --ignore-scripts)"
    (cd "$DIR" && npm ci --ignore-scripts --legacy-peer-deps --no-audit --no-fund --loglevel=error)
    nodedir=$(node_headers)
    say "building @2060.io/ref-napi and @2060.io/ffi-napi against $nodedir/include/node"
    log=$(mktemp)
    if ! (cd "$DIR" && npm_config_nodedir="$nodedir" npm rebuild --ignore-scripts=false \
        --foreground-scripts @2060.io/ref-napi @2060.io/ffi-napi) >"$log" 2>&1; then
        tail -40 "$log" >&2
        rm -f "$log"
        die "building the ffi addons failed (needs g++, make, python3 and node headers)"
    fi
    rm -f "$log"
    [ -f "$DIR/node_modules/@2060.io/ffi-napi/build/Release/ffi_bindings.node" ] \
        || die "npm rebuild ran but ffi_bindings.node is missing"
    echo "$want_stamp" >"$STAMP"
    installed=1
fi

if [ ! -f "$NATIVE/libaries_askar.so" ] || [ "$(cat "$NATIVE/VERSION" 2>/dev/null)" != "$ASKAR_VERSION" ]; then
    say "taking libaries_askar.so from the PyPI wheel aries-askar==$ASKAR_VERSION"
    if [ -x .venv/bin/python ]; then py=.venv/bin/python; else py=python3; fi
    tmp=$(mktemp -d)
    "$py" -m pip download --quiet --no-deps --only-binary=:all: "aries-askar==$ASKAR_VERSION" -d "$tmp" 2>&1 \
        | grep -v "^WARNING: Location" || true
    wheel=$(ls "$tmp"/aries_askar-"$ASKAR_VERSION"-*.whl 2>/dev/null | head -1)
    [ -n "$wheel" ] || die "pip download aries-askar==$ASKAR_VERSION gave no wheel"
    rm -rf "$NATIVE"
    mkdir -p "$NATIVE"
    "$py" - "$wheel" "$NATIVE" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    data = wheel.read("aries_askar/libaries_askar.so")
with open(f"{sys.argv[2]}/libaries_askar.so", "wb") as out:
    out.write(data)
EOF
    echo "$ASKAR_VERSION" >"$NATIVE/VERSION"
    rm -rf "$tmp"
    installed=1
fi

# Load the native library through the ffi addons the way mediator.js does; after an install,
# load all of Credo too (that takes about 2 s, so not on every run).
if [ "$installed" -eq 1 ]; then
    check='require("@credo-ts/core"); require("@credo-ts/node"); require("@credo-ts/askar");'
else
    check=''
fi
version=$(cd "$DIR" && LIB_ASKAR_PATH="$PWD/native" node -e "$check"'
process.stdout.write(require("@openwallet-foundation/askar-nodejs").askarNodeJS.version())' 2>&1) \
    || die "Credo does not load: $version"
[ "$version" = "$ASKAR_VERSION" ] || die "libaries_askar.so reports version $version, expected $ASKAR_VERSION"
for script in common.js mediator.js peer.js; do
    node --check "$DIR/$script" || die "$DIR/$script does not parse"
done
