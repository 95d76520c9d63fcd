#!/usr/bin/env bash
# Lints docs/openapi.json with two independent judges, from node_modules (npm dev dependencies, pinned):
# Spectral (ruleset spectral:oas, .spectral.yaml) and Redocly (recommended rules, redocly.yaml). Fails on any error;
# warnings are printed. Offline: neither tool fetches anything for a local file.
set -euo pipefail
cd "$(dirname "$0")/.."

document="${1:-docs/openapi.json}"
if [ ! -x node_modules/.bin/spectral ] || [ ! -x node_modules/.bin/redocly ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# Both judges always run, so one report shows everything; the script fails if either found an error.
status=0
echo "== spectral lint $document"
node_modules/.bin/spectral lint "$document" --ruleset .spectral.yaml --fail-severity error || status=$?

echo "== redocly lint $document"
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  node_modules/.bin/redocly lint "$document" --config redocly.yaml --format stylish || status=$?
exit "$status"
