#!/usr/bin/env bash
# The raw-SQL anchor and Ponte back to back, interleaved (raw, Ponte, raw, Ponte… for each
# workload and client count), with the ratios printed at the end. It builds Ponte, starts it on a
# port of its own (18090) on a fresh database (ponte_bench), recreates the anchor's database
# (ponte_raw, schema of ../shared/bench/pgbench/README.md), runs cmd/loadgen with -anchor-url and
# stops Ponte. Every other argument goes to loadgen.
#
#   bench/anchor-vs-ponte.sh --quick                                  # minutes: 5 s windows, 1 and 16 clients
#   bench/anchor-vs-ponte.sh -workloads W1,W2,W6 -clients 1,16,32 -pairs 2 -json /tmp/perf.json
#
# PostgreSQL on 127.0.0.1:5432 (user postgres, trust), pgbench and psql on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18090}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
BENCH_DB=${BENCH_DB:-ponte_bench}
RAW_DB=${RAW_DB:-ponte_raw}
ANCHOR_DIR=${ANCHOR_DIR:-../shared/bench/pgbench}

args=()
for a in "$@"; do
  case "$a" in
    --quick) args+=(-quick) ;;
    *) args+=("$a") ;;
  esac
done

[ -f "$ANCHOR_DIR/full-transfer.sql" ] || { echo "no pgbench scripts in $ANCHOR_DIR (set ANCHOR_DIR)" >&2; exit 2; }
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "== fresh databases: $BENCH_DB (Ponte creates and migrates it), $RAW_DB (the anchor)"
psql "$PG/postgres" -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS $RAW_DB WITH (FORCE)" -c "CREATE DATABASE $RAW_DB"
psql "$PG/$RAW_DB" <<'SQL'
create table balances(id bigint primary key, available bigint not null);
create table payments(id bigserial primary key, src bigint, dst bigint, amount bigint, idem text unique, created_at timestamptz default now());
create table entries(id bigserial primary key, payment_id bigint, account_id bigint, amount bigint, balance_after bigint, created_at timestamptz default now());
create index on entries(account_id, id);
insert into balances select g, 1000000000000 from generate_series(1,1000) g;
-- The statement page reads at least 50 entries per account; the transfers add more as they run.
insert into entries(payment_id, account_id, amount, balance_after) select 0, a, 1, 1000000000000 from generate_series(1,60) k, generate_series(1,1000) a;
vacuum analyze;
SQL

echo "== build"
go build -o /tmp/ponte-bench-$PORT .
go build -o /tmp/loadgen-$PORT ./cmd/loadgen

log=/tmp/ponte-bench-$PORT.log
echo "== Ponte on localhost:$PORT (log: $log)"
PONTE_ENV=development PORT=$PORT DATABASE_URL="$PG/$BENCH_DB?sslmode=disable" PONTE_DEV_TOKEN_TTL=2h \
  /tmp/ponte-bench-$PORT >"$log" 2>&1 &
pid=$!
stop() { kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 1 120); do
  curl -sf "http://localhost:$PORT/healthz" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "Ponte exited:" >&2; tail -20 "$log" >&2; exit 1; }
  sleep 0.5
done
curl -sf "http://localhost:$PORT/healthz" >/dev/null || { echo "Ponte not healthy in 60 s" >&2; exit 1; }

pgv=$(command psql -X -Atc 'show server_version' "$PG/postgres")
note="commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo '+dirty'), $(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), PostgreSQL $pgv on the same host, $(date -u +%FT%TZ)"
echo "== $note"
/tmp/loadgen-$PORT -url "http://localhost:$PORT" -database-url "$PG/$BENCH_DB?sslmode=disable" -server-pid "$pid" \
  -anchor-url "$PG/$RAW_DB?sslmode=disable" -anchor-scripts "$ANCHOR_DIR" -note "$note" "${args[@]}"
echo "$note"
