#!/usr/bin/env bash
# One-command set-up on a fresh Debian machine: system packages (Chromium for the
# browser UI tests, Xvfb for headed runs, gsettings and certutil for the desktop
# tests), the exact npm dependencies, and the renderer build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/../.."

need_apt=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v xvfb-run >/dev/null 2>&1 || need_apt+=(xvfb)
# The system-proxy (GNOME settings) and CA trust (NSS db) tests.
command -v gsettings >/dev/null 2>&1 || need_apt+=(libglib2.0-bin)
[ -f /usr/share/glib-2.0/schemas/org.gnome.system.proxy.gschema.xml ] || need_apt+=(gsettings-desktop-schemas)
command -v certutil >/dev/null 2>&1 || need_apt+=(libnss3-tools)
# The auth tests check our NTLM against Debian's python3-ntlm-auth.
/usr/bin/python3 -c 'import ntlm_auth' >/dev/null 2>&1 || need_apt+=(python3-ntlm-auth)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need_apt[*]} with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install ${need_apt[*]} (e.g. sudo apt-get install ${need_apt[*]}); continuing without" >&2
  fi
fi

echo "setup: npm ci" >&2
npm ci --no-audit --no-fund
echo "setup: building the renderer (web and Electron bundles)" >&2
npm run --silent build:web
npm run --silent build
echo "setup: done. Run 'npm start' to open MapiScope, 'npm test' to run every test." >&2
