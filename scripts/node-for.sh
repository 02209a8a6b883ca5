#!/usr/bin/env bash
# Prints the path of a Node binary of one major version that this package supports (package.json
# `engines.node`): the shell's own `node` when it is that major and in range, else the npm
# registry's `node@<major>` package, installed once into
# ${XDG_CACHE_HOME:-$HOME/.cache}/django-static/node-<major> of the user who runs this.
# So the build and the tests run on a supported Node on a machine whose default Node is older.
#
# Usage: scripts/node-for.sh [--unsupported] <major>     (the package.json is found beside this script)
#   --unsupported: any version of that major will do (the tests of the message an old Node gets).
set -euo pipefail
range=engines
[ "${1:-}" = --unsupported ] && { range=any; shift; }
major=${1:?usage: node-for.sh [--unsupported] <major>}
# The package whose engines apply: beside this script, or NODE_FOR_ROOT (an installed copy, when
# this script is read from standard input by a user who cannot enter the checkout).
root=${NODE_FOR_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
log() { printf '[node-for] %s\n' "$*" >&2; }

# Whether a node binary is the major asked for, within the package's engines range (unless --unsupported).
is_major() {
  [ -x "$1" ] && ROOT="$root" MAJOR="$major" RANGE="$range" "$1" -e '
    const { createRequire } = require("node:module");
    const fromRoot = createRequire(`${process.env.ROOT}/package.json`);
    const range = process.env.RANGE === "any" ? "*" : fromRoot("./package.json").engines.node;
    const ok = process.versions.node.split(".")[0] === process.env.MAJOR && fromRoot("semver").satisfies(process.version, range);
    process.exit(ok ? 0 : 1);' 2>/dev/null
}

own=$(command -v node || true)
if [ -n "$own" ] && is_major "$own"; then
  bin=$own
else
  prefix="${XDG_CACHE_HOME:-$HOME/.cache}/django-static/node-$major"
  bin="$prefix/node_modules/node/bin/node"
  if ! is_major "$bin"; then
    log "installing node@$major into $prefix (once)"
    mkdir -p "$prefix"
    # The registry's `node` package fetches the binary in its install script.
    npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error "node@$major" >&2
    is_major "$bin" || { log "error: $bin is not Node $major"; exit 1; }
  fi
fi
echo "$bin"
