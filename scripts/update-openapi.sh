#!/usr/bin/env bash
# Regenerates docs/openapi.json from the document the LocalHost serves at /openapi/v1.json.
# It runs the drift test with FUNCTASKS_UPDATE_OPENAPI=1, which rewrites the file and then checks it
# (a real Azurite is started by the tests, as for every integration test). Commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/azurite ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

FUNCTASKS_UPDATE_OPENAPI=1 dotnet test tests/FuncTasks.IntegrationTests --nologo \
  --artifacts-path "${FUNCTASKS_ARTIFACTS:-artifacts/update-openapi}" \
  --filter "FullyQualifiedName~FuncTasks.IntegrationTests.OpenApi.OpenApiDocumentTests.Committed_document_matches_what_the_host_serves"
git --no-pager diff --stat -- docs/openapi.json
