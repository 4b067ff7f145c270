#!/usr/bin/env bash
# Runs Shopdesk on the demo store: a built-in Shopify simulator and a demo mailbox, no account.
# Usage: scripts/demo.sh   (needs a desktop session; on a headless machine: xvfb-run -a scripts/demo.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-debian.sh
(cd ui && npm run build)
cargo build -p shopdesk

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: built, but there is no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset)." >&2
  echo "demo: run this from a desktop session, or headless with: xvfb-run -a scripts/demo.sh" >&2
  exit 2
fi
exec cargo run -p shopdesk -- --demo
