#!/usr/bin/env bash
# Debian's Chromium for the report's browser test (driven by playwright-core, which downloads no browser of its own).
# Installed once per machine with apt-get; prints its path. JUDGEFLOW_CHROMIUM points at another build instead.
set -euo pipefail

chromium="${JUDGEFLOW_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then echo "$chromium"; exit 0; fi
if [ -n "${JUDGEFLOW_CHROMIUM:-}" ]; then
  echo "JUDGEFLOW_CHROMIUM=$chromium is not an executable file" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing: install Debian's chromium package (apt-get install chromium), or set JUDGEFLOW_CHROMIUM to a Chromium binary." >&2
  exit 1
fi
echo "Installing Debian's chromium package (once per machine)..." >&2
log="${TMPDIR:-/tmp}/judgeflow-chromium-install.log"
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$log" 2>&1; then
  echo "apt-get install chromium failed; last lines of $log:" >&2
  tail -n 5 "$log" >&2
  exit 1
fi
echo "$chromium"
