#!/bin/sh
# bench/rerun.sh: the rerun cache (issue 11).  On the simulated cohort of
# N patients (seed 1, under $BENCH_DIR), runs course_study.rules RUNS times,
# each with an empty cache (it parses every file and writes the cache), then a changed
# copy of the rules (T-DXd's window of 3 months made 6) RUNS times on the
# unchanged data (each restores the tables from the cache and reuses the
# results of the unchanged definitions the first run wrote), and the
# changed rules with --no-cache; checks that the cached and uncached
# outputs of the changed rules are identical; prints the last rerun's
# `cache:` line (tables restored, linked and unread: lesions, never named,
# restored with its shape alone; files hashed: none when the
# files' identities vouch for them; results of the evaluation reused from
# the results cache, src/rescache.c: all but the changed let; describe's
# columns whose summaries it takes from the cache are not fetched), the wall
# and CPU time (user + system), the ingest, evaluation and estimates times
# (--timing) and peak RSS of each, and the speed-ups of the rerun over the
# first run.
# Usage: bench/rerun.sh [BUILD_DIR]   env: SIZES (default "100000 1000000"),
# RUNS (default 3), THREADS (default 2), BENCH_DIR (default /tmp/cohort-bench).
set -e
. "$(dirname "$0")/preamble.sh"
cache_bench
cp "$here/course_study.rules" "$tmp/first.rules"
sed 's/within 3 months of start_date/within 6 months of start_date/' "$here/course_study.rules" >"$tmp/changed.rules"
cmp -s "$tmp/first.rules" "$tmp/changed.rules" && { echo "rerun.sh: the rules were not changed" >&2; exit 1; }
show() {
    printf '  %-32s wall %6.3f s  cpu %6.2f s  ingest %6.3f s  evaluation %6.3f s  estimates %6.3f s  peak RSS %7.1f MiB\n' "$1" \
        "$(cut -d' ' -f1 "$tmp/$2" | median)" "$(cut -d' ' -f2 "$tmp/$2" | median)" \
        "$(cut -d' ' -f4 "$tmp/$2" | median)" "$(cut -d' ' -f5 "$tmp/$2" | median)" \
        "$(cut -d' ' -f6 "$tmp/$2" | median)" "$(cut -d' ' -f3 "$tmp/$2" | sort -n | tail -1 | awk '{print $1 / 1024}')"
}
echo "$("$cohort" --version); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $threads thread(s)"
for n in ${SIZES:-100000 1000000}; do
    seed1_data "$n"
    rm -f "$tmp/first" "$tmp/rerun" "$tmp/nocache"
    rules="$tmp/first.rules"
    # the first run writes the caches, so its time moves with the page
    # cache's state: a median of RUNS, each from an empty cache (the reruns
    # use the cache the last one wrote)
    i=0
    while [ $i -lt "$runs" ]; do
        rm -rf "$COHORT_CACHE_DIR"
        timed first
        i=$((i + 1))
    done
    rules="$tmp/changed.rules"
    # each rerun finds the cache as the first run left it: the results an
    # earlier rerun wrote (the changed let's) are removed
    ls "$COHORT_CACHE_DIR" >"$tmp/after-first"
    i=0
    while [ $i -lt "$runs" ]; do
        ls "$COHORT_CACHE_DIR" | grep '\.cohortres$' | grep -vxF -f "$tmp/after-first" |
            sed "s|^|$COHORT_CACHE_DIR/|" | xargs -r rm -f
        timed rerun
        timed nocache --no-cache
        i=$((i + 1))
    done
    grep -q '^cache: 5 tables restored' "$tmp/rerun.err" || { echo "rerun.sh: the rerun did not use the cache" >&2; exit 1; }
    grep -q ' [1-9][0-9]* of [0-9]* results reused, [0-9]* of [0-9]* plugin results reused, ' "$tmp/rerun.err" || { echo "rerun.sh: the rerun reused no result" >&2; exit 1; }
    cached=$(grep '^cache: ' "$tmp/rerun.err")
    cmp -s "$tmp/rerun.out" "$tmp/nocache.out" || { echo "rerun.sh: outputs differ with and without the cache" >&2; exit 1; }
    echo "$n patients ($(cat "$dir"/*.csv | wc -c) CSV bytes; cache $(du -sm "$COHORT_CACHE_DIR" | cut -f1) MiB), medians of $runs:"
    echo "  the last rerun's ${cached}"
    show "first run (parses, writes cache)" first
    show "changed rules, cached" rerun
    show "changed rules, --no-cache" nocache
    awk -v a="$(cut -d' ' -f1 "$tmp/first" | median)" -v b="$(cut -d' ' -f1 "$tmp/rerun" | median)" \
        -v c="$(cut -d' ' -f2 "$tmp/first" | median)" -v d="$(cut -d' ' -f2 "$tmp/rerun" | median)" \
        -v e="$(cut -d' ' -f4 "$tmp/first" | median)" -v f="$(cut -d' ' -f4 "$tmp/rerun" | median)" \
        'BEGIN { printf "  rerun speed-up: wall %.2fx, cpu %.2fx, ingest %.1fx\n", a / b, c / (d > 0 ? d : 0.01), e / (f > 0 ? f : 0.001) }'
done
