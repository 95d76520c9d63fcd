#!/usr/bin/env bash
# Runs FuncTasks locally: Azurite (storage, on loopback) + the LocalHost (API + a runner).
# Prints the URL and a development key. Ctrl+C stops both.
#   scripts/run.sh              the queue runner (default)
#   scripts/run.sh --durable    the Durable runner: Durable Task's Azure Storage backend on the same Azurite
#                               (also FuncTasks__Runner__Kind=Durable in the environment)
set -euo pipefail
cd "$(dirname "$0")/.."

for arg in "$@"; do
  case "$arg" in
    --durable) export FuncTasks__Runner__Kind=Durable ;;
    --queue) export FuncTasks__Runner__Kind=Queue ;;
    *) echo "usage: scripts/run.sh [--durable|--queue]" >&2; exit 2 ;;
  esac
done
runner="${FuncTasks__Runner__Kind:-Queue}"

url="${FUNCTASKS_URL:-http://127.0.0.1:7071}"
data="${FUNCTASKS_DATA:-.functasks}"
mkdir -p "$data/azurite"

if [ ! -x node_modules/.bin/azurite ]; then
  echo "Installing Azurite (npm ci)..."
  npm ci --no-audit --no-fund --loglevel=error
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if port_open 10002; then
  echo "Azurite already listening on 127.0.0.1:10002; using it."
else
  node_modules/.bin/azurite --silent --location "$data/azurite" \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 --skipApiVersionCheck \
    > "$data/azurite.log" 2>&1 &
  azurite_pid=$!
  trap 'kill -TERM "$azurite_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do port_open 10002 && port_open 10001 && break; sleep 0.1; done
  port_open 10002 || { echo "Azurite did not start; see $data/azurite.log" >&2; exit 1; }
  echo "Azurite started (data in $data/azurite)."
fi

# Development keys, made once and kept in $data (git-ignored).
if [ ! -s "$data/dev-key" ]; then head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$data/dev-key"; fi
if [ ! -s "$data/dev-reader-key" ]; then head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$data/dev-reader-key"; fi
key="$(cat "$data/dev-key")"
reader="$(cat "$data/dev-reader-key")"
export FuncTasks__Auth__Keys__0__Name=dev-operator FuncTasks__Auth__Keys__0__Secret="$key" FuncTasks__Auth__Keys__0__Role=operator
export FuncTasks__Auth__Keys__1__Name=dev-reader FuncTasks__Auth__Keys__1__Secret="$reader" FuncTasks__Auth__Keys__1__Role=reader

echo "Building the LocalHost..."
dotnet build src/FuncTasks.LocalHost -c Release --nologo -v quiet
echo
echo "  FuncTasks     $url  ($runner runner)"
echo "  operator key  $key"
echo "  reader key    $reader"
echo "  try           curl -H 'Authorization: Bearer $key' $url/v1/tasks"
echo
exec_args=(--urls "$url")
dotnet run --project src/FuncTasks.LocalHost -c Release --no-build --no-launch-profile -- "${exec_args[@]}"
