#!/usr/bin/env bash
# Runs the whole test suite: unit tests, integration tests against real Azurite (started by the tests
# from node_modules unless FUNCTASKS_TEST_STORAGE names a running one) on both runners, the Functions app
# (built, published, its functions called and its orchestrations run on the real Durable engine), browser tests
# (Debian's Chromium, installed here if missing), and the Bicep build + lint. Installs what it needs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
if [ ! -x /usr/bin/chromium ]; then
  echo "== apt-get install chromium"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium > /dev/null
fi

if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "== dotnet build"
dotnet build FuncTasks.sln -c Release --nologo

# The Functions app's deployable folder, published afresh (no leftovers of an earlier publish);
# tests/FuncTasks.Functions.Tests checks what it holds.
echo "== dotnet publish (Functions app)"
rm -rf artifacts/functions-publish
dotnet publish src/FuncTasks.Functions -c Release --nologo -o artifacts/functions-publish

echo "== dotnet test"
dotnet test FuncTasks.sln -c Release --no-build --nologo -m:1 --logger "console;verbosity=normal" --results-directory artifacts/test-results

# Two runners, one behaviour: the four dialects' end-to-end flows, automatic retries and step timeouts, the OpenAPI contract, the hostile-input fuzz, idempotency,
# deadlines and the storage-outage answers again, every LocalHost on the Durable runner
# (Durable Task's Azure Storage backend on the same Azurite). Tests of the queue runner's own mechanics
# (run messages) carry [Trait("Runner", "Queue")] and are left out.
echo "== dotnet test (dialect flows on the Durable runner)"
FUNCTASKS_TEST_RUNNER=Durable dotnet test tests/FuncTasks.IntegrationTests -c Release --no-build --nologo \
  --logger "console;verbosity=normal" --results-directory artifacts/test-results-durable \
  --filter "(FullyQualifiedName~FuncTasks.IntegrationTests.Vcf.|FullyQualifiedName~FuncTasks.IntegrationTests.Cognaize.|FullyQualifiedName~FuncTasks.IntegrationTests.Flatfile.|FullyQualifiedName~FuncTasks.IntegrationTests.Dr.|FullyQualifiedName~FuncTasks.IntegrationTests.OpenApi.|FullyQualifiedName~FuncTasks.IntegrationTests.Fuzz.|FullyQualifiedName~FuncTasks.IntegrationTests.Retries.|FullyQualifiedName~FuncTasks.IntegrationTests.Reliability.StorageOutageTests|FullyQualifiedName~FuncTasks.IntegrationTests.Reliability.IdempotencyTests|FullyQualifiedName~FuncTasks.IntegrationTests.Reliability.RequestDeadlineTests|FullyQualifiedName~FuncTasks.IntegrationTests.Reliability.RunnerUnavailableTests)&Runner!=Queue"

bash scripts/openapi-lint.sh
echo "== bicep build + lint"
bash scripts/bicep-check.sh
