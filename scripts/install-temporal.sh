#!/usr/bin/env bash
# Prints the path of a Temporal CLI, building it once with `go install` into a per-user cache when needed.
# Order: $TEMPORAL_CLI, `temporal` on PATH, the cache, then a build (v1.5.1, falling back to v1.5.0 and v1.4.1;
# later tags carry a `replace` directive that `go install` refuses). Progress goes to stderr, the path to stdout.
set -euo pipefail

if [ -n "${TEMPORAL_CLI:-}" ]; then
  if [ -x "$TEMPORAL_CLI" ]; then echo "$TEMPORAL_CLI"; exit 0; fi
  echo "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable file; unset it or point it at a Temporal CLI binary." >&2
  exit 1
fi
if command -v temporal >/dev/null 2>&1; then command -v temporal; exit 0; fi

cache="${XDG_CACHE_HOME:-$HOME/.cache}/judgeflow/temporal-cli"
for version in v1.5.1 v1.5.0 v1.4.1; do
  if [ -x "$cache/$version/temporal" ]; then echo "$cache/$version/temporal"; exit 0; fi
done

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<'MSG'
The Temporal CLI is not installed and Go is not available to build it.
Install Go 1.24 or later (https://go.dev/doc/install, or `apt-get install golang`), or install the
Temporal CLI yourself and put `temporal` on PATH (or set TEMPORAL_CLI=/path/to/temporal).
MSG
  exit 1
fi

mkdir -p "$cache"
for version in v1.5.1 v1.5.0 v1.4.1; do
  echo "Building the Temporal CLI $version with go install (once per machine; this takes a few minutes)..." >&2
  log="$cache/build-$version.log"
  if GOBIN="$cache/$version.tmp" GOFLAGS="${GOFLAGS:-} -buildvcs=false" \
      go install "github.com/temporalio/cli/cmd/temporal@$version" >"$log" 2>&1; then
    rm -rf "${cache:?}/$version"
    mv "$cache/$version.tmp" "$cache/$version"
    echo "Temporal CLI $version built: $cache/$version/temporal" >&2
    echo "$cache/$version/temporal"
    exit 0
  fi
  rm -rf "${cache:?}/$version.tmp"
  echo "go install of the Temporal CLI $version failed; last lines of $log:" >&2
  tail -n 5 "$log" >&2
done
echo "Could not build the Temporal CLI (see the logs in $cache). Install it by hand and set TEMPORAL_CLI." >&2
exit 1
