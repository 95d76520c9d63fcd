#!/usr/bin/env bash
# Builds and lints the Azure deployment (infra/) with the Bicep CLI restored from NuGet.
# Fails on any warning or error. Needs no network beyond the NuGet restore: bicep build,
# build-params and lint run offline (use-recent-api-versions / use-recent-module-versions are
# off in infra/bicepconfig.json because they would need live Azure data).
#
# Usage: bash scripts/bicep-check.sh
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

bicep_project="tools/bicep/bicep.proj"
bicep_package="azure.bicep.commandline.linux-x64"
bicep_version="0.49.2"

echo "bicep-check: restoring Bicep CLI ${bicep_version} ($bicep_project)"
dotnet restore "$bicep_project" --verbosity quiet

if [[ -n "${NUGET_PACKAGES:-}" ]]; then
  packages_dir="$NUGET_PACKAGES"
else
  # Prints "global-packages: /root/.nuget/packages/".
  packages_dir="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p' | tail -n 1)"
fi
packages_dir="${packages_dir%/}"
bicep="$packages_dir/$bicep_package/$bicep_version/tools/bicep"
if [[ ! -f "$bicep" ]]; then
  echo "bicep-check: FAILED: Bicep CLI not found at $bicep" >&2
  exit 1
fi
chmod +x "$bicep"
echo "bicep-check: using $("$bicep" --version) at $bicep"

failures=0
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# Runs one bicep command; it passes only if it exits 0 and reports no warning or error.
check() {
  local label="$1"
  shift
  echo "bicep-check: $label"
  local rc=0
  "$bicep" "$@" > "$log" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]] || grep -qiE '(^|[ :])(warning|error)([ :]|$)|BCP[0-9]+' "$log"; then
    cat "$log" >&2
    echo "bicep-check:   FAILED (exit $rc)" >&2
    failures=$((failures + 1))
  else
    echo "bicep-check:   ok"
  fi
}

# build/build-params write the compiled JSON to stdout; keep only the diagnostics (stderr).
check_build() {
  local label="$1"
  shift
  echo "bicep-check: $label"
  local rc=0
  "$bicep" "$@" --stdout 2> "$log" > /dev/null || rc=$?
  if [[ $rc -ne 0 ]] || grep -qiE '(^|[ :])(warning|error)([ :]|$)|BCP[0-9]+' "$log"; then
    cat "$log" >&2
    echo "bicep-check:   FAILED (exit $rc)" >&2
    failures=$((failures + 1))
  else
    echo "bicep-check:   ok"
  fi
}

check_build "build infra/main.bicep" build infra/main.bicep
for module in infra/modules/*.bicep; do
  [[ -e "$module" ]] || continue
  check_build "build $module" build "$module"
done
check_build "build-params infra/main.bicepparam" build-params infra/main.bicepparam
check "lint infra/main.bicep (rules from infra/bicepconfig.json, warnings are errors)" lint infra/main.bicep
check "lint infra/main.bicepparam" lint infra/main.bicepparam

if [[ $failures -ne 0 ]]; then
  echo "bicep-check: $failures check(s) FAILED" >&2
  exit 1
fi
echo "bicep-check: all checks passed, no warnings"
