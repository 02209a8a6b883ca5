#!/usr/bin/env bash
# Runs the unit and generator suites (`vitest run --project unit`) on other supported Node majors
# than the one `npm test` runs everything on (24), as a non-root user, from a copy of the checkout
# that user owns. Idempotent: scripts/node-for.sh installs each Node major once, from the npm
# registry's `node` package, into ${XDG_CACHE_HOME:-$HOME/.cache}/django-static/node-<major>
# of the user who runs the tests.
#
# Usage: scripts/test-node-versions.sh [major ...]     (default: 22 24; `npm test` passes 22)
#   As root, the suites run as the user `djstatic` (scripts/test-env.sh creates it); as
#   anyone else, as that user. The copy is needed because a CI checkout may sit where that
#   user cannot write, or even enter; it also proves the suites write nothing into the checkout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '[node-versions] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -gt 0 ] || set -- 22 24
test_user=djstatic
if [ "$(id -u)" = 0 ]; then
  id -u "$test_user" >/dev/null 2>&1 || die "no user $test_user: run scripts/test-env.sh first (it creates it)"
  runner=$test_user
  # Under `npm test`, npm exports its own settings (npm_config_cache=/root/.npm, the user config,
  # ...) to this script: an npm the runner starts would inherit them and fail on root's cache.
  npm_settings=()
  while IFS= read -r name; do npm_settings+=(-u "$name"); done < <(compgen -e | grep -i '^npm_' || true)
  as_runner() { runuser -u "$runner" -- env -u XDG_CACHE_HOME "${npm_settings[@]}" HOME="$runner_home" "$@"; }
else
  runner=$(id -un)
  as_runner() { "$@"; }
fi
runner_home=$(getent passwd "$runner" | cut -d: -f6)
[ -n "$runner_home" ] && [ -d "$runner_home" ] || die "user $runner has no home directory"

# A copy of the checkout (without .git) that the runner owns, in a fresh temporary directory.
work=$(mktemp -d "${TMPDIR:-/tmp}/django-static-node-versions.XXXXXX")
trap 'rm -rf "$work"' EXIT
started=$EPOCHREALTIME
tar -C "$root" --exclude=./.git -cf - . | tar -C "$work" -xf -
[ "$runner" = "$(id -un)" ] || chown -R "$runner:" "$work"
log "copied the checkout to $work for $runner in $(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s ($(du -sh "$work" | cut -f1))"
cd "$work"

status=0
for major in "$@"; do
  bin=$(as_runner bash "$work/scripts/node-for.sh" "$major")
  log "=== Node $(as_runner "$bin" --version) ($bin), as $runner: vitest run --project unit ==="
  marker="$work/.started-node-$major"
  as_runner touch "$marker"
  # vitest's cache and vite's bundled config (node_modules/.vite, .vite-temp) are all a run may write there.
  if ! as_runner env PATH="$(dirname "$bin"):$PATH" "$bin" "$work/node_modules/vitest/vitest.mjs" run --project unit --root "$work"; then
    log "Node $major: FAILED"
    status=1
  fi
  written=$(find "$work" \( -path "$work/node_modules/.vite" -o -path "$work/node_modules/.vite-temp" \) -prune -o -newer "$marker" -print | grep -v "^$marker\$" || true)
  if [ -n "$written" ]; then
    log "Node $major: the unit suite wrote into the checkout (it must use os.tmpdir()):"
    printf '  %s\n' $written >&2
    status=1
  fi
  rm -f "$marker"
done
exit $status
