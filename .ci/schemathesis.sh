#!/usr/bin/env bash
# Fuzz the running API against its own OpenAPI schema with schemathesis: every check,
# a bounded number of examples per operation, as a user who may do everything.
# Fails on any server error or any response the schema does not describe.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  cd /
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A production-like server (DEBUG off) on a throwaway SQLite database.
export DEBUG=false
export SECRET_KEY="schemathesis-only-$(date +%s)-not-a-secret"
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
# Fuzzing sends thousands of requests a minute; throttling is tested in tests/api/.
export API_THROTTLE_USER=1000000/minute
export API_THROTTLE_ANON=1000000/minute

"$PY" manage.py migrate --noinput -v 0
# With DEBUG off pages name hashed static files (a 404 page too): collect them.
"$PY" manage.py collectstatic --noinput -v 0
"$PY" manage.py seed_demo --contacts 300 -v 0 >/dev/null
TOKEN="$("$PY" manage.py drf_create_token admin | awk '{print $3}')"

PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
.venv/bin/gunicorn crm.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
  --timeout 60 --log-level warning >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 60); do
  if curl -fs -o /dev/null -H "Authorization: Token $TOKEN" \
    "http://127.0.0.1:$PORT/api/schema/"; then
    break
  fi
  sleep 1
done

# A request naming a record that does not exist (contact 0, event -5) matches the
# schema, which cannot list the ids in the database, and is rightly refused with
# 400 naming the field; so 400 counts as accepting valid data's shape.
cat >"$WORK/schemathesis.toml" <<'TOML'
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409"]
TOML

# Excluded: none of the operations. The token's own user is never reachable through
# the API (there is no users endpoint), so every DELETE is safe to fuzz.
status=0
ROOT="$PWD"
cd "$WORK"  # schemathesis keeps a cache in the working directory
timeout "${SCHEMATHESIS_TIMEOUT:-450}" "$ROOT/.venv/bin/schemathesis" \
  --config-file "$WORK/schemathesis.toml" run "http://127.0.0.1:$PORT/api/schema/" \
  --checks all \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-10}" \
  --request-timeout 30 \
  --workers 2 \
  --seed "${SCHEMATHESIS_SEED:-2026}" \
  --header "Authorization: Token $TOKEN" \
  --report-dir "$WORK/report" \
  --warnings off || status=$?

if grep -qE "Traceback|Internal Server Error" "$WORK/server.log" 2>/dev/null; then
  echo "== server errors logged during the run:"
  cat "$WORK/server.log"
  status=1
fi
exit "$status"
