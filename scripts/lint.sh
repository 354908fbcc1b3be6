#!/usr/bin/env bash
source "$(dirname "$0")/_bootstrap.sh"
black --check src scripts tests migrations benchmarks
flake8 src scripts tests benchmarks
echo "lint: black and flake8 clean"
