#!/usr/bin/env bash
# Runs the whole test suite: unit tests, integration tests against real Azurite (started by the tests
# from node_modules unless FUNCTASKS_TEST_STORAGE names a running one), and the Bicep build + lint.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "== dotnet build"
dotnet build FuncTasks.sln -c Release --nologo

echo "== dotnet test"
dotnet test FuncTasks.sln -c Release --no-build --nologo -m:1 --logger "console;verbosity=normal" --results-directory artifacts/test-results

echo "== bicep build + lint"
bash scripts/bicep-check.sh
