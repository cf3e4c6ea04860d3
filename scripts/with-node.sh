#!/usr/bin/env sh
# Runs a command with Node >= 22.12 on PATH (fetching the LTS from the npm registry if the system Node is
# older), so `npm start` and `npm test` work on a fresh machine whose Node is 20.
. "$(dirname "$0")/use-node.sh" || exit 1
exec "$@"
