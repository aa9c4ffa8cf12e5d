# Shared helpers for scripts/start.sh and scripts/test.sh. Sourced, not run.
# Every install step is idempotent: a second run installs nothing.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root (directly when we are root, otherwise through sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The Debian/Ubuntu packages Tauri needs to build and run the app.
APP_PACKAGES=(libwebkit2gtk-4.1-dev build-essential curl wget file pkg-config libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev libsecret-1-dev)
# What the tests add: a virtual display, the WebKit WebDriver, a session bus and a keychain.
TEST_PACKAGES=(xvfb xauth webkit2gtk-driver dbus dbus-x11 gnome-keyring libsecret-tools)

# Installs the named Debian packages that are not installed yet.
install_packages() {
  local missing=()
  local package
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  command -v apt-get >/dev/null || die "apt-get not found: install these packages by hand: ${missing[*]}"
  say "Installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Makes sure the Rust toolchain is here (through rustup, the official installer, when missing).
ensure_rust() {
  if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
  if ! command -v cargo >/dev/null; then
    say "Installing the Rust toolchain with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
  local version
  version="$(rustc --version | awk '{print $2}')"
  case "$version" in
    1.[0-8][0-9].*) die "Rust $version is too old: Flowguard needs 1.90 or newer (rustup update)" ;;
  esac
}

# Makes sure Node.js 20.19+ and npm are here (Vite 8 needs them).
ensure_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    install_packages nodejs npm
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "Node.js $(node --version) is too old: Flowguard's UI needs Node.js 20.19 or newer"
}

# Installs the UI's packages from the lockfile when they are missing or older than the lockfile.
ensure_ui_packages() {
  if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    say "Installing the UI's npm packages (npm ci)"
    (cd ui && npm ci --no-audit --no-fund)
  fi
}

# Builds the UI and the app with the UI embedded (a plain `cargo build` would make a dev build
# that loads the Vite dev server instead).
build_app() {
  (cd ui && npm run --silent build)
  cargo build -p flowguard-app --features tauri/custom-protocol
}

# Prints how long a phase took.
PHASE_START=0
phase() {
  phase_end
  PHASE_NAME="$1"
  PHASE_START=$(date +%s)
  say "$PHASE_NAME"
}
phase_end() {
  if [ "$PHASE_START" -ne 0 ]; then
    printf '    (%s took %ss)\n' "$PHASE_NAME" "$(( $(date +%s) - PHASE_START ))" >&2
    PHASE_TIMES+=("$(printf '%-34s %5ss' "$PHASE_NAME" "$(( $(date +%s) - PHASE_START ))")")
  fi
  PHASE_START=0
}
PHASE_TIMES=()
