#!/bin/sh
# Installs what zkrelay's build and tests need, only when something is missing.
# Debian packages through apt-get (as root), npm tooling through `npm ci` from the
# committed lockfile in tools/. Idempotent: a second run changes nothing.
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential pkg-config clang libcurl4-openssl-dev libssl-dev libjansson-dev libsecp256k1-dev libleveldb-dev nodejs npm"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# Node from another source (nvm, a tarball) is as good as Debian's.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    missing=$(echo "$missing" | sed 's/ nodejs//; s/ npm//')
fi

if [ -n "$(echo "$missing" | tr -d ' ')" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "deps: missing Debian packages:$missing (run 'make deps' as root)" >&2
        exit 1
    fi
    echo "deps: installing$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

# npm tooling: reinstall when node_modules is missing or older than the lockfile.
anvil=tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil
if [ ! -x "$anvil" ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
    echo "deps: npm ci in tools/"
    (cd tools && npm ci --no-audit --no-fund --loglevel=error)
fi
[ -x "$anvil" ] || { echo "deps: anvil binary missing after npm ci ($anvil)" >&2; exit 1; }
exit 0
