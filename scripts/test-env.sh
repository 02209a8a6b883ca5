#!/usr/bin/env bash
# Makes everything the test suite needs available, idempotently:
#   host nginx (for `nginx -t`), a Docker engine, docker-compose 1.29, Compose v2 (system-wide,
#   so every user sees it), base images under the exact tags the generated files use (python,
#   nginx, postgres; offline stand-ins built by standin-images.sh), and for the
#   "as installed" suite: tmux and a non-root user `djstatic` in the `docker` group (yo refuses root);
#   Debian's docker-registry for the Swarm e2e (it is served by the test, on 127.0.0.1 only).
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
# directory keeps the system's sources untouched. The plugin goes to a system-wide plugin
# directory: one under root's ~/.docker would be invisible to the non-root test user.
compose_plugin=/usr/local/lib/docker/cli-plugins/docker-compose
ensure_compose_v2() {
  [ -x "$compose_plugin" ] && "$compose_plugin" version >/dev/null 2>&1 && docker compose version >/dev/null 2>&1 && return 0
  local t=/tmp/django-static-trixie-apt
  if [ -x "$HOME/.docker/cli-plugins/docker-compose" ] && "$HOME/.docker/cli-plugins/docker-compose" version >/dev/null 2>&1; then
    log "installing the Compose v2 plugin from ~/.docker system-wide"
    as_root install -D -m 0755 "$HOME/.docker/cli-plugins/docker-compose" "$compose_plugin"
  else
    command -v apt-get >/dev/null || die "Compose v2 missing and no apt-get to fetch it"
    mkdir -p "$t/sources" "$t/lists/partial" && chmod 755 "$t"
    awk 'BEGIN{RS="";ORS="\n\n"} NR==1' /etc/apt/sources.list.d/debian.sources \
      | sed -e 's/^Suites:.*/Suites: trixie/' -e '/^#/d' > "$t/sources/trixie.sources"
    local o=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$t/sources" -o "Dir::State::Lists=$t/lists")
    log "fetching Compose v2 from trixie's docker-compose package"
    apt-get "${o[@]}" update -qq
    (cd "$t" && rm -f docker-compose_*.deb && apt-get "${o[@]}" download docker-compose >/dev/null)
    rm -rf "$t/x" && dpkg -x "$t"/docker-compose_*.deb "$t/x"
    as_root install -D -m 0755 "$t/x/usr/libexec/docker/cli-plugins/docker-compose" "$compose_plugin"
  fi
  docker compose version >/dev/null || die "Compose v2 plugin did not install"
}

# yo drops root privileges and then fails, so the installed package is tested as this user.
# The `docker` group lets it reach the engine (and `check` build and start stacks).
test_user=djstatic
ensure_test_user() {
  getent group docker >/dev/null || as_root groupadd --system docker
  id -u "$test_user" >/dev/null 2>&1 || { log "creating user $test_user"; as_root useradd --create-home --shell /bin/bash "$test_user"; }
  id -nG "$test_user" | tr ' ' '\n' | grep -qx docker || as_root usermod -aG docker "$test_user"
  # An engine started before the group existed owns its socket as root:root.
  local socket=/var/run/docker.sock
  [ ! -S "$socket" ] || [ "$(stat -c %G "$socket")" = docker ] || as_root chgrp docker "$socket"
  as_root runuser -u "$test_user" -- docker compose version >/dev/null 2>&1 || die "user $test_user cannot run \`docker compose\`"
}

main() {
  case "${E2E_IMAGES:-auto}" in auto | real) ;; *) die "E2E_IMAGES=${E2E_IMAGES}: use auto (default) or real" ;; esac
  apt_install nginx-light python3 python3-django   # nginx -t, and Django for --inspect's tests
  [ "${E2E_IMAGES:-auto}" = real ] || apt_install debootstrap
  ensure_engine
  ensure_compose_v1
  ensure_compose_v2
  apt_install tmux   # a real pseudo-terminal for the interactive "as installed" tests
  # The Swarm e2e and benchmark push to a registry: Debian's, run on the host by the test itself
  # (`docker-registry serve <config>` on 127.0.0.1, temp storage); no image, nothing to pull.
  apt_install docker-registry
  ensure_test_user
  if [ "${E2E_IMAGES:-auto}" != real ]; then
    "$here/standin-images.sh" "$@"
  fi
  log "ready: $(docker version --format 'engine {{.Server.Version}}'), $(docker compose version --short 2>/dev/null | sed 's/^/compose v2 /'), $(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /')"
}
main "$@"
