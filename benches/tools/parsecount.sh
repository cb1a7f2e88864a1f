#!/usr/bin/env bash
# Instructions per parse (callgrind), steady where times are not. The template
# is wrapped in `#if(false)…#end`, so that its renders do next to nothing;
# `bench` at 11 and 16 iterations parses 12 and 17 times (a first parse, then
# as many timed as the iterations, 11 to 21): the difference over 5 is one
# parse (and compile, and drop) of the template.
# usage: benches/tools/parsecount.sh BINARY TEMPLATE
set -euo pipefail
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
{ printf '#if(false)\n'; cat "$2"; printf '\n#end'; } > "$w/t.vtl"
echo '{}' > "$w/e.json"
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$1" bench "$w/t.vtl" --event "$w/e.json" --iterations "$2" 2>&1 |
    awk '/refs:/ {gsub(",", "", $4); print $4}'
}
a=$(count "$1" 11)
b=$(count "$1" 16)
echo $(( (b - a) / 5 ))
