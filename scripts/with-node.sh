#!/usr/bin/env bash
# Runs a command with a supported Node of one major first on PATH (scripts/node-for.sh finds or
# installs it): `node`, and every `#!/usr/bin/env node` script the command starts, run on it.
#
# Usage: scripts/with-node.sh <major> <command> [args ...]
set -euo pipefail
major=${1:?usage: with-node.sh <major> <command> [args ...]}
shift
bin=$(bash "$(dirname "$0")/node-for.sh" "$major")
PATH="$(dirname "$bin"):$PATH" exec "$@"
