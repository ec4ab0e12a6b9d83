#!/usr/bin/env bash
# ./dev test: lint, type check, protocol check, then every vitest project. Extra args go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
step "lint (biome)"
biome ci --reporter=summary .
step "type check (tsc $(tsc -v | cut -d' ' -f2))"
tsc -p tsconfig.json
step "protocol (buf lint, generated code up to date)"
bash scripts/proto-check.sh
step "tests (vitest)"
vitest run "$@"
