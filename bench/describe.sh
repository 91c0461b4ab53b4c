#!/bin/sh
# bench/describe.sh: describe's summaries alone (bench/describe.c): the time
# ds_summary_select takes a value on 2,348,217 generated values of three
# shapes, built with the summary.c of SRC (default: this tree), so that an
# older tree's can be timed against it in turn.
# Usage: bench/describe.sh [SRC]   env: N (values, default 2348217)
set -e
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/..}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -std=c11 -I"$src/plugins/describe" -o "$tmp/describe" "$here/describe.c" \
    "$src/plugins/describe/summary.c" -lm
echo "ds_summary_select, summary.c of $src; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$tmp/describe" "${N:-2348217}"
