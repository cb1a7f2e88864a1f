#!/usr/bin/env bash
# Instructions per render (callgrind), steady where times are not: `bench` at
# 21 and 26 iterations makes 21 timed parses both times and 10 renders more the
# second time; the difference over 10 is one render.
# usage: benches/tools/icount.sh BINARY TEMPLATE EVENT
set -euo pipefail
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$1" bench "$2" --event "$3" --iterations "$4" 2>&1 |
    awk '/refs:/ {gsub(",", "", $4); print $4}'
}
a=$(count "$1" "$2" "$3" 21)
b=$(count "$1" "$2" "$3" 26)
echo $(( (b - a) / 10 ))
