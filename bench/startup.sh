#!/bin/sh
# bench/startup.sh: the cost of a small study end to end (issue 11: "the
# 16-patient Mills study end to end in under 20 ms").  Prints the shared
# libraries the program maps at start (ldd), then perf stat over RUNS runs
# (default 20) of `cohort check` and `cohort run` of
# examples/studies/mills2021.rules, and of `run --out` (which loads the
# figure module): task-clock (CPU time of all threads), cycles where the
# machine counts them, and wall time.  On a loaded machine read the
# task-clock: wall time includes waiting for a core.
# Usage: bench/startup.sh [BUILD_DIR]   (default: build)
set -e
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
cohort="$build/cohort"
study="$here/../examples/studies/mills2021.rules"
runs=${RUNS:-20}
COHORT_PLUGIN_PATH="$build/plugins/.libs"
export COHORT_PLUGIN_PATH
command -v perf >/dev/null || { echo "bench/startup.sh: perf is needed (apt-get install linux-perf)" >&2; exit 1; }
out=$(mktemp -d "${TMPDIR:-/tmp}/cohort-startup.XXXXXX")
trap 'rm -rf "$out"' EXIT INT TERM
echo "ldd $cohort: $(ldd "$cohort" | wc -l) lines"
measure() {
    what=$1
    shift
    perf stat -r "$runs" -e task-clock,cycles -x, -o "$out/stat" "$@" >/dev/null 2>&1 || {
        echo "$what: failed" >&2
        exit 1
    }
    # -x, lines: value,unit,event,... ; the wall time is not among them:
    # measure it apart, as the mean of the same runs
    tc=$(awk -F, '$3 ~ /^task-clock/ {printf "%.1f ms", $1}' "$out/stat")
    cy=$(awk -F, '$3 ~ /^cycles/ {if ($1 ~ /^[0-9]/) printf "%.1fM cycles", $1 / 1e6; else printf "cycles not counted here"}' "$out/stat")
    start=$(date +%s%N)
    i=0
    while [ $i -lt "$runs" ]; do "$@" >/dev/null 2>&1 || true; i=$((i + 1)); done
    end=$(date +%s%N)
    wall=$(echo "$start $end $runs" | awk '{printf "%.1f ms", ($2 - $1) / 1e6 / $3}')
    echo "$what: task-clock $tc, $cy, wall $wall (mean of $runs runs)"
}
measure "check" "$cohort" check "$study"
measure "run" "$cohort" run "$study"
# the second and later runs replace the folder the first wrote
measure "run --out" "$cohort" run "$study" --out "$out/o"
