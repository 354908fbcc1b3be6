#!/usr/bin/env bash
# Re-lock the dependencies after changing pyproject.toml: requirements.lock (everything, with
# the dev extra; ./scripts/run.sh and test.sh install it) and requirements-prod.lock (without
# dev tools or the embedded PostgreSQL; the Docker image installs it), the second pinned to the
# versions of the first so both always agree. Extra arguments go to the first compile, e.g.
# `--upgrade-package fastapi`. Needs uv: `pip install uv`, or set UV=/path/to/uv.
set -euo pipefail
cd "$(dirname "$0")/.."
UV="${UV:-uv}"
if ! command -v "$UV" >/dev/null 2>&1; then
    echo "scripts/lock.sh needs uv (pip install uv, or UV=/path/to/uv)." >&2
    exit 1
fi
common=(--generate-hashes --universal --python-version 3.11)
"$UV" pip compile pyproject.toml --extra dev "${common[@]}" -o requirements.lock "$@"
"$UV" pip compile pyproject.toml "${common[@]}" -c requirements.lock -o requirements-prod.lock
