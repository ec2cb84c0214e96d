#!/usr/bin/env bash
# Prints the path of a Go-built test tool, building it once per machine with `go install` into the per-user cache
# (beside the Temporal CLI), each tool in its own GOBIN. Progress goes to stderr, the path to stdout.
#   bash scripts/install-go-tool.sh versitygw        S3-compatible server (tests of s3:// exports)
#   bash scripts/install-go-tool.sh fake-gcs-server  GCS emulator (tests of gs:// exports)
#   bash scripts/install-go-tool.sh temporal-server    Temporal server (`npm run cluster`, on PostgreSQL)
#   bash scripts/install-go-tool.sh temporal-sql-tool  temporal-sql-tool: creates and upgrades its schema
#   bash scripts/install-go-tool.sh temporal-ui-server the Temporal Web UI server (v2.54.1: newer ones need a newer Go)
# The Temporal server and the UI server both install as `server`: each tool has its own GOBIN, so they never clash.
set -euo pipefail

case "${1:-}" in
  versitygw) module="github.com/versity/versitygw/cmd/versitygw"; version="v1.8.0"; binary="versitygw" ;;
  fake-gcs-server) module="github.com/fsouza/fake-gcs-server"; version="v1.56.1"; binary="fake-gcs-server" ;;
  temporal-server) module="go.temporal.io/server/cmd/server"; version="v1.29.1"; binary="server" ;;
  temporal-sql-tool) module="go.temporal.io/server/cmd/tools/sql"; version="v1.29.1"; binary="sql" ;;
  temporal-ui-server) module="github.com/temporalio/ui-server/v2/cmd/server"; version="v2.54.1"; binary="server" ;;
  *) echo "usage: install-go-tool.sh versitygw|fake-gcs-server|temporal-server|temporal-sql-tool|temporal-ui-server" >&2; exit 2 ;;
esac

dir="${XDG_CACHE_HOME:-$HOME/.cache}/judgeflow/go-tools/$1-$version"
# temporal-sql-tool needs the server's schema files (schema/postgresql/v12/...) beside it: they ship in its module.
schema_of() { [ "$1" != temporal-sql-tool ] || [ -d "$dir/schema/postgresql/v12" ]; }
if [ -x "$dir/$binary" ] && schema_of "$1"; then echo "$dir/$binary"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  echo "$1 is not built and Go is not available to build it: install Go 1.24 or later (apt-get install golang)." >&2
  exit 1
fi
mkdir -p "$(dirname "$dir")"
log="$dir.build.log"
echo "Building $1 $version with go install (once per machine; about two minutes)..." >&2
rm -rf "$dir.tmp"
if ! GOBIN="$dir.tmp" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "$module@$version" >"$log" 2>&1; then
  rm -rf "$dir.tmp"
  echo "go install of $1 $version failed; last lines of $log:" >&2
  tail -n 5 "$log" >&2
  exit 1
fi
if [ "$1" = temporal-sql-tool ]; then
  mkdir -p "$dir.tmp/schema"
  cp -R "$(go env GOMODCACHE)/go.temporal.io/server@$version/schema/postgresql" "$dir.tmp/schema/"
  chmod -R u+w "$dir.tmp/schema"
fi
rm -rf "$dir"
mv "$dir.tmp" "$dir"
echo "$dir/$binary"
