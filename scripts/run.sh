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

# Ctrl+C (or any exit) stops everything this script started: the LocalHost, then Azurite (SIGTERM: it saves its data).
azurite_pid=""
host_pid=""
stop_all() {
  trap - EXIT INT TERM
  [ -n "$host_pid" ] && kill -TERM "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
  [ -n "$azurite_pid" ] && kill -TERM "$azurite_pid" 2>/dev/null && wait "$azurite_pid" 2>/dev/null
  return 0
}
trap stop_all EXIT
trap 'exit 130' INT TERM

if port_open 10002; then
  echo "Azurite already listening on 127.0.0.1:10002; using it."
else
  node_modules/.bin/azurite --silent --location "$data/azurite" \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 --skipApiVersionCheck \
    > "$data/azurite.log" 2>&1 &
  azurite_pid=$!
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
dotnet src/FuncTasks.LocalHost/bin/Release/net10.0/FuncTasks.LocalHost.dll --urls "$url" &
host_pid=$!

# The ready lines only once the host answers.
for _ in $(seq 1 600); do
  curl -fsS -o /dev/null "$url/healthz" 2>/dev/null && break
  kill -0 "$host_pid" 2>/dev/null || { echo "The LocalHost exited; see its output above." >&2; exit 1; }
  sleep 0.1
done
curl -fsS -o /dev/null "$url/healthz" || { echo "The LocalHost did not answer $url/healthz within 60 s." >&2; exit 1; }
echo
echo "  FuncTasks     $url  ($runner runner)"
echo "  dashboard     $url/"
echo "  API reference $url/docs"
echo "  operator key  $key"
echo "  reader key    $reader"
echo "  try           curl -H 'Authorization: Bearer $key' $url/v1/tasks"
echo "  stop          Ctrl+C"
echo
wait "$host_pid"
