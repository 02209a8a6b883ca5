#!/usr/bin/env bash
# Builds local stand-ins for the base images the generated files name, for machines that
# cannot pull from a registry. Each stand-in is a Debian root filesystem (debootstrap)
# imported under the exact tag, so the generated Dockerfile and compose file run unmodified.
#
# A tag that already exists and is not one of ours (a real pulled image) is left alone.
# Stand-ins are cached: the rootfs by a hash of this recipe, the image as
# django-static-standin:<kind>-<suite>-<hash>.
# Usage: scripts/standin-images.sh [--list] [--bench | TAG ...]
#   no argument: the images the tests use (lib/config/images.json: nginx, postgres, redis, python for each
#                tested version, the ACME client lego, and the test-only ACME server pebble)
#   --bench:     those plus the benchmark's load generator
set -euo pipefail
log() { printf '[standin] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# PostgreSQL drivers: python3-psycopg satisfies `psycopg`, python3-psycopg2 `psycopg2` (the binary
# wheels cannot be installed offline); python3-dj-database-url for DATABASE_URL settings;
# python3-django-compressor for offline-compressor projects (COMPRESS_OFFLINE).
# The processes a project runs beside the web app: Celery (with django-celery-beat and the redis
# client), RQ (django-rq), and ASGI servers (uvicorn, daphne, Channels with channels-redis).
# As in the official python images: Python's headers (libpython3-dev); and the upstream wheels of
# setuptools and wheel (Debian's own setuptools is de-vendored), which pip's build isolation
# installs to build an sdist.
PACKAGES=python3,python3-pip,python3-django,gunicorn,libjs-jquery,nginx-light,wget,ca-certificates,python3-whitenoise,wrk,python3-psycopg,python3-psycopg2,python3-dj-database-url,python3-django-compressor,libpython3-dev,python3-setuptools-whl,python3-wheel-whl,python3-celery,python3-redis,python3-django-celery-beat,python3-rq,python3-django-rq,python3-uvicorn,daphne,python3-django-channels,python3-channels-redis
# The postgres:17 stand-in needs PostgreSQL 17, which only trixie has.
PACKAGES_TRIXIE=postgresql-17
# The ACME images get a root filesystem of their own, small: Debian's lego 4.9 and pebble 2.4
# (bookworm) are static Go binaries; openssl makes pebble's own listener certificate.
PACKAGES_ACME=lego,pebble,ca-certificates,openssl
# The broker/cache image (redis) gets its own small root filesystem too: Debian's redis-server
# (bookworm: Redis 7.0, the major the generated files name).
PACKAGES_REDIS=redis-server
packages_for() {
  case "$1" in
    acme-*) echo "$PACKAGES_ACME" ;;
    redis-*) echo "$PACKAGES_REDIS" ;;
    trixie) echo "$PACKAGES,$PACKAGES_TRIXIE" ;;
    *) echo "$PACKAGES" ;;
  esac
}

# What makes a stand-in what it is, beyond the package list (part of the recipe hash).
customize_rootfs() {
  local dir=$1
  rm -f "$dir"/usr/lib/python3*/EXTERNALLY-MANAGED      # official python images have no PEP 668 marker
  ln -sf /usr/bin/python3 "$dir/usr/local/bin/python"
  rm -f "$dir/etc/nginx/sites-enabled/default"           # official nginx images read conf.d/ only
  ln -sf /dev/stdout "$dir/var/log/nginx/access.log"      # as the official image does
  ln -sf /dev/stderr "$dir/var/log/nginx/error.log"
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  # pip wheel (the generated Dockerfile's builder) needs distribution files: the installed
  # packages as wheels, which the image's PIP_FIND_LINKS offers as PyPI would.
  python3 "$here/standin-wheelhouse.py" "$dir" "$WHEELHOUSE" >/dev/null
  cp "$dir"/usr/share/python-wheels/setuptools-*.whl "$dir"/usr/share/python-wheels/wheel-*.whl "$dir$WHEELHOUSE/"
  if [ -d "$dir/usr/lib/postgresql/17" ]; then
    # The package's own cluster is unused: the entrypoint initialises $PGDATA, as the official image does.
    rm -rf "$dir"/var/lib/postgresql/17 "$dir"/etc/postgresql/17
    install -m 0755 /dev/stdin "$dir/usr/local/bin/docker-entrypoint.sh" <<'ENTRYPOINT'
#!/bin/sh
# Stand-in for the official postgres image's entrypoint, with the same documented interface:
# POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_USER, POSTGRES_DB,
# each also as <name>_FILE (a Swarm secret's path, read as root), POSTGRES_INITDB_ARGS, PGDATA,
# /docker-entrypoint-initdb.d/*.sql|*.sh on first start only.
# The server runs as the postgres user; any other command runs as given.
set -eu
case "${1:-postgres}" in -*) set -- postgres "$@" ;; esac
[ $# -gt 0 ] || set -- postgres
[ "$1" = postgres ] || exec "$@"
for var in POSTGRES_PASSWORD POSTGRES_USER POSTGRES_DB; do
  eval "value=\${$var:-} file=\${${var}_FILE:-}"
  [ -n "$file" ] || continue
  if [ -n "$value" ]; then echo "error: both $var and ${var}_FILE are set (but are exclusive)" >&2; exit 1; fi
  export "$var=$(cat "$file")"
done
: "${PGDATA:=/var/lib/postgresql/data}" "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
export PGDATA
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  chmod 3777 /var/run/postgresql
  as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
else
  as_postgres() { "$@"; }
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
    echo 'Error: Database is uninitialized and superuser password is not specified.' >&2
    echo '       You must specify POSTGRES_PASSWORD to a non-empty value for the' >&2
    echo '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".' >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" > "$pwfile"
  [ "$(id -u)" != 0 ] || chown postgres "$pwfile"
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of words, as in the official image
  as_postgres initdb --username="$POSTGRES_USER" --pwfile="$pwfile" ${POSTGRES_INITDB_ARGS:-} >/dev/null
  rm -f "$pwfile"
  printf "\nlisten_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
  printf '\nhost all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"
  as_postgres pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  [ "$POSTGRES_DB" = postgres ] || as_postgres createdb --username="$POSTGRES_USER" -- "$POSTGRES_DB"
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) as_postgres psql -v ON_ERROR_STOP=1 --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" -f "$f" ;;
      *.sh) as_postgres sh "$f" ;;
    esac
  done
  as_postgres pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo 'PostgreSQL init process complete; ready for start up.'
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
ENTRYPOINT
    mkdir -p "$dir/docker-entrypoint-initdb.d"
  fi
}

image_changes() {
  case "$1" in
    # pip resolves only from what the image holds, through pip's own environment;
    # the generated Dockerfile stays exactly what users get.
    python) printf '%s\n' 'ENV PIP_NO_INDEX=1' "ENV PIP_FIND_LINKS=$WHEELHOUSE" 'ENV PIP_DISABLE_PIP_VERSION_CHECK=1' 'CMD ["python3"]' ;;
    nginx) printf '%s\n' 'CMD ["nginx","-g","daemon off;"]' 'EXPOSE 80' ;;
    debian) printf '%s\n' 'CMD ["bash"]' ;;
    # As the official image: server binaries on PATH, PGDATA, the entrypoint. (`docker import` cannot
    # set STOPSIGNAL SIGINT; SIGTERM is PostgreSQL's smart shutdown, clean once the app has stopped.)
    postgres) printf '%s\n' 'ENV PATH=/usr/lib/postgresql/17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      'ENV PGDATA=/var/lib/postgresql/data' 'ENV LANG=C.UTF-8' 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["postgres"]' \
      'EXPOSE 5432' 'VOLUME /var/lib/postgresql/data' ;;
  esac
}

# The ACME images (goacme/lego and the test-only pebble) share one small root filesystem with
# a recipe hash of its own, so adding them rebuilt none of the stand-ins above.
customize_acme_rootfs() {
  local dir=$1
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  # As the official letsencrypt/pebble image: a config and a listener certificate under /test.
  # The certificate covers the name the stack reaches pebble by (`pebble`) and localhost.
  mkdir -p "$dir/test/config" "$dir/test/certs/localhost"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=pebble \
    -addext 'subjectAltName=DNS:pebble,DNS:localhost,IP:127.0.0.1' \
    -keyout "$dir/test/certs/localhost/key.pem" -out "$dir/test/certs/localhost/cert.pem" 2>/dev/null
  chmod 0644 "$dir/test/certs/localhost/key.pem"
  cat > "$dir/test/config/pebble-config.json" <<'PEBBLE'
{"pebble": {"listenAddress": "0.0.0.0:14000", "managementListenAddress": "0.0.0.0:15000",
  "certificate": "/test/certs/localhost/cert.pem", "privateKey": "/test/certs/localhost/key.pem",
  "httpPort": 80, "tlsPort": 443, "ocspResponderURL": "", "externalAccountBindingRequired": false}}
PEBBLE
}
acme_image_changes() {
  case "$1" in
    # As goacme/lego: the binary is the entrypoint (its official image is Alpine: /bin/sh is there too).
    lego) printf '%s\n' 'ENTRYPOINT ["lego"]' ;;
    # As letsencrypt/pebble. -dnsserver 127.0.0.11:53 (Docker's DNS) is the test's to add.
    pebble) printf '%s\n' 'ENTRYPOINT ["pebble"]' 'CMD ["-config","/test/config/pebble-config.json"]' 'EXPOSE 14000 15000' ;;
  esac
}

# Stand-in for the official redis image: the same entrypoint contract (a first argument that is
# an option or a .conf file runs redis-server with it; redis-server started as root drops to the
# redis user after taking ownership of /data), protected mode off by default as the official
# build patches it, WORKDIR and VOLUME /data, port 6379.
customize_redis_rootfs() {
  local dir=$1
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  mkdir -p "$dir/data"
  chroot "$dir" chown redis:redis /data   # as the official image: a fresh volume at /data is redis's to write
  install -m 0755 /dev/stdin "$dir/usr/local/bin/docker-entrypoint.sh" <<'ENTRYPOINT'
#!/bin/sh
set -e
case "${1:-}" in -* | *.conf) set -- redis-server "$@" ;; esac
if [ "${1:-}" = redis-server ]; then
  case " $* " in *" --protected-mode "*) ;; *) set -- "$@" --protected-mode no ;; esac
  if [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec setpriv --reuid=redis --regid=redis --init-groups -- "$@"
  fi
fi
exec "$@"
ENTRYPOINT
}
redis_image_changes() {
  case "$1" in
    redis) printf '%s\n' 'WORKDIR /data' 'VOLUME /data' 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["redis-server"]' 'EXPOSE 6379' ;;
  esac
}

here=$(cd "$(dirname "$0")" && pwd)
WHEELHOUSE=/usr/local/share/standin-wheels
recipe_hash=$(printf '%s\n' "$PACKAGES" "$PACKAGES_TRIXIE" "$WHEELHOUSE" "$(declare -f customize_rootfs image_changes)" "$(cat "$here/standin-wheelhouse.py")" | sha256sum | cut -c1-12)
acme_recipe_hash=$(printf '%s\n' "$PACKAGES_ACME" "$(declare -f customize_acme_rootfs acme_image_changes)" | sha256sum | cut -c1-12)
redis_recipe_hash=$(printf '%s\n' "$PACKAGES_REDIS" "$(declare -f customize_redis_rootfs redis_image_changes)" | sha256sum | cut -c1-12)
hash_for() { case "$1" in acme-*) echo "$acme_recipe_hash" ;; redis-*) echo "$redis_recipe_hash" ;; *) echo "$recipe_hash" ;; esac; }
cache=${DJANGO_STATIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/django-static}
mkdir -p "$cache"

# Python 3.11 images get bookworm (Django 3.2: the pre-STORAGES settings path);
# everything else gets trixie (Python 3.13, Django 4.2).
suite_for() {
  case "$1" in
    python:3.11* | debian:bookworm*) echo bookworm ;;
    goacme/lego:* | */pebble:*) echo acme-bookworm ;;
    redis:*) echo redis-bookworm ;;
    *) echo trixie ;;
  esac
}
kind_for() {
  case "$1" in
    python:*) echo python ;;
    nginx:*) echo nginx ;;
    debian:*) echo debian ;;   # the benchmark's load generator (wrk is in the rootfs)
    postgres:17*) echo postgres ;;
    goacme/lego:*) echo lego ;;
    */pebble:*) echo pebble ;;   # the test-only ACME server
    redis:*) echo redis ;;
    *) die "no stand-in recipe for $1" ;;
  esac
}

rootfs_tar() {
  local suite=$1 tar; tar="$cache/rootfs-$1-$(hash_for "$1").tar"
  if [ ! -s "$tar" ]; then
    command -v debootstrap >/dev/null || die "debootstrap is needed to build stand-in images"
    local dir; dir=$(mktemp -d /tmp/django-static-rootfs.XXXXXX)
    log "debootstrap $suite (about a minute)"
    debootstrap --variant=minbase \
      --include="$(packages_for "$suite")" \
      "${suite#*-}" "$dir" >"$cache/debootstrap-$suite.log" 2>&1 \
      || { tail -n 20 "$cache/debootstrap-$suite.log" >&2; die "debootstrap $suite failed"; }
    case "$suite" in
      acme-*) customize_acme_rootfs "$dir" ;;
      redis-*) customize_redis_rootfs "$dir" ;;
      *) customize_rootfs "$dir" ;;
    esac
    tar -C "$dir" -cf "$tar.part" . && mv "$tar.part" "$tar"
    rm -rf "$dir"
    # Root filesystems of older recipes are no longer used.
    find "$cache" -maxdepth 1 -name "rootfs-$suite-*.tar" ! -name "$(basename "$tar")" -delete
  fi
  echo "$tar"
}

ensure_standin() {
  local tag=$1 kind suite id
  kind=$(kind_for "$tag"); suite=$(suite_for "$tag")
  local hash; hash=$(hash_for "$suite")
  local ours="django-static-standin:$kind-$suite-$hash"
  if docker image inspect "$tag" >/dev/null 2>&1; then
    if ! docker image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$tag" | grep -q '^DJANGO_STATIC_STANDIN='; then
      log "$tag exists and is a real image: using it"; return 0
    fi
    if [ "$(docker image inspect --format '{{.Id}}' "$tag")" = "$(docker image inspect --format '{{.Id}}' "$ours" 2>/dev/null || true)" ]; then
      return 0
    fi
  fi
  if ! docker image inspect "$ours" >/dev/null 2>&1; then
    local tar; tar=$(rootfs_tar "$suite")
    local changes=(-c "ENV DJANGO_STATIC_STANDIN=$kind-$suite-$hash")
    while IFS= read -r change; do changes+=(-c "$change"); done < <(image_changes "$kind"; acme_image_changes "$kind"; redis_image_changes "$kind")
    log "importing $ours"
    docker import "${changes[@]}" "$tar" "$ours" >/dev/null
  fi
  docker tag "$ours" "$tag"
  log "$tag -> stand-in $ours"
  # Stand-ins of older recipes for the same kind and suite.
  docker image ls --format '{{.Repository}}:{{.Tag}}' django-static-standin \
    | grep "^django-static-standin:$kind-$suite-" | grep -v ":$kind-$suite-$hash\$" \
    | xargs -r docker rmi >/dev/null 2>&1 || true
}

# Every tag is defined once, in lib/config/images.json (the generator's defaults read it too).
images_json="$(cd "$(dirname "$0")/.." && pwd)/lib/config/images.json"
image_tags() {
  node -p 'const i = require(process.argv[1]);
    [...i.pythonVersionsTested.map((v) => i.python.replace("{version}", v)), i.nginx, i.postgres, i.redis, i.acme, i.pebbleTest, ...(process.argv[2] === "--bench" ? [i.loadgen] : [])].join(" ")' \
    "$images_json" "${1:-}"
}
list_only=
if [ "${1:-}" = --list ]; then list_only=1; shift; fi   # print the tags, build nothing
if [ $# -eq 0 ] || [ "$1" = --bench ]; then
  read -r -a tags < <(image_tags "${1:-}")
  set -- "${tags[@]}"
fi
if [ -n "$list_only" ]; then printf '%s\n' "$@"; exit 0; fi
for tag in "$@"; do ensure_standin "$tag"; done
