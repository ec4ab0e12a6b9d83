#!/usr/bin/env bash
# buf lint, then regenerate into a scratch directory and compare with the committed proto/src/gen.
set -euo pipefail
cd "$(dirname "$0")/../proto"
buf lint
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
buf generate -o "$scratch"
if ! diff -r "$scratch/src/gen" src/gen >/dev/null; then
  diff -r "$scratch/src/gen" src/gen | head -20 >&2
  echo "proto/src/gen is out of date: run ./dev exec pnpm run proto:gen and commit the result" >&2
  exit 1
fi
echo "buf lint clean; generated code up to date" >&2
