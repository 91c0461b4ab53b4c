#!/bin/sh
# bench/vs_r.sh: cohort against the same study in R (bench/course_study.R,
# data.table) at 100,000 and 1,000,000 simulated patients (seed 1).
# First proves both do the same work (bench/vs_r_compare.R: attrition,
# units, exposures, endpoint times and statuses, describe statistics to
# 1e-9), then times paired runs (cohort, then R, RUNS times) with 2 threads
# and with 1 thread each, and prints the medians of wall and CPU time, the
# median ratio of the pairs, cohort's peak RSS against the CSV bytes and its
# ingest MB/s (decimal megabytes, from --timing).  cohort runs with
# --no-cache, as R reads the CSV files each time (bench/rerun.sh measures
# the rerun cache).
# Usage: bench/vs_r.sh [BUILD_DIR]   env: RUNS (default 3), SIZES (default
# "100000 1000000"), THREADS (default "2 1"), BENCH_DIR (default
# /tmp/cohort-bench).
# Installs r-base-core, r-cran-data.table, r-cran-survival and r-cran-cmprsk
# with apt-get when Rscript or data.table is missing.
set -e
. "$(dirname "$0")/preamble.sh"
runs=${RUNS:-3}
sizes=${SIZES:-"100000 1000000"}
rules="$here/course_study.rules"
if ! Rscript -e 'library(data.table)' >/dev/null 2>&1; then
    apt-get install -y r-base-core r-cran-data.table r-cran-survival r-cran-cmprsk >/dev/null
fi
mkdir -p "$work"
# run_timed OUTFILE CMD...: appends "wall cpu maxrss_kib" to OUTFILE
run_timed() {
    f=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$f.t" "$@" >/dev/null 2>"$f.err"
    awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$f.t" >>"$f"
}
echo "$("$cohort" --version) against R $(Rscript -e 'cat(R.version$major, R.version$minor, sep=".")'), data.table $(Rscript -e 'cat(format(packageVersion("data.table")))'); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $sizes; do
    seed1_data "$n"
    bytes=$(cat "$dir"/*.csv | wc -c)
    # 1. the same work
    chk="$work/check-$n"
    rm -rf "$chk"; mkdir -p "$chk"
    "$cohort" run "$rules" --data "$dir" --plugin-path "$plugins" --out "$chk/cohort" >/dev/null
    "$cohort" export "$rules" --data "$dir" --plugin-path "$plugins" -o "$chk/export.csv"
    Rscript "$here/course_study.R" "$dir" 2 "$chk/r" >/dev/null
    printf '%s patients: ' "$n"
    Rscript "$here/vs_r_compare.R" "$chk/cohort" "$chk/export.csv" "$chk/r"
    # 2. paired runs
    for t in ${THREADS:-2 1}; do
        rm -f "$chk/c$t" "$chk/r$t" "$chk/ing$t"
        i=0
        while [ $i -lt "$runs" ]; do
            run_timed "$chk/c$t" "$cohort" run "$rules" --data "$dir" --plugin-path "$plugins" --threads $t --timing --no-cache
            sed -n 's/.*ingest \([0-9.]*\) s.*/\1/p' "$chk/c$t.err" >>"$chk/ing$t"
            run_timed "$chk/r$t" Rscript "$here/course_study.R" "$dir" $t
            i=$((i + 1))
        done
        cw=$(cut -d' ' -f1 "$chk/c$t" | median); rw=$(cut -d' ' -f1 "$chk/r$t" | median)
        cc=$(cut -d' ' -f2 "$chk/c$t" | median); rc=$(cut -d' ' -f2 "$chk/r$t" | median)
        ratio=$(paste -d' ' "$chk/c$t" "$chk/r$t" | awk '{print $4 / $1}' | median)
        cratio=$(paste -d' ' "$chk/c$t" "$chk/r$t" | awk '{print $5 / ($2 > 0 ? $2 : 0.01)}' | median)
        rss=$(cut -d' ' -f3 "$chk/c$t" | sort -n | tail -1)
        rrss=$(cut -d' ' -f3 "$chk/r$t" | sort -n | tail -1)
        ing=$(median <"$chk/ing$t")
        echo "  $t thread(s), median of $runs pairs: cohort wall ${cw} s (cpu ${cc} s), R wall ${rw} s (cpu ${rc} s); R/cohort wall ${ratio}x, cpu ${cratio}x"
        awk -v k="$rss" -v rk="$rrss" -v b="$bytes" -v ing="$ing" 'BEGIN {
            printf "    cohort peak RSS %.1f MiB = %.2fx the CSV bytes (%.1f MB); R peak RSS %.1f MiB; cohort ingest %.3f s = %.0f MB/s over all CSV bytes\n",
                k / 1024, k * 1024 / b, b / 1e6, rk / 1024, ing, (ing > 0 ? b / 1e6 / ing : 0) }'
        awk -v n="$n" -v w="$cw" 'BEGIN { printf "    cohort time per patient %.2f us\n", w * 1e6 / n }'
    done
done
