#!/usr/bin/env bash
# The curl examples of docs/server.md against a throwaway server:
#   tests/docs/run_curl_examples.sh [SERVER_BINARY]   (default build/native-debug/server/nnw_server)
# Starts a private PostgreSQL cluster in a temporary directory (--fast), migrates and seeds it
# exactly as scripts/run does, serves with NNW_DEMO=1 and fresh secrets on a free port, runs
# tests/docs/curl_examples.sh docs/server.md, then stops the server with SIGTERM (it must
# drain and exit 0) and destroys the cluster. Exit 0 only when every example passed.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

server=${1:-build/native-debug/server/nnw_server}
case $server in /*) ;; *) server=$root/$server ;; esac
if [ ! -x "$server" ]; then
  echo "$0: no server binary at $server (build it: cmake --build --preset native-debug --target nnw_server)" >&2
  exit 2
fi
for tool in curl psql python3; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is needed" >&2; exit 2; }
done

# Settings from the caller's environment must not change what the examples see.
unset NNW_LISTEN NNW_DB_POOL_SIZE NNW_DB_ACQUIRE_TIMEOUT_MS NNW_HTTP_THREADS NNW_WORKER_THREADS \
  NNW_BODY_LIMIT_BYTES NNW_REQUEST_TIMEOUT_S NNW_IDLE_TIMEOUT_S NNW_SHUTDOWN_GRACE_S NNW_MAX_IN_FLIGHT \
  NNW_WEB_ROOT NNW_RULES_CONFIG NNW_SMTP_URL NNW_SMTP_FROM \
  NNW_TRANSFER_LANES NNW_TRANSFER_BATCH_MAX NNW_TRANSFER_LINGER_US

# PostgreSQL runs as the postgres user when we are root: it must be able to enter the directory.
work=$(mktemp -d "${TMPDIR:-/tmp}/nnw-docs.XXXXXX")
chmod 755 "$work"
server_pid=
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  local status=$?
  set +e
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid"
  fi
  "$root/scripts/pg" destroy "$work/pg" >/dev/null 2>&1
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

DATABASE_URL=$("$root/scripts/pg" start "$work/pg" --fast --owner-pid $$ 2>"$work/pg-start.log" | tail -n 1) || {
  cat "$work/pg-start.log" >&2
  exit 1
}
export DATABASE_URL
NNW_JWT_SECRET=$(head -c 48 /dev/urandom | base64 -w0)
NNW_DATA_KEYS="k1:$(head -c 32 /dev/urandom | base64 -w0)"
export NNW_JWT_SECRET NNW_DATA_KEYS NNW_DEMO=1

# A port nobody listens on (checked, then taken by the server a moment later).
port=
for _ in $(seq 1 200); do
  candidate=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "$0: found no free port" >&2; exit 1; }
export NNW_LISTEN=127.0.0.1:$port
base_url=http://127.0.0.1:$port

log=$work/server.log
show_log() { echo "--- server log (last 40 lines) ---" >&2; tail -n 40 "$log" >&2; }

# The demo data, as scripts/run loads it.
# (Chained with &&: `set -e` does not apply inside a command list followed by ||.)
{
  "$server" --migrate-only &&
    psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -f server/db/seed/demo_members.sql &&
    psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -f server/db/seed/demo_catalog.sql &&
    "$server" --job deposit-commissions &&
    psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -f server/db/seed/demo_pending.sql &&
    psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -f server/db/seed/demo_travel.sql &&
    "$server" --job close-travel-campaigns
} >>"$log" 2>&1 || { echo "$0: migrating or seeding failed" >&2; show_log; exit 1; }

"$server" >>"$log" 2>&1 &
server_pid=$!
ready=0
for _ in $(seq 1 300); do
  if curl -sf --max-time 2 "$base_url/readyz" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ "$ready" != 1 ]; then
  echo "$0: the server did not become ready on $base_url" >&2
  show_log
  exit 1
fi

status=0
tests/docs/curl_examples.sh docs/server.md "$base_url" || status=$?

# Graceful shutdown: SIGTERM drains and exits 0.
kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=
if [ "$server_status" -ne 0 ]; then
  echo "$0: the server exited with status $server_status after SIGTERM" >&2
  show_log
  [ "$status" -ne 0 ] || status=1
fi
if [ "$status" -ne 0 ]; then show_log; fi
exit "$status"
