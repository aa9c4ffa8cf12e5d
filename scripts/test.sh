#!/usr/bin/env bash
# Runs every check Flowguard has: formatting, lints, the Rust tests, the UI's type-check and unit
# tests, and the end-to-end tests against the real app under Xvfb. Installs what is missing first.
# CI (.ci/run) calls exactly this script.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TOTAL_START=$(date +%s)

phase "Install what is missing"
install_packages "${APP_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_rust
ensure_node
ensure_ui_packages
if ! command -v tauri-driver >/dev/null; then
  say "Installing tauri-driver"
  cargo install tauri-driver --locked --quiet
fi

phase "Build the UI"
(cd ui && npm run --silent build)

phase "cargo fmt --check"
cargo fmt --all -- --check

phase "cargo clippy"
cargo clippy --workspace --all-targets --locked --features tauri/custom-protocol -- -D warnings

phase "cargo test"
# The same features as the app build below, so the two share every compiled dependency.
cargo test --workspace --locked --features tauri/custom-protocol

phase "OS keychain test (gnome-keyring on a private D-Bus session)"
KEYRING_HOME="$(mktemp -d)"
# The toolchain's homes, resolved before HOME is pointed at the throwaway keyring home.
TOOL_CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
TOOL_RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
mkdir -p "$KEYRING_HOME/home/.cache" "$KEYRING_HOME/run"
chmod 700 "$KEYRING_HOME/run"
HOME="$KEYRING_HOME/home" XDG_RUNTIME_DIR="$KEYRING_HOME/run" \
  CARGO_HOME="$TOOL_CARGO_HOME" RUSTUP_HOME="$TOOL_RUSTUP_HOME" \
  dbus-run-session -- sh -c 'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
    cargo test -p flowguard-secrets --locked --test keychain -- --ignored'
rm -rf "$KEYRING_HOME"

phase "UI type-check and unit tests"
(cd ui && npm run --silent typecheck && npm run --silent test)

phase "Build the app for the end-to-end tests"
cargo build -p flowguard-app --features tauri/custom-protocol --locked

phase "End-to-end tests (Xvfb + WebDriver)"
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
  cargo test -p flowguard-e2e --locked -- --ignored --test-threads=1

phase_end
say "Every check passed in $(( $(date +%s) - TOTAL_START ))s"
printf '  %s\n' "${PHASE_TIMES[@]}" >&2
