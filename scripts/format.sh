#!/usr/bin/env bash
source "$(dirname "$0")/_bootstrap.sh"
exec black src scripts tests migrations benchmarks
