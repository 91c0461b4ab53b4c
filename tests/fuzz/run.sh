#!/bin/sh
# tests/fuzz/run.sh: runs each libFuzzer target (built by `make fuzz`) for
# FUZZ_SECONDS seconds from the seed corpus (examples/ and tests/), in a
# fresh working corpus under tests/fuzz/work/.  A finding is left in
# tests/fuzz/work/ as crash-* / leak-* / timeout-*; copy it to
# tests/fuzz/found/rules or tests/fuzz/found/csv once fixed, so that
# `make check` replays it.
set -u
: "${srcdir:=.}"
: "${FUZZ_SECONDS:=60}"
status=0
for target in rules csv; do
    work=tests/fuzz/work/$target
    mkdir -p "$work/corpus"
    if [ $target = rules ]; then
        find "$srcdir/examples" "$srcdir/tests/e2e/cases" "$srcdir/tests/fuzz/found/rules" -name '*.rules' \
            -type f -size -64k 2>/dev/null | while read -r f; do cp "$f" "$work/corpus/"$(echo "$f" | cksum | cut -d' ' -f1); done
    else
        find "$srcdir/examples/data" "$srcdir/tests/e2e" "$srcdir/tests/fuzz/found/csv" -name '*.csv' \
            -type f -size -64k 2>/dev/null | while read -r f; do cp "$f" "$work/corpus/"$(echo "$f" | cksum | cut -d' ' -f1); done
    fi
    echo "== fuzz_$target for $FUZZ_SECONDS s"
    ASAN_OPTIONS=detect_leaks=1 ./tests/fuzz/fuzz_$target -max_total_time="$FUZZ_SECONDS" -max_len=65536 \
        -timeout=20 -rss_limit_mb=2048 -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus" \
        2>"$work/log" || status=1
    grep -E '^stat::number_of_executed_units|^stat::peak_rss|^stat::new_units' "$work/log"
    ls "$work" | grep -E '^(crash|leak|timeout|oom)-' || true
done
exit $status
