#!/bin/sh
# tests/omop.sh: the OMOP CDM example.  Checks that
#  - `cohort simulate --format omop` writes exactly examples/data/omop400
#    (seed 2026, 400 patients), and the default format still exactly
#    examples/data/sim400 (the same patients in both);
#  - the synthetic vocabulary is consistent: every concept is its own
#    ancestor at level 0, every concept_ancestor id is a concept, every
#    drug, procedure, condition and measurement concept of the tables is in
#    the vocabulary;
#  - examples/studies/koide2024_omop.rules gives, on the OMOP tables, the
#    same analysis dataset (cohort export, row by row) and the same estimates
#    (cohort run, every line after the title and attrition header) as
#    examples/studies/koide2024.rules on the five tables.
# Prints one line per failed check and "N passed, M failed".
set -u
: "${COHORT:?COHORT must name the cohort binary}"
: "${srcdir:=.}"
: "${COHORT_TEST_PLUGINS:=plugins/.libs}"
COHORT_PLUGIN_PATH="$COHORT_TEST_PLUGINS"
export COHORT_PLUGIN_PATH
ex="$srcdir/examples"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# 1. the simulated tables
if "$COHORT" simulate --patients 400 --seed 2026 --format omop --out "$tmp/omop" 2>"$tmp/err"; then
    for f in "$ex"/data/omop400/*.csv; do
        if cmp -s "$f" "$tmp/omop/$(basename "$f")"; then ok; else bad "omop: $(basename "$f") differs from the committed example"; fi
    done
    n=$(ls "$tmp/omop" | wc -l)
    if [ "$n" -eq 9 ]; then ok; else bad "omop: $n files written, expected 9"; fi
else
    bad "simulate --format omop failed: $(cat "$tmp/err")"
fi
if "$COHORT" simulate --patients 400 --seed 2026 --out "$tmp/sim" 2>"$tmp/err"; then
    for f in patients courses lesions drugs events; do
        if cmp -s "$ex/data/sim400/$f.csv" "$tmp/sim/$f.csv"; then ok; else bad "default format: $f.csv changed"; fi
    done
else
    bad "simulate failed: $(cat "$tmp/err")"
fi

# 2. the vocabulary
voc=$(awk -F, '
    FNR == 1 { next }
    FILENAME ~ /\/concept\.csv$/ { concept[$1] = 1; next }
    FILENAME ~ /concept_ancestor\.csv$/ {
        anc[$1] = 1; anc[$2] = 1
        if ($1 == $2 && $3 == 0 && $4 == 0) self[$1] = 1
        next
    }
    FILENAME ~ /drug_exposure/ { used[$3] = 1; next }
    FILENAME ~ /procedure_occurrence|condition_occurrence|measurement/ { used[$3] = 1; next }
    END {
        for (c in concept) if (!(c in self)) print "concept " c " is not its own ancestor"
        for (c in anc) if (!(c in concept)) print "concept_ancestor names " c ", not a concept"
        for (c in used) if (!(c in concept)) print "the tables use concept " c ", not in the vocabulary"
    }' "$ex/data/omop400/concept.csv" "$ex/data/omop400/concept_ancestor.csv" \
       "$ex/data/omop400/drug_exposure.csv" "$ex/data/omop400/procedure_occurrence.csv" \
       "$ex/data/omop400/condition_occurrence.csv" "$ex/data/omop400/measurement.csv")
if [ -z "$voc" ]; then ok; else bad "vocabulary: $voc"; fi

# 3. the same study on both
csv="$ex/studies/koide2024.rules"
omop="$ex/studies/koide2024_omop.rules"
if "$COHORT" export "$csv" -o "$tmp/csv.csv" 2>"$tmp/err1" && "$COHORT" export "$omop" -o "$tmp/omop.csv" 2>"$tmp/err2"; then
    tail -n +2 "$tmp/csv.csv" >"$tmp/csv.rows"
    tail -n +2 "$tmp/omop.csv" >"$tmp/omop.rows"
    if [ -s "$tmp/csv.rows" ] && cmp -s "$tmp/csv.rows" "$tmp/omop.rows"; then ok
    else bad "koide2024: the OMOP analysis dataset differs"; diff "$tmp/csv.rows" "$tmp/omop.rows" | head -10; fi
else
    bad "koide2024 export failed: $(cat "$tmp/err1" "$tmp/err2")"
fi
# the estimates: from the first `estimate` line on, the file names aside
if "$COHORT" run "$csv" >"$tmp/csv.out" 2>"$tmp/err1" && "$COHORT" run "$omop" >"$tmp/omop.out" 2>"$tmp/err2"; then
    sed -n '/^estimate /,$p' "$tmp/csv.out" | sed 's/koide2024\.rules:[0-9]*/RULES/' >"$tmp/csv.est"
    sed -n '/^estimate /,$p' "$tmp/omop.out" | sed 's/koide2024_omop\.rules:[0-9]*/RULES/' >"$tmp/omop.est"
    if [ "$(grep -c '^estimate ' "$tmp/csv.est")" -eq 2 ] && cmp -s "$tmp/csv.est" "$tmp/omop.est"; then ok
    else bad "koide2024: the OMOP estimates differ"; diff "$tmp/csv.est" "$tmp/omop.est" | head -20; fi
    # and the analysis set: the last attrition row's count of units
    a=$(sed -n '/^Attrition/,/^$/p' "$tmp/csv.out" | awk 'NF { last = $NF } END { print last }')
    b=$(sed -n '/^Attrition/,/^$/p' "$tmp/omop.out" | awk 'NF { last = $NF } END { print last }')
    if [ -n "$a" ] && [ "$a" = "$b" ]; then ok; else bad "koide2024: $a units from CSV, $b from OMOP"; fi
else
    bad "koide2024 run failed: $(cat "$tmp/err1" "$tmp/err2")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
