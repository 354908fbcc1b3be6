#!/usr/bin/env bash
# Generate the typed TypeScript client's types from the OpenAPI schema.
#
#   ./scripts/generate_ts_client.sh [OPENAPI_JSON] [OUTPUT_D_TS]
#
# Defaults: openapi.json at the repository root -> clients/typescript/src/schema.d.ts.
# Needs node and npm. Installs the pinned generator (clients/typescript/package-lock.json)
# with `npm ci` when the lock file changed since the last install.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLIENT="$ROOT/clients/typescript"
SCHEMA="$(realpath "${1:-$ROOT/openapi.json}")"
OUTPUT="$(realpath -m "${2:-$CLIENT/src/schema.d.ts}")"

for program in node npm; do
    command -v "$program" >/dev/null 2>&1 || {
        echo "generate_ts_client.sh needs $program (Debian: apt-get install nodejs npm)" >&2
        exit 1
    }
done

cd "$CLIENT"
lock_digest="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.usersnack-lock 2>/dev/null || true)" != "$lock_digest" ]; then
    echo "Installing the pinned client tools (npm ci) ..." >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
    echo "$lock_digest" > node_modules/.usersnack-lock
fi

mkdir -p "$(dirname "$OUTPUT")"
./node_modules/.bin/openapi-typescript "$SCHEMA" --output "$OUTPUT" >&2
echo "wrote $OUTPUT" >&2
