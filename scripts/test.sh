#!/usr/bin/env bash
# Every check Shopdesk has, in the order CI runs them: setup, formatting, the UI build (the
# desktop binary embeds it), clippy, the Rust build and tests (which also regenerate the UI's
# TypeScript bindings), the UI's typecheck, lint and unit tests, then the end-to-end test on a
# real window under Xvfb. Ends with one summary line and the time of each step.
#
# Usage: scripts/test.sh        (CI runs it through .ci/run as root, with no stdin)
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
current="start"
timings=()
step_started=$started

finish_step() {
  local now
  now=$(date +%s)
  if [ "$current" != "start" ]; then
    timings+=("$(printf '%-22s %4ss' "$current" "$((now - step_started))")")
  fi
  step_started=$now
}

step() {
  finish_step
  current="$1"
  echo
  echo "==> $1"
}

on_exit() {
  local code=$?
  finish_step
  echo
  echo "---- step times ----"
  printf '%s\n' "${timings[@]}"
  local total=$(( $(date +%s) - started ))
  if [ "$code" -eq 0 ]; then
    echo "test.sh: ALL CHECKS PASSED in $((total / 60))m $((total % 60))s"
  else
    echo "test.sh: FAILED at step '$current' (exit $code) after $((total / 60))m $((total % 60))s"
  fi
}
trap on_exit EXIT

step "setup"
bash scripts/setup-debian.sh

step "cargo fmt"
cargo fmt --all --check

# src-tauri embeds ui/dist at compile time, so the UI is built before anything compiles it. The
# build needs no generated bindings (they are type-only imports); the typecheck below does.
step "ui build"
(cd ui && npm run build)

step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

# Everything is built once, with the features of the whole workspace: the desktop binary
# (target/debug/shopdesk, for the e2e test) and every test target. Building the binary alone
# (`-p shopdesk`) would resolve features differently and recompile much of Tauri's tree.
step "cargo build"
cargo build --workspace --all-targets

# Also writes the UI's TypeScript bindings (ts-rs) into ui/src/lib/bindings/.
step "cargo test"
cargo test --workspace

step "ui check"
(cd ui && npm run check)

step "ui lint"
(cd ui && npm run lint)

step "ui test"
(cd ui && npm run test)

# A real window: Xvfb on a free display, a private D-Bus session, no accessibility bus.
# Every test file of tests/e2e (all #[ignore]d: they need this display), named with `--test` so
# `--workspace` keeps the workspace's features and nothing is rebuilt.
step "e2e"
mkdir -p test-output/e2e
e2e_tests=()
for file in tests/e2e/tests/*.rs; do
  e2e_tests+=(--test "$(basename "$file" .rs)")
done
xvfb-run -a -s "-screen 0 1600x1000x24" \
  dbus-run-session -- env NO_AT_BRIDGE=1 \
  cargo test --workspace "${e2e_tests[@]}" -- --ignored --nocapture --test-threads=1
echo "e2e: screenshots in test-output/e2e/: $(cd test-output/e2e && ls -- *.png | tr '\n' ' ')"
