#!/usr/bin/env bash
# The whole test suite, in one command (CI runs it through .ci/run):
#   setup · rustfmt · UI type check + build · clippy · cargo test (all crates, incl. the Tauri shell)
#   · ts-rs bindings drift · browser tests (Chromium vs the devserver) · the real Tauri app under
#   Xvfb over WebDriver.
# Stops at the first failing section and says which one.
# For local debugging only, TEST_SKIP="fmt clippy" skips sections by key (setup fmt ui clippy test
# build bindings browser app); skipped sections are named in the summary. CI never sets it.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export CARGO_PROFILE_DEV_DEBUG=0

started=$(date +%s)
passed=0
skipped=()
current=""
on_exit() {
  local rc=$?
  local took=$(( $(date +%s) - started ))
  if ((rc != 0)); then
    echo
    echo "=== FAILED: section '${current}' (exit ${rc}) after ${took}s; ${passed} section(s) passed before it ==="
  fi
}
trap on_exit EXIT

section() {
  local key="$1"
  current="$2"
  shift 2
  if [[ " ${TEST_SKIP:-} " == *" ${key} "* ]]; then
    echo
    echo "=== SKIPPED (TEST_SKIP): ${current} ==="
    skipped+=("$key")
    return 0
  fi
  echo
  echo "=== [$((passed + 1))] ${current} ==="
  local t0=$(date +%s)
  "$@"
  echo "--- ${current}: ok ($(( $(date +%s) - t0 ))s)"
  passed=$((passed + 1))
}

ui_check_and_build() {
  (cd ui && npm run check && npm run build)
}

bindings_drift() {
  # `cargo test --workspace` above already ran ts-rs' export tests; running them again with the same
  # package selection re-uses its build (`-p clientbase-core` alone would re-resolve features).
  cargo test --workspace export_bindings -q
  git diff --exit-code --stat -- ui/src/lib/bindings || {
    echo "ui/src/lib/bindings differ from the Rust types: run 'cargo test -p clientbase-core export_bindings' and commit them"
    return 1
  }
  local untracked
  untracked=$(git ls-files --others --exclude-standard -- ui/src/lib/bindings)
  if [[ -n $untracked ]]; then
    echo "new binding files are not committed:"
    echo "$untracked"
    return 1
  fi
}

browser_tests() {
  if [[ ! -f tests/browser/package.json ]]; then
    echo "tests/browser has no package.json yet: nothing to run"
    return 1
  fi
  (cd tests/browser && npm test)
}

app_tests() {
  # The debug binary embeds ui/dist (tauri.conf.json has no devUrl), rebuilt when ui/dist changes.
  local app="$PWD/target/debug/clientbase-app"
  test -x "$app"
  mkdir -p tests/artifacts
  (cd tests/app && CLIENTBASE_APP="$app" xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- npm test)
}

section setup "setup (apt + npm ci)" bash scripts/setup.sh
section fmt "cargo fmt --check" cargo fmt --all --check
section ui "ui: npm run check + build" ui_check_and_build
section clippy "cargo clippy -D warnings" cargo clippy --workspace --all-targets -- -D warnings
section test "cargo test --workspace" cargo test --workspace
# The binaries the browser and app tests run. `--all-targets` keeps the dev-dependencies in the feature
# resolution, as in the test build above, so nothing is rebuilt for other features (plain
# `cargo build --workspace` recompiled tauri's dependents: ~2 min).
section build "cargo build --workspace --all-targets (devserver, Tauri app)" cargo build --workspace --all-targets
section bindings "ts-rs bindings drift" bindings_drift
section browser "browser tests (tests/browser, Chromium vs devserver)" browser_tests
section app "app smoke test (real Tauri app, Xvfb + WebKitWebDriver)" app_tests

echo
if ((${#skipped[@]})); then
  echo "=== ${passed} sections passed, SKIPPED: ${skipped[*]} ($(( $(date +%s) - started ))s) ==="
else
  echo "=== all ${passed} sections passed in $(( $(date +%s) - started ))s ==="
fi
echo "sections: ${passed} passed, 0 failed"
