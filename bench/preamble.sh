# bench/preamble.sh: the opening the benchmarks share, sourced with
# `. "$(dirname "$0")/preamble.sh"` (after `set -e`): the build folder
# (the script's first argument, default build/ beside bench/) as an
# absolute path, the cohort binary and its plugins, the work folder
# ($BENCH_DIR, default /tmp/cohort-bench), and `median` (of the numbers
# on standard input, one per line).
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
cohort="$build/cohort"
plugins="$build/plugins/.libs"
work=${BENCH_DIR:-/tmp/cohort-bench}
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# What a fresh page of memory costs now (bench/pages.c): on this project's
# virtual machine it ranges from about 1.5 to 40 us with the machine's
# history, and a run at 1M patients takes about 400,000 of them, so every
# benchmark prints it before its figures.  BENCH_WARM=MB first touches
# that much memory once, so that the guest's never-used pages are not paid
# for during the timed runs (by cohort and R alike).
pages_bin="$work/pages"
mkdir -p "$work"
if [ ! -x "$pages_bin" ] || [ "$here/pages.c" -nt "$pages_bin" ]; then
    ${CC:-cc} -O2 -o "$pages_bin" "$here/pages.c"
fi
if [ -n "${BENCH_WARM:-}" ]; then
    echo "warming: touching ${BENCH_WARM} MiB once"
    "$pages_bin" "$BENCH_WARM" >/dev/null
fi
"$pages_bin" 256

# seed1_data N: $dir, the simulated cohort of N patients with seed 1 under
# $work, made when missing.  A file changed less than 2 s before it is
# hashed is hashed again at the next run (man cohort, RERUN CACHE), so the
# runs wait 3 s after making it, as later runs of the same data would.
seed1_data() {
    dir="$work/seed1-$1"
    if [ ! -f "$dir/events.csv" ]; then
        "$cohort" simulate --patients "$1" --seed 1 --out "$dir" >/dev/null
        sleep 3
    fi
}

# bench_scratch: RUNS and THREADS, and a scratch folder $tmp removed at
# exit (out.sh, rerun.sh, first.sh).
bench_scratch() {
    runs=${RUNS:-3}
    threads=${THREADS:-2}
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
}

# cache_bench: bench_scratch, and the caches on, in $tmp/cache (rerun.sh,
# first.sh).
cache_bench() {
    bench_scratch
    COHORT_CACHE_DIR="$tmp/cache"
    export COHORT_CACHE_DIR
    unset COHORT_CACHE
}

# timed NAME [ARGS]: $rules (default course_study.rules) run on $dir with
# $threads threads, --timing and ARGS; appends "wall cpu maxrss_kib ingest
# evaluation estimates" to $tmp/NAME (rerun.sh, first.sh, out.sh).
timed() {
    name=$1; shift
    # the wall time from the clock in nanoseconds (time's %e counts in 10 ms,
    # too coarse for a rerun of a few hundredths of a second)
    t0=$(date +%s%N)
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$cohort" run "${rules:-$here/course_study.rules}" --data "$dir" \
        --plugin-path "$plugins" --threads "$threads" --timing "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    t1=$(date +%s%N)
    ing=$(sed -n 's/.*ingest \([0-9.]*\) s.*/\1/p' "$tmp/$name.err")
    ev=$(sed -n 's/.*evaluation \([0-9.]*\) s.*/\1/p' "$tmp/$name.err")
    es=$(sed -n 's/.*estimates \([0-9.]*\) s.*/\1/p' "$tmp/$name.err")
    awk -v ing="$ing" -v ev="$ev" -v es="$es" -v w="$(( (t1 - t0) / 1000000 ))" \
        '{printf "%.3f %.2f %s %s %s %s\n", w / 1000, $2 + $3, $4, ing, ev, es}' "$tmp/t" >>"$tmp/$name"
}
