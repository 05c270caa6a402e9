#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine with only Rust, Node 20, Python 3 and gcc lacks to build,
# run and test Clientbase: Debian packages (WebKitGTK for Tauri, Xvfb + WebKitWebDriver for the app
# tests, Chromium for the browser tests, fonts for every UI language) and the npm packages of each
# JS package. Idempotent: apt is skipped when every package is present, `npm ci` when node_modules
# already matches its lock file.
#
#   bash scripts/setup.sh          everything (what scripts/test.sh needs)
#   bash scripts/setup.sh --demo   only what building and running the app needs (scripts/demo.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=all
[[ "${1:-}" == "--demo" ]] && mode=demo

# Build and run the Tauri app (WebKitGTK 4.1 and friends), fonts for el/ru/uk/zh.
APT_APP=(build-essential pkg-config libwebkit2gtk-4.1-dev libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev imagemagick fonts-noto-cjk fonts-noto-core
  xvfb xauth dbus-x11)
# Tests: WebDriver for the real app, a notification daemon, Chromium for the browser tests,
# PostgreSQL for the sync server's conformance tests (started by the tests on 127.0.0.1).
APT_TEST=(webkit2gtk-driver dunst libnotify-bin chromium postgresql)

packages=("${APT_APP[@]}")
[[ $mode == all ]] && packages+=("${APT_TEST[@]}")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present (${#packages[@]})"
fi

npm_dirs=(ui)
[[ $mode == all ]] && npm_dirs+=(tests/browser tests/app)
for dir in "${npm_dirs[@]}"; do
  if [[ ! -f $dir/package-lock.json ]]; then
    echo "setup: $dir: no package-lock.json, skipping npm ci"
    continue
  fi
  # npm keeps a copy of the resolved tree in node_modules/.package-lock.json: when it is newer than
  # both package.json and package-lock.json, the install is current.
  stamp=$dir/node_modules/.package-lock.json
  if [[ -f $stamp && $stamp -nt $dir/package-lock.json && $stamp -nt $dir/package.json ]]; then
    echo "setup: $dir: node_modules up to date"
    continue
  fi
  echo "setup: $dir: npm ci"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
done
# BG/NBD fit test data (CDNOW sample from the PyPI package lifetimes, MIT): into target/testdata/.
[[ $mode == all ]] && python3 scripts/fetch_cdnow.py
echo "setup: done"
