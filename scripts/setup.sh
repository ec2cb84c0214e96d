#!/usr/bin/env bash
# Idempotent set-up shared by `npm test`, `npm run demo`, `npm run worker`:
# npm dependencies (npm ci when node_modules is missing or stale), a local secret key, the Temporal CLI, the database
# and migrations.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { [ -n "${JUDGEFLOW_QUIET_SETUP:-}" ] || echo "setup: $*" >&2; }

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.judgeflow-lock-hash ] || [ "$(cat node_modules/.judgeflow-lock-hash)" != "$lock_hash" ]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.judgeflow-lock-hash
fi

# A local key for the connector configs' credentials (production sets JUDGEFLOW_SECRET_KEY instead; see README).
key_file="${JUDGEFLOW_SECRET_KEY_FILE:-${JUDGEFLOW_DATA_DIR:-.data}/secret.key}"
if [ -z "${JUDGEFLOW_SECRET_KEY:-}" ] && [ ! -f "$key_file" ]; then
  mkdir -p "$(dirname "$key_file")"
  (umask 077 && head -c 32 /dev/urandom | base64 > "$key_file")
  say "generated a local secret key for connector credentials in $key_file"
fi

temporal_cli=$(bash scripts/install-temporal.sh)
say "Temporal CLI: $temporal_cli"

if [ -z "${JUDGEFLOW_SKIP_DB_SETUP:-}" ]; then
  npx --no-install tsx scripts/setup-db.ts
fi
