#!/usr/bin/env bash
# Serve the API on http://127.0.0.1:8000 (HOST/PORT override). With no database configured,
# an embedded PostgreSQL keeps its data in .data/postgres and stops again with this script.
source "$(dirname "$0")/_bootstrap.sh"
exec python -m usersnack.devserver "$@"
