#!/usr/bin/env bash
# Installs what Flowguard needs on Debian/Ubuntu (idempotent) and starts the app.
# With no Defender tenant configured the app runs in demo mode against its built-in emulator.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_packages "${APP_PACKAGES[@]}"
ensure_rust
ensure_node
ensure_ui_packages
say "Building Flowguard (the first build takes a few minutes)"
build_app
say "Starting Flowguard"
exec "${CARGO_TARGET_DIR:-$ROOT/target}/debug/flowguard-app" "$@"
