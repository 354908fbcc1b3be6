#!/usr/bin/env bash
source "$(dirname "$0")/_bootstrap.sh"
black --check src scripts tests migrations
flake8 src scripts tests
echo "lint: black and flake8 clean"
