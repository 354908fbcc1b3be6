#!/usr/bin/env bash
# The benchmark (see benchmarks/bench.py and BENCHMARKS.md). Installs wrk if it is missing.
source "$(dirname "$0")/_bootstrap.sh"
if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq wrk >/dev/null
    else
        echo "The benchmark needs wrk: sudo apt-get install wrk" >&2
        exit 2
    fi
fi
exec python benchmarks/bench.py "$@"
