#!/bin/sh
# bench/first.sh: what the caches cost a first run (issue 11).  On the
# simulated cohort of N patients (seed 1, under $BENCH_DIR), runs
# course_study.rules RUNS times with an empty cache folder (it hashes
# every CSV file and writes the table and results entries) alternated with
# the same run under --no-cache; checks that both give the same output;
# prints each pair's wall and CPU time (user + system), ingest and
# evaluation (--timing), the ratio first / --no-cache of each pair, their
# median, lowest and highest, and the entries' size (tables, results).
# Usage: bench/first.sh [BUILD_DIR]   env: SIZES (default "100000 1000000"),
# RUNS (default 3), THREADS (default 2), BENCH_DIR (default /tmp/cohort-bench).
set -e
. "$(dirname "$0")/preamble.sh"
cache_bench
echo "$("$cohort" --version); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $threads thread(s)"
for n in ${SIZES:-100000 1000000}; do
    seed1_data "$n"
    rm -f "$tmp/first" "$tmp/nocache"
    i=0
    while [ $i -lt "$runs" ]; do
        rm -rf "$COHORT_CACHE_DIR"
        timed first
        tables=$(cat "$COHORT_CACHE_DIR"/*.cohortcache | wc -c)
        results=$(cat "$COHORT_CACHE_DIR"/*.cohortres 2>/dev/null | wc -c)
        timed nocache --no-cache
        cmp -s "$tmp/first.out" "$tmp/nocache.out" || { echo "first.sh: outputs differ with and without the cache" >&2; exit 1; }
        grep -q '^cache: 0 tables restored.*, 5 files hashed,' "$tmp/first.err" ||
            { echo "first.sh: the first run did not hash every file: $(grep '^cache' "$tmp/first.err")" >&2; exit 1; }
        i=$((i + 1))
    done
    echo "$n patients ($(cat "$dir"/*.csv | wc -c) CSV bytes; entries: tables $tables, results $results bytes), $runs pairs:"
    paste -d' ' "$tmp/first" "$tmp/nocache" | awk '{
        printf "  first wall %6.2f s cpu %6.2f s ingest %6.3f s evaluation %6.3f s | --no-cache wall %6.2f s cpu %6.2f s ingest %6.3f s evaluation %6.3f s | ratio %.2f\n",
            $1, $2, $4, $5, $7, $8, $10, $11, $1 / $7 }'
    paste -d' ' "$tmp/first" "$tmp/nocache" | awk '{print $1 / $7}' >"$tmp/ratios"
    echo "  first / --no-cache wall: median $(median <"$tmp/ratios"), lowest $(sort -g "$tmp/ratios" | head -1), highest $(sort -g "$tmp/ratios" | tail -1)"
done
