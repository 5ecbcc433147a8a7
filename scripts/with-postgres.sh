#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster, then deletes it.
#
#   scripts/with-postgres.sh CMD [ARG...]
#
# Starts a cluster in a temporary directory on a free loopback port, with
# scram-sha-256 password authentication, a user `tandem` and a database
# `tandem`; exports TANDEM_TEST_POSTGRES_URL and PGPASSWORD for CMD; stops
# and deletes the cluster when CMD ends (or the script is interrupted) and
# exits with CMD's exit code.
#
# PostgreSQL refuses to run as root, so as root the server runs as the
# `postgres` user (created if missing); as any other user it runs as that
# user. The binaries are found on PATH or under /usr/lib/postgresql/*/bin
# (Debian's layout); PG_BIN=DIR picks a folder.
#
# The server runs with fsync off (a test cluster is thrown away anyway);
# TANDEM_PG_OPTIONS replaces that, e.g. TANDEM_PG_OPTIONS="-c fsync=on" for
# benchmarks. PG_BIN_DIR is exported for CMD (pgbench lives there).
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: scripts/with-postgres.sh CMD [ARG...]" >&2
    exit 64
fi

find_bin() {
    if [ -n "${PG_BIN:-}" ]; then
        echo "$PG_BIN"
        return
    fi
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        # Through any symlink, to the folder that also holds psql and pgbench.
        dirname "$(readlink -f "$(command -v initdb)")"
        return
    fi
    # Debian keeps the server binaries off PATH, one folder per major
    # version; take the newest.
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
        return
    fi
    echo "with-postgres.sh: initdb not found; install PostgreSQL" >&2
    echo "(Debian: apt-get install postgresql) or set PG_BIN=DIR" >&2
    exit 69
}
BIN=$(find_bin)

# A free loopback port: bind port 0 and read what the kernel chose.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

WORK=$(mktemp -d /tmp/tandem-pg.XXXXXX)
DATA="$WORK/data"
PASSWORD="tandem-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    chown postgres "$WORK"
fi
chmod 700 "$WORK"

cleanup() {
    as_server_user "$BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

printf '%s\n' "$PASSWORD" > "$WORK/pwfile"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$WORK/pwfile"; fi
# The superuser is `tandem` itself: tests create schemas and databases, and
# terminate backends (pg_terminate_backend) to test dropped connections.
as_server_user "$BIN/initdb" -D "$DATA" -U tandem --pwfile="$WORK/pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C >"$WORK/initdb.log" 2>&1 ||
    { cat "$WORK/initdb.log" >&2; exit 70; }
rm -f "$WORK/pwfile"

# Loopback only, no Unix socket in a shared folder; enough connections for
# the tests running in parallel.
as_server_user "$BIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c max_connections=200 ${TANDEM_PG_OPTIONS:--c fsync=off}" \
    start >/dev/null ||
    { cat "$WORK/server.log" >&2; exit 70; }

export PGPASSWORD="$PASSWORD"
export PG_BIN_DIR="$BIN"
export TANDEM_TEST_POSTGRES_URL="postgresql://tandem@127.0.0.1:$PORT/tandem"
# Debian ships psql on PATH and the server binaries apart from it.
PSQL="$BIN/psql"
[ -x "$PSQL" ] || PSQL=$(command -v psql || true)
if [ -z "$PSQL" ]; then
    echo "with-postgres.sh: psql not found (Debian: postgresql-client)" >&2
    exit 69
fi
"$PSQL" -h 127.0.0.1 -p "$PORT" -U tandem -d postgres -q -v ON_ERROR_STOP=1 \
    -c 'CREATE DATABASE tandem' >/dev/null
echo "with-postgres.sh: PostgreSQL $("$BIN/pg_ctl" --version | awk '{print $3}') at 127.0.0.1:$PORT" >&2

set +e
"$@"
status=$?
set -e
exit "$status"
