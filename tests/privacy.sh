#!/bin/sh
# tests/privacy.sh: the small-cell attacker (tests/privacy/attack.c) on the
# whole results.json of several studies run with a minimum cell size: it
# must recover no hidden count below it, and -- where complementary
# suppression hid something -- it must recover one when the "x" cells are
# read as their true values (the rule without complements), so that the
# relations it tries are the ones that matter.  The figures' numbers at
# risk (their JSON in each run's --out folder) are read with the tables.  The true values come from
# the same rules run without `privacy min_cell` (the data path made
# absolute, so that the copy can live in a temporary folder).
set -u
: "${COHORT:?COHORT must name the cohort binary}"
: "${srcdir:=.}"
ATTACK=${ATTACK:-./tests/privacy/attack}
COHORT_PLUGIN_PATH="${COHORT_TEST_PLUGINS:-}"
export COHORT_PLUGIN_PATH
# imports may come from the shared test data (as in tests/e2e.sh)
COHORT_RULES_PATH="$(cd "$srcdir/tests/e2e/data" && pwd)"
export COHORT_RULES_PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
# rules file, min_cell
check() {
    rules=$1 m=$2
    dir=$(cd "$(dirname "$rules")" && pwd)
    name=$(basename "$rules" .rules)
    [ "$name" = study ] && name=$(basename "$dir")
    n=$((n + 1))
    if ! "$COHORT" run "$rules" --format json --min-cell "$m" >"$tmp/pub.json" 2>"$tmp/err"; then
        echo "FAIL: $name: the run failed"; head -5 "$tmp/err"; fail=$((fail + 1)); return
    fi
    sed -e '/^ *privacy min_cell/d' \
        -e "s#data csv \"\\([^/\"][^\"]*\\)\"#data csv \"$dir/\\1\"#" \
        -e "s#import \"\\([^/\"][^\"]*\\)\"#import \"$dir/\\1\"#" "$rules" >"$tmp/truth.rules"
    if ! "$COHORT" run "$tmp/truth.rules" --allow-import-path "$dir/.." --format json >"$tmp/truth.json" 2>"$tmp/err"; then
        echo "FAIL: $name: the run without min_cell failed"; head -5 "$tmp/err"; fail=$((fail + 1)); return
    fi
    # the figures' number-at-risk tables, from each run's --out folder
    rm -rf "$tmp/pubout" "$tmp/truthout"
    "$COHORT" run "$rules" --min-cell "$m" --out "$tmp/pubout" >/dev/null 2>&1
    "$COHORT" run "$tmp/truth.rules" --allow-import-path "$dir/.." --out "$tmp/truthout" >/dev/null 2>&1
    figs=""
    for f in "$tmp"/pubout/*.figure.json; do
        [ -f "$f" ] && [ -f "$tmp/truthout/$(basename "$f")" ] && figs="$figs $f $tmp/truthout/$(basename "$f")"
    done
    if ! "$ATTACK" "$tmp/pub.json" "$tmp/truth.json" "$m" all $figs >"$tmp/out"; then
        echo "FAIL: $name (min_cell $m): a hidden count can be computed"
        cat "$tmp/out"
        fail=$((fail + 1))
        return
    fi
    line=$(tail -1 "$tmp/out")
    if grep -q '"x"' "$tmp/pub.json"; then
        if "$ATTACK" "$tmp/pub.json" "$tmp/truth.json" "$m" primary-only $figs >"$tmp/out2"; then
            echo "FAIL: $name (min_cell $m): without its x cells nothing is found: the attacker misses the relations"
            fail=$((fail + 1))
            return
        fi
        echo "ok: $name (min_cell $m, $(echo $figs | wc -w | awk '{print $1/2}') figures): $line; without complements: $(grep -c derivable: "$tmp/out2") found"
    else
        echo "ok: $name (min_cell $m): $line; no complement needed"
    fi
}
check "$srcdir/tests/e2e/cases/privacy_text/study.rules" 5
check "$srcdir/tests/e2e/cases/privacy_json/study.rules" 5
check "$srcdir/tests/e2e/cases/privacy_complement/study.rules" 5
check "$srcdir/tests/e2e/cases/privacy_crosstab/study.rules" 20
check "$srcdir/examples/studies/lung.rules" 25
check "$srcdir/examples/studies/mills2021.rules" 5
check "$srcdir/examples/studies/stumpf2019.rules" 5
echo "$n studies, $fail failed"
[ "$fail" = 0 ]
