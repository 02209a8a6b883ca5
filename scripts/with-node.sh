#!/usr/bin/env bash
# Runs a command with a supported Node of one major first on PATH (scripts/node-for.sh finds or
# installs it): `node`, and every `#!/usr/bin/env node` script the command starts, run on it.
# The package's node_modules/.bin follows it, as under `npm run`, so `with-node.sh 24 vitest …` works in a shell too.
#
# Usage: scripts/with-node.sh <major> <command> [args ...]
set -euo pipefail
major=${1:?usage: with-node.sh <major> <command> [args ...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(bash "$root/scripts/node-for.sh" "$major")
PATH="$(dirname "$bin"):$root/node_modules/.bin:$PATH" exec "$@"
