#!/usr/bin/env bash
# Proves the fast tier (`npm run test:fast`: unit, generator and golden tests) needs no Docker, no
# root and no network: runs it as the non-root user djstatic (scripts/test-env.sh creates it),
# without the docker group, with DOCKER_HOST on a socket that does not exist, in a network namespace
# that has only loopback, on a copy of the tree that user owns. Needs root (to set all that up).
# Usage: sudo scripts/test-fast-isolated.sh [vitest arguments...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
user=${FAST_TIER_USER:-djstatic}
[ "$(id -u)" = 0 ] || { echo "error: run as root (it switches to $user and unshares the network)" >&2; exit 1; }
id "$user" >/dev/null 2>&1 || { echo "error: no user $user (scripts/test-env.sh creates it)" >&2; exit 1; }

copy=$(mktemp -d /tmp/django-static-fast-XXXXXX)
trap 'rm -rf "$copy"' EXIT
# The tracked files as they are in the work tree (edits included), and the installed modules.
git -C "$here" ls-files -z --cached --others --exclude-standard | (cd "$here" && tar --null -T - -cf - 2>/dev/null) | tar -C "$copy" -xf -
cp -a "$here/node_modules" "$copy/node_modules"
chown -R "$user:" "$copy"
chmod 755 "$copy"

quoted=$(printf ' %q' "$@")
# unshare --net: a fresh namespace whose only interface is loopback (brought up: tests serve on 127.0.0.1).
unshare --net -- sh -c "ip link set lo up && exec setpriv --reuid='$user' --regid='$user' --clear-groups --reset-env \
  env PATH='$PATH' HOME='$copy' DOCKER_HOST=unix:///nonexistent/docker.sock npm_config_cache='$copy/.npm' \
  sh -c 'cd \"$copy\" && ! docker info >/dev/null 2>&1 && echo \"[fast tier] as \$(id -un), groups: \$(id -Gn), no Docker, loopback only\" && npm run test:fast --$quoted'"
