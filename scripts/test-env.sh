#!/usr/bin/env bash
# Makes everything the test suite needs available, idempotently:
#   host nginx (for `nginx -t`), a Docker engine, docker-compose 1.29, Compose v2,
#   and base images under the exact tags the generated files use.
# Safe to re-run: each step checks first and does nothing when already satisfied.
# Usage: scripts/test-env.sh [image-tag ...]   (default: see standin-images.sh)
#   E2E_IMAGES=real     never build stand-ins (a laptop that can pull real images)
#   E2E_IMAGES=auto     (default) build a stand-in only where the tag is missing
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log() { printf '[test-env] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi; }

apt_updated=
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them"
  log "installing ${missing[*]}"
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

engine_answers() { timeout 20 docker info >/dev/null 2>&1; }

ensure_engine() {
  if engine_answers; then return 0; fi
  apt_install docker.io
  if ! pgrep -x dockerd >/dev/null; then
    log "starting dockerd"
    as_root sh -c 'nohup dockerd >/var/log/dockerd.log 2>&1 &'
  fi
  for _ in $(seq 1 60); do engine_answers && return 0; sleep 1; done
  die "no Docker engine answers after 60 s (see /var/log/dockerd.log)"
}

ensure_compose_v1() {
  command -v docker-compose >/dev/null || apt_install docker-compose
}

# Compose v2 is not in bookworm; trixie's package ships the CLI plugin. A private apt
# directory keeps the system's sources untouched.
ensure_compose_v2() {
  docker compose version >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null || die "Compose v2 missing and no apt-get to fetch it"
  local t=/tmp/django-static-trixie-apt
  mkdir -p "$t/sources" "$t/lists/partial" && chmod 755 "$t"
  awk 'BEGIN{RS="";ORS="\n\n"} NR==1' /etc/apt/sources.list.d/debian.sources \
    | sed -e 's/^Suites:.*/Suites: trixie/' -e '/^#/d' > "$t/sources/trixie.sources"
  local o=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$t/sources" -o "Dir::State::Lists=$t/lists")
  log "fetching Compose v2 from trixie's docker-compose package"
  apt-get "${o[@]}" update -qq
  (cd "$t" && rm -f docker-compose_*.deb && apt-get "${o[@]}" download docker-compose >/dev/null)
  rm -rf "$t/x" && dpkg -x "$t"/docker-compose_*.deb "$t/x"
  mkdir -p "$HOME/.docker/cli-plugins"
  cp "$t/x/usr/libexec/docker/cli-plugins/docker-compose" "$HOME/.docker/cli-plugins/"
  docker compose version >/dev/null || die "Compose v2 plugin did not install"
}

main() {
  case "${E2E_IMAGES:-auto}" in auto | real) ;; *) die "E2E_IMAGES=${E2E_IMAGES}: use auto (default) or real" ;; esac
  apt_install nginx-light python3 python3-django   # nginx -t, and Django for --inspect's tests
  [ "${E2E_IMAGES:-auto}" = real ] || apt_install debootstrap
  ensure_engine
  ensure_compose_v1
  ensure_compose_v2
  if [ "${E2E_IMAGES:-auto}" != real ]; then
    "$here/standin-images.sh" "$@"
  fi
  log "ready: $(docker version --format 'engine {{.Server.Version}}'), $(docker compose version --short 2>/dev/null | sed 's/^/compose v2 /'), $(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /')"
}
main "$@"
