#!/usr/bin/env bash
# A Python with pandas, for the tests that read exports back as pandas users do (test/support/python-csv.ts).
# Prints the interpreter's path: JUDGEFLOW_PANDAS_PYTHON, else the first python3 that imports pandas, else Debian's
# python3-pandas installed once per machine with apt-get (for /usr/bin/python3; no other registry is needed).
set -euo pipefail

has_pandas() { "$1" -c 'import pandas' >/dev/null 2>&1; }

if [ -n "${JUDGEFLOW_PANDAS_PYTHON:-}" ]; then
  if has_pandas "$JUDGEFLOW_PANDAS_PYTHON"; then echo "$JUDGEFLOW_PANDAS_PYTHON"; exit 0; fi
  echo "JUDGEFLOW_PANDAS_PYTHON=$JUDGEFLOW_PANDAS_PYTHON cannot import pandas" >&2
  exit 1
fi
for python in "$(command -v python3 || true)" /usr/bin/python3; do
  if [ -n "$python" ] && has_pandas "$python"; then echo "$python"; exit 0; fi
done
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "pandas is missing: install Debian's python3-pandas package (apt-get install python3-pandas), or set JUDGEFLOW_PANDAS_PYTHON to a Python that has pandas." >&2
  exit 1
fi
echo "Installing Debian's python3-pandas package (once per machine)..." >&2
log="${TMPDIR:-/tmp}/judgeflow-pandas-install.log"
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pandas; } >"$log" 2>&1; then
  echo "apt-get install python3-pandas failed; last lines of $log:" >&2
  tail -n 5 "$log" >&2
  exit 1
fi
if ! has_pandas /usr/bin/python3; then
  echo "python3-pandas is installed but /usr/bin/python3 cannot import pandas" >&2
  exit 1
fi
echo /usr/bin/python3
