#!/usr/bin/env bash
# A Python with the independent implementations the tests check judgeflow against: pandas (exports read back as
# pandas users do, test/support/python-csv.ts) and scikit-learn, statsmodels and scipy (the agreement statistics,
# test/support/python-stats.ts). Prints the interpreter's path: JUDGEFLOW_TEST_PYTHON, else the first python3 that
# imports them all, else Debian's packages installed once per machine with apt-get (for /usr/bin/python3; no other
# registry is needed).
set -euo pipefail

modules="pandas, sklearn, statsmodels, scipy"
packages="python3-pandas python3-sklearn python3-statsmodels python3-scipy"
has_modules() { "$1" -c "import $modules" >/dev/null 2>&1; }

if [ -n "${JUDGEFLOW_TEST_PYTHON:-}" ]; then
  if has_modules "$JUDGEFLOW_TEST_PYTHON"; then echo "$JUDGEFLOW_TEST_PYTHON"; exit 0; fi
  echo "JUDGEFLOW_TEST_PYTHON=$JUDGEFLOW_TEST_PYTHON cannot import $modules" >&2
  exit 1
fi
for python in "$(command -v python3 || true)" /usr/bin/python3; do
  if [ -n "$python" ] && has_modules "$python"; then echo "$python"; exit 0; fi
done
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "the tests need Python with $modules: install Debian's $packages (apt-get install $packages), or set JUDGEFLOW_TEST_PYTHON to a Python that has them." >&2
  exit 1
fi
echo "Installing Debian's $packages (once per machine)..." >&2
log="${TMPDIR:-/tmp}/judgeflow-test-python-install.log"
# shellcheck disable=SC2086 # the package list is meant to split
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages; } >"$log" 2>&1; then
  echo "apt-get install $packages failed; last lines of $log:" >&2
  tail -n 5 "$log" >&2
  exit 1
fi
if ! has_modules /usr/bin/python3; then
  echo "$packages are installed but /usr/bin/python3 cannot import $modules" >&2
  exit 1
fi
echo /usr/bin/python3
