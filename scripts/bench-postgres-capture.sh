#!/usr/bin/env bash
# What PostgreSQL capture costs the applications that write a side.
#
#   scripts/bench-postgres-capture.sh [CLIENTS] [SECONDS] [ROUNDS]
#
# Starts a throwaway cluster (scripts/with-postgres.sh, fsync on like a real
# server), fills a 100,000-row table and lets pgbench write it with CLIENTS
# connections (default 8), SECONDS a run (default 8), in ROUNDS rounds
# (default 3) of:
#
#   plain        no trigger: the physical limit of this machine
#   capture      Tandem's capture installed, no reader
#   live reader  capture with a reader following the log as the engine does
#   waiting      capture with a reader's flag stuck on: every statement
#                notifies (the worst case of the wake-up design)
#   notify/row   capture plus a NOTIFY in a row trigger (the design rejected)
#
# for one-row UPDATEs and INSERTs; each figure is the median of its rounds,
# with its ratio to the median plain run (the rounds interleave, so a
# neighbour's load falls on every variant alike). Then a single client's
# INSERTs, the rate at which the endpoint reads the log back, commit-to-read
# latency at 1,000 changes/s (LISTEN/NOTIFY wake-up) and the CPU of an idle
# waiting reader. Capture is installed by tandem-postgres-bench (the real
# endpoint), so what is measured is the trigger Tandem installs.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${1:-8}
SECONDS_PER_RUN=${2:-8}
ROUNDS=${3:-3}

if [ -z "${TANDEM_BENCH_INSIDE:-}" ]; then
    swift build -c release --product tandem-postgres-bench >&2
    export TANDEM_BENCH_INSIDE=1
    export TANDEM_PG_OPTIONS="-c fsync=on -c shared_buffers=256MB -c max_wal_size=4GB"
    exec scripts/with-postgres.sh "$0" "$CLIENTS" "$SECONDS_PER_RUN" "$ROUNDS"
fi

BENCH=.build/release/tandem-postgres-bench
PGBENCH="$PG_BIN_DIR/pgbench"
[ -x "$PGBENCH" ] || PGBENCH=$(command -v pgbench)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
sql() { psql "$TANDEM_TEST_POSTGRES_URL" -X -q -v ON_ERROR_STOP=1 -c "$1" >/dev/null; }

sql "CREATE SCHEMA bench"
sql "CREATE TABLE bench.item (id bigint PRIMARY KEY, qty integer NOT NULL, note text)"
sql "CREATE TABLE bench.ins (id bigserial PRIMARY KEY, qty integer NOT NULL, note text)"
sql "INSERT INTO bench.item SELECT n, 0, 'note ' || n FROM generate_series(1, 100000) n"
sql "VACUUM ANALYZE bench.item"
# The rejected design, for comparison: a NOTIFY for every captured row.
sql "CREATE FUNCTION bench.notify_row() RETURNS trigger LANGUAGE plpgsql AS \$\$
     BEGIN PERFORM pg_notify('bench_rows', ''); RETURN NULL; END \$\$"

cat >"$WORK/update.sql" <<'SQL'
\set id random(1, 100000)
UPDATE bench.item SET qty = qty + 1 WHERE id = :id;
SQL
cat >"$WORK/insert.sql" <<'SQL'
INSERT INTO bench.ins (qty, note) VALUES (1, 'a new row');
SQL

tps() { # FILE CLIENTS -> transactions per second
    "$PGBENCH" -n -c "$2" -j 2 -T "$SECONDS_PER_RUN" -f "$1" "$TANDEM_TEST_POSTGRES_URL" 2>/dev/null |
        awk '/^tps = / { printf "%d", $3 }'
}
report() { # LABEL TPS LIMIT
    awk -v l="$1" -v t="$2" -v p="$3" 'BEGIN { printf "%-42s %7d tps  %5.2f x plain\n", l, t, t / p }'
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
    "PostgreSQL $("$PG_BIN_DIR/postgres" --version | awk '{print $3}'), fsync on;" \
    "$CLIENTS clients, ${SECONDS_PER_RUN} s a run; $(date -u '+%Y-%m-%d %H:%M UTC');" \
    "load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "each figure: the median of $ROUNDS interleaved rounds; ratio to the plain median"

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for workload in update insert; do
    file="$WORK/$workload.sql"
    table=$([ "$workload" = update ] && echo item || echo ins)
    plain="" capture="" following="" waiting="" perrow="" reads=""
    for round in $(seq "$ROUNDS"); do
        plain="$plain $(tps "$file" "$CLIENTS")"
        "$BENCH" install bench "$table"
        capture="$capture $(tps "$file" "$CLIENTS")"
        # A live reader, as the engine runs: waits (LISTEN) when it has
        # caught up, so writers notify only while it waits.
        "$BENCH" follow bench "$((SECONDS_PER_RUN + 2))" >"$WORK/follow.out" &
        follower=$!
        sleep 1
        following="$following $(tps "$file" "$CLIENTS")"
        wait "$follower"
        reads="$reads
    round $round: $(cat "$WORK/follow.out")"
        sql "INSERT INTO bench._tandem_waiting (reader, waiting)
             VALUES ('bench', true)
             ON CONFLICT (reader) DO UPDATE SET waiting = true"
        waiting="$waiting $(tps "$file" "$CLIENTS")"
        sql "UPDATE bench._tandem_waiting SET waiting = false"
        sql "CREATE TRIGGER notify_row AFTER INSERT OR UPDATE OR DELETE
             ON bench.$table FOR EACH ROW EXECUTE FUNCTION bench.notify_row()"
        perrow="$perrow $(tps "$file" "$CLIENTS")"
        sql "DROP TRIGGER notify_row ON bench.$table"
        "$BENCH" remove bench "$table"
    done
    limit=$(echo "$plain" | median)
    echo "$workload: plain runs:$plain; capture:$capture; live reader:$following;" \
        "waiting:$waiting; notify/row:$perrow"
    report "$workload, plain (the limit)" "$limit" "$limit"
    report "$workload, capture" "$(echo "$capture" | median)" "$limit"
    report "$workload, capture, live reader" "$(echo "$following" | median)" "$limit"
    echo "   the live reader:$reads"
    report "$workload, capture, reader always waiting" "$(echo "$waiting" | median)" "$limit"
    report "$workload, capture + NOTIFY per row" "$(echo "$perrow" | median)" "$limit"
done

single=$(tps "$WORK/insert.sql" 1)
"$BENCH" install bench ins
single_capture=$(tps "$WORK/insert.sql" 1)
"$BENCH" remove bench ins
single_again=$(tps "$WORK/insert.sql" 1)
limit=$(( (single + single_again) / 2 ))
report "insert, 1 client, plain (first run)" "$single" "$limit"
report "insert, 1 client, plain (last run)" "$single_again" "$limit"
report "insert, 1 client, capture" "$single_capture" "$limit"
"$BENCH" read bench
sql "CREATE SCHEMA lat"
"$BENCH" latency lat 5000 1000
"$BENCH" idle bench 20
