#!/usr/bin/env bash
# Installs everything Shopdesk needs to build, run and test on Debian 12. Idempotent: every step
# checks first and does nothing when the thing is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # Tauri 2 / WebKitGTK build
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev
  libsoup-3.0-dev build-essential pkg-config
  # headless window, WebDriver, D-Bus, screenshots
  xvfb xauth webkit2gtk-driver dbus dbus-x11 imagemagick
  # mail test servers; isync (mbsync) is the mail benchmark's reference client
  dovecot-imapd isync
  # Secret Service for the keychain tests (crates/secrets)
  gnome-keyring
  # the sqlite3 CLI (benchmark floor) and python venv for test helpers
  sqlite3 python3-venv
  # the onboarding e2e test's stand-in browser follows the OAuth2 sign-in with curl
  curl
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts dovecot as a system service on install; tests run their own instance.
  $SUDO systemctl disable --now dovecot >/dev/null 2>&1 || true
fi

# Toolchains the packages above don't bring: Rust (rustup) and Node 20.19+ (Debian 12's own
# nodejs is 18, too old for Vite 8). Say what is missing instead of failing later.
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: Rust is missing: install it with rustup (https://rustup.rs), Rust 1.89 or newer" >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1 || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "setup: Node.js 20.19 or newer is needed (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# tauri-driver: pinned, the newest on crates.io is a 3.0 alpha. (It has no --version flag:
# ask cargo what it installed.)
installed_crates="$(cargo install --list 2>/dev/null || true)"
if ! command -v tauri-driver >/dev/null 2>&1 || ! grep -q '^tauri-driver v2\.1\.0:' <<<"$installed_crates"; then
  echo "setup: installing tauri-driver 2.1.0"
  cargo install tauri-driver --version 2.1.0 --locked --quiet
fi

# UI dependencies, exactly as locked.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "setup: installing UI packages"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi

# The local OAuth2 server for the mailbox OAuth tests (oauth2-mock-server), exactly as locked.
oauth_dir=tests/support/oauth-server
if [ ! -d "$oauth_dir/node_modules" ] || [ "$oauth_dir/package-lock.json" -nt "$oauth_dir/node_modules/.package-lock.json" ]; then
  echo "setup: installing the test OAuth server"
  (cd "$oauth_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Python helpers for tests (D-Bus notification listener, SMTP sink), in a project-local venv.
if [ -f tests/support/requirements.txt ]; then
  if [ ! -x .venv/bin/python ] || [ tests/support/requirements.txt -nt .venv/.installed ]; then
    echo "setup: installing Python test helpers"
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r tests/support/requirements.txt
    touch .venv/.installed
  fi
fi
echo "setup: ready"
