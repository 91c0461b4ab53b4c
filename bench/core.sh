#!/bin/sh
# bench/core.sh: simulate 100,000 and 1,000,000 patients, run the course-level
# benchmark study on each and print CSV ingest MB/s, evaluation time, total
# time and peak RSS, and the time per patient at 1M relative to 100k.
# Usage: bench/core.sh [BUILD_DIR]   (default: build)
# Targets (issue 2): ingest >= 200 MB/s; evaluation < 1/4 of ingest time;
# peak RSS < 1.5x the CSV bytes; time per patient at 1M within 1.3x of 100k.
set -e
. "$(dirname "$0")/preamble.sh"
mkdir -p "$work"
for n in 100000 1000000; do
    dir="$work/sim$n"
    if [ ! -f "$dir/events.csv" ]; then
        start=$(date +%s.%N)
        "$cohort" simulate --patients $n --seed 7 --out "$dir"
        end=$(date +%s.%N)
        echo "simulate $n patients: $(echo "$end - $start" | bc) s, $(du -sm "$dir" | cut -f1) MB"
    fi
    sync
    out=$("$cohort" run "$here/course_study.rules" --data "$dir" --plugin-path "$plugins" --timing --no-cache 2>&1 >/dev/null | grep '^timing:')
    echo "$n patients: $out"
    total=$(echo "$out" | sed 's/.*total \([0-9.]*\) s.*/\1/')
    eval "total_$n=$total"
done
us100k=$(echo "scale=3; $total_100000 * 1000000 / 100000" | bc)
us1m=$(echo "scale=3; $total_1000000 * 1000000 / 1000000" | bc)
echo "time per patient: 100k ${us100k} us, 1M ${us1m} us; ratio $(echo "scale=3; $us1m / $us100k" | bc) (target <= 1.3)"
