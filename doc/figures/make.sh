#!/bin/sh
# doc/figures/make.sh: draw the README's figures again -- cohort's, from the
# example studies, and R survminer's of the same data (survminer.R) -- into
# doc/figures/.  Run from a build: sh doc/figures/make.sh [BUILD_DIR]
# (default build/).  Needs Rscript with r-cran-survminer and r-cran-cmprsk
# for the survminer pictures.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
cohort="$build/cohort"
out="$top/doc/figures"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
COHORT_PLUGIN_PATH="$build/plugins/.libs" COHORT_CACHE=off COHORT_RULES_PATH="$top/examples/lib"
export COHORT_PLUGIN_PATH COHORT_CACHE COHORT_RULES_PATH
cd "$top/examples/studies"
"$cohort" run lung.rules --out "$tmp/lung" --plot annotate=true --plot ci_bands=true >/dev/null 2>&1
"$cohort" run tdxd_srs.rules --out "$tmp/tdxd" >/dev/null 2>&1
"$cohort" run compare_definitions.rules --out "$tmp/compare" >/dev/null 2>&1
"$cohort" export tdxd_srs.rules -o "$tmp/tdxd.csv" 2>/dev/null
(cd "$top/tests/report" && "$cohort" run zph.rules --out "$tmp/zph" >/dev/null 2>&1)
"$cohort" run "$out/sweep.rules" --sweep concurrent=1month,3months,6months,12months --out "$tmp/sweep" >/dev/null 2>&1
cp "$tmp/lung/01-km-survival.png" "$out/km-lung.png"
cp "$tmp/lung/02-cox-forest.png" "$out/cox-lung-forest.png"
cp "$tmp/tdxd/02-cif-incidence.png" "$out/cif-tdxd.png"
cp "$tmp/tdxd/attrition.png" "$out/attrition-tdxd.png"
cp "$tmp/compare/01-compare-forest_rn.png" "$out/compare-forest-rn.png"
cp "$tmp/sweep/01-finegray-forest-sweep.png" "$out/sweep-forest.png"
for f in "$tmp"/zph/*-zph-age.png; do cp "$f" "$out/zph-age.png"; done
for f in "$tmp"/zph/*-km-survival.png; do cp "$f" "$out/km-hr.png"; done
cp "$tmp/zph/attrition.png" "$out/attrition-arms.png"
Rscript "$out/survminer.R" "$top/examples/data/lung/lung.csv" "$tmp/tdxd.csv" "$out"
ls -l "$out"/*.png
