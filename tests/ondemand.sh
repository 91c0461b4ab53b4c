#!/bin/sh
# tests/ondemand.sh: columns fetched on demand (plugin ABI 1.7,
# COHORT_EST_COLUMNS_ON_DEMAND and cohort_host.fetch).  With the rerun
# cache on, describe (flagged) is given its variables' columns without
# values and fetches those its memo did not summarise: a rerun fetches
# none of its numbers and booleans (the `cache:` line's "U columns not
# fetched"), and its outputs equal --no-cache's byte for byte; a plugin
# built against ABI 1.6 (tests/plugins/abi16.c: its descriptor ends
# before estimator_flags) reads the same columns' values in the same runs
# without fetching them: it gets them all before run(), and its memo
# works as before.  (tests/cache.sh checks describe's fetches further.)
. "${srcdir:-.}/tests/preamble.sh"
COHORT_PLUGIN_PATH="${COHORT_TEST_PLUGINS:-}:${COHORT_BAD_PLUGINS:-}"
COHORT_CACHE_DIR="$tmp/cache"
COHORT_CACHE_MIN_BYTES=0
export COHORT_PLUGIN_PATH COHORT_CACHE_DIR COHORT_CACHE_MIN_BYTES
unset COHORT_CACHE COHORT_CSV_PART_BYTES

mkdir -p "$tmp/s/data"
awk -v dir="$tmp/s/data" 'BEGIN {
    p = dir "/patients.csv"
    print "patient_id,age,weight,smoker,name" > p
    for (i = 1; i <= 400; i++)
        printf "%d,%s,%d,%s,%s\n", i, i % 11 == 0 ? "" : 30 + i % 47, 50 + i % 31,
            i % 3 ? "true" : "false", i % 7 ? "n" i % 13 : "" > p
}'
cat >"$tmp/s/both.rules" <<'RULES'
study "on demand";
data csv "data" {
  table patients key patient_id;
}
unit patients;
let old = age >= 60;
estimate describe(vars: [age, weight, smoker, old, name]);
estimate abi16(vars: [age, weight, smoker, old, name]);
RULES
grep -v '^estimate abi16' "$tmp/s/both.rules" >"$tmp/s/describe.rules"
grep -v '^estimate describe' "$tmp/s/both.rules" >"$tmp/s/abi16.rules"

# go NAME RULES [ARGS...]: outputs under $tmp/NAME.*
go() {
    name=$1
    rules=$2
    shift 2
    (cd "$tmp/s" && "$COHORT" run "$rules" --timing "$@") >"$tmp/$name.out" 2>"$tmp/$name.raw"
    echo $? >"$tmp/$name.status"
    grep -v '^timing: \|^cache: ' "$tmp/$name.raw" >"$tmp/$name.err"
}
same() {
    for s in out err status; do
        cmp -s "$tmp/$2.$s" "$tmp/$1.$s" || fail "$1: $s differs from $2"
    done
}
# `line NAME U R M P Q`: the cache: line says U columns not fetched, R of M
# results reused, P of Q plugin results reused
line() {
    got=$(sed -n 's/^cache: .*, \([0-9]*\) columns not fetched, \([0-9]*\) of \([0-9]*\) results reused, \([0-9]*\) of \([0-9]*\) plugin results reused, .*$/\1 \2 \3 \4 \5/p' "$tmp/$1.raw")
    [ "$got" = "$2 $3 $4 $5 $6" ] || fail "$1: cache line says '${got:-nothing}', expected '$2 $3 $4 $5 $6'"
}

for r in describe abi16 both; do
    go "${r}_ref" "$r.rules" --no-cache
    [ "$(cat "$tmp/${r}_ref.status")" = 0 ] || fail "${r}_ref: exit status $(cat "$tmp/${r}_ref.status"): $(cat "$tmp/${r}_ref.err")"
done
grep -q 'abi16: age: 364 known values (kept: 364)' "$tmp/abi16_ref.out" || fail "abi16_ref: not the values: $(cat "$tmp/abi16_ref.out")"

# describe alone: the first run fetches all 5 columns (none kept), the
# rerun the text alone (its 4 numbers' and booleans' summaries from the
# memo), on 1 and 2 threads
rm -rf "$COHORT_CACHE_DIR"
go d1 describe.rules
same d1 describe_ref
line d1 0 0 6 0 4
for th in 1 2; do
    go "d2_$th" describe.rules --threads $th
    same "d2_$th" describe_ref
    line "d2_$th" 4 2 2 4 4
done

# the ABI 1.6 plugin alone: every column read before run() (5 fetched of
# 5 reused), its memo as before
rm -rf "$COHORT_CACHE_DIR"
go a1 abi16.rules
same a1 abi16_ref
line a1 0 0 6 0 5
go a2 abi16.rules
same a2 abi16_ref
line a2 0 6 6 5 5

# both in one study, sharing the columns' keys: describe leaves 4 unread,
# abi16 reads all (its own cohort_vecs, given whole)
rm -rf "$COHORT_CACHE_DIR"
go b1 both.rules
same b1 both_ref
go b2 both.rules
same b2 both_ref
line b2 4 7 7 9 9
# (400 weights 50 + i % 31: 400 * 50 + 12 * (0 + ... + 30) + (1 + ... + 28) = 20000 + 5580 + 406)
grep -q 'abi16: weight: 400 known values (kept: 400), sum 25986' "$tmp/b2.out" || fail "b2: abi16 did not read weight's values"

[ "$fails" -eq 0 ]
