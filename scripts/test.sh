#!/usr/bin/env bash
# Run lint and the whole test suite on a throwaway database (embedded PostgreSQL, or
# TEST_DATABASE_URL when set). Extra arguments go to pytest.
source "$(dirname "$0")/_bootstrap.sh"
./scripts/lint.sh
exec python -m pytest "$@"
