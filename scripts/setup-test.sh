#!/usr/bin/env bash
# Set-up for `npm test`: the common set-up, plus the storage servers the export tests run against (versitygw for
# s3://, fake-gcs-server for gs://) and the production shape's Temporal server, temporal-sql-tool and UI server (the
# cluster test), built once per machine; Chromium for the HTML report test; and a Python with pandas, scikit-learn,
# statsmodels and scipy (CSV read-back, and the statistics checked against independent implementations).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install-go-tool.sh versitygw >/dev/null
bash scripts/install-go-tool.sh fake-gcs-server >/dev/null
for tool in temporal-server temporal-sql-tool temporal-ui-server; do bash scripts/install-go-tool.sh "$tool" >/dev/null; done
bash scripts/install-chromium.sh >/dev/null
bash scripts/install-test-python.sh >/dev/null
