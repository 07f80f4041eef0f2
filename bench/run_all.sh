#!/bin/sh
# Every benchmark, one table of ratios against the targets: sh bench/run_all.sh [--full] [--only NAME ...]
cd "$(dirname "$0")/.." && exec python -m bench.run_all "$@"
