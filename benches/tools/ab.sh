#!/usr/bin/env bash
# Interleaved A/B timing of apigw-vtl binaries on one workload: each binary runs
# `bench` seven times, alternating, and the fastest median render time of each
# is printed. On a shared, noisy machine this shows differences of 10% that a
# single compare.sh run cannot.
# usage: benches/tools/ab.sh TEMPLATE EVENT ITERATIONS BINARY...
set -euo pipefail
t=$1; e=$2; n=$3; shift 3
declare -A best
for _ in 1 2 3 4 5 6 7; do
  for b in "$@"; do
    v=$("$b" bench "$t" --event "$e" --iterations "$n" --json | tail -1 |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["render_ns"])')
    if [ -z "${best[$b]:-}" ] || [ "$v" -lt "${best[$b]}" ]; then best[$b]=$v; fi
  done
done
for b in "$@"; do printf '%s\t%s ns\n' "$b" "${best[$b]}"; done
