# Shared set-up for run.sh and test.sh (sourced, not run): a project-local virtualenv with
# exactly the locked, hash-checked dependencies. Re-installs only when the lock file changes,
# so a second start takes seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "UserSnack needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
    return 1
}

if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv ..." >&2
    "$(find_python)" -m venv .venv
fi

lock_digest="$(.venv/bin/python -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' requirements.lock)"
if [ "$(cat .venv/.usersnack-lock 2>/dev/null || true)" != "$lock_digest" ]; then
    echo "Installing locked dependencies into .venv ..." >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
        --require-hashes --no-deps -r requirements.lock
    echo "$lock_digest" > .venv/.usersnack-lock
fi

export PYTHONPATH="$ROOT/src${PYTHONPATH:+:$PYTHONPATH}"
export PATH="$ROOT/.venv/bin:$PATH"
