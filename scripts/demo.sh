#!/usr/bin/env bash
# Starts the real Clientbase app (Tauri, debug build) on a local demo database: ./demo.db with 2,000
# generated multilingual clients (created on first start; delete the file to start over).
#   bash scripts/demo.sh [extra app args]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --demo
echo "demo: building the UI"
(cd ui && npm run build)

run=(cargo run -p clientbase-app -- --db ./demo.db --demo 2000 "$@")
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "demo: no DISPLAY or WAYLAND_DISPLAY: running under Xvfb (headless; nothing will be visible)." >&2
  exec xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- "${run[@]}"
fi
exec "${run[@]}"
