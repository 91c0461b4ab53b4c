#!/bin/sh
# bench/out.sh: what --out costs a run (issue 11: the SHA-256 of every data
# file for results.json, computed on background threads beside the load,
# then the report, figures and files).  On the simulated cohort of N
# patients (seed 1, under $BENCH_DIR), runs course_study.rules RUNS times
# under --no-cache without --out, alternated with the same run with --out
# into a new folder; checks that both print the same and that the folder
# holds results.json with a digest for each of the 5 data files; prints
# each pair's wall and CPU time (user + system), ingest and evaluation
# (--timing), the difference with --out - without, and its median, lowest
# and highest.
# Usage: bench/out.sh [BUILD_DIR]   env: SIZES (default "100000 1000000"),
# RUNS (default 3), THREADS (default 2), BENCH_DIR (default /tmp/cohort-bench).
set -e
. "$(dirname "$0")/preamble.sh"
bench_scratch
echo "$("$cohort" --version); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $threads thread(s)"
for n in ${SIZES:-100000 1000000}; do
    seed1_data "$n"
    rm -f "$tmp/plain" "$tmp/out"
    i=0
    while [ $i -lt "$runs" ]; do
        timed plain --no-cache
        rm -rf "$tmp/folder"
        timed out --no-cache --out "$tmp/folder"
        cmp -s "$tmp/plain.out" "$tmp/out.out" || { echo "out.sh: the run printed differently with --out" >&2; exit 1; }
        [ "$(grep -o '"sha256": "[0-9a-f]\{64\}"' "$tmp/folder/results.json" | wc -l)" -ge 6 ] ||
            { echo "out.sh: results.json lacks the data files' SHA-256" >&2; exit 1; }
        i=$((i + 1))
    done
    echo "$n patients ($(cat "$dir"/*.csv | wc -c) CSV bytes), $runs pairs:"
    paste -d' ' "$tmp/plain" "$tmp/out" | awk '{
        printf "  without --out wall %6.2f s cpu %6.2f s ingest %6.3f s evaluation %6.3f s | --out wall %6.2f s cpu %6.2f s ingest %6.3f s evaluation %6.3f s | +%.2f s\n",
            $1, $2, $4, $5, $7, $8, $10, $11, $7 - $1 }'
    paste -d' ' "$tmp/plain" "$tmp/out" | awk '{print $7 - $1}' >"$tmp/diffs"
    echo "  --out - without, wall: median $(median <"$tmp/diffs") s, lowest $(sort -g "$tmp/diffs" | head -1) s, highest $(sort -g "$tmp/diffs" | tail -1) s"
done
