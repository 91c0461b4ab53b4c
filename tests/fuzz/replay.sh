#!/bin/sh
# tests/fuzz/replay.sh: replays the fuzz seed corpus and every input a
# fuzzer found (tests/fuzz/found/) through both fuzz targets, built without
# libFuzzer; a crash or a sanitizer report fails the test.
set -u
: "${srcdir:=.}"
here=$(pwd)
rules=$(find "$srcdir/examples" "$srcdir/tests/e2e/cases" "$srcdir/tests/fuzz/found/rules" \
    -name '*.rules' -type f 2>/dev/null | sort)
csvs=$(find "$srcdir/examples/data" "$srcdir/tests/e2e" "$srcdir/tests/fuzz/found/csv" \
    -name '*.csv' -type f -size -200k 2>/dev/null | sort)
# shellcheck disable=SC2086
"$here/tests/fuzz/replay_rules" $rules || exit 1
# shellcheck disable=SC2086
"$here/tests/fuzz/replay_csv" $csvs || exit 1
