#!/usr/bin/env sh
# `npm run serve -- [--port 4321] ...`: the self-hosted Node server over dist/, run from its one-file bundle
# (remade at every start, in under a second) rather than from the .ts sources: the same code, less memory.
# Every argument goes to src/adapters/node/cli.ts (`--help` lists them). V8 grows its young generation up
# to 128 MB under load, which a server whose garbage is short-lived per request never needs: capped at 8 MB
# semi-spaces, a mixed load of 100,000 requests across 12,000 members ends at about 160 MB resident instead
# of 260-300 MB (bench/serving.ts), at no measurable cost in requests per second. glibc gives each thread
# that allocates (libuv's pool compresses and runs WebCrypto) an arena of its own, and freed memory stays
# spread over them: two arenas end the same load at about 137 MB instead of 152, and serve no fewer requests.
. "$(dirname "$0")/use-node.sh" || exit 1
out="$(dirname "$0")/../node_modules/.cache/truefans/server.mjs"
sh "$(dirname "$0")/bundle-server.sh" "$out" || exit 1
MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" exec node --max-semi-space-size=8 "$out" "$@"
