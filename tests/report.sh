#!/bin/sh
# tests/report.sh: `cohort run --out DIR` as a reader of the results would
# check it.  Runs tests/report/study.rules (60 simulated patients whose
# identifiers all start with HOSP-) twice: as written, and with
# --min-cell 5.  Checks that every file of the report is there and none is
# left half-written, that report.html embeds every figure and names the
# SHA-256 of the rules and of each data file, that the figure PNGs match
# tests/report/expected/ within pngcmp's tolerance, that no output holds a
# patient or course identifier while `cohort export` does, and that the
# small-cell rule shows up in the text, JSON, CSV, figure data and report.
# Prints one line per check and "N passed, M failed".
set -u
: "${COHORT:?COHORT must name the cohort binary}"
: "${srcdir:=.}"
COHORT_PLUGIN_PATH="${COHORT_TEST_PLUGINS:-}"
export COHORT_PLUGIN_PATH
build=$(dirname "$COHORT")
PNGCMP="$build/tests/report/pngcmp"
rules="$srcdir/tests/report/study.rules"
expected="$srcdir/tests/report/expected"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; }
check() { # check NAME COMMAND...: passes when the command succeeds
    name=$1
    shift
    if "$@" >"$tmp/.check" 2>&1; then ok "$name"; else bad "$name"; head -20 "$tmp/.check"; fi
}

"$COHORT" run "$rules" --out "$tmp/a" >"$tmp/a.out" 2>"$tmp/a.err"
check "run exits 0" test $? = 0
"$COHORT" run "$rules" --out "$tmp/b" --min-cell 5 --format json >"$tmp/b.out" 2>"$tmp/b.err"
check "run --min-cell 5 exits 0" test $? = 0

# -- the files -------------------------------------------------------------------
figs="attrition 01-km-survival 02-cif-incidence 02-cif-incidence-rn 02-cif-incidence-death 03-cox-forest"
missing=""
for f in $figs; do
    for ext in svg png pdf; do [ -s "$tmp/a/$f.$ext" ] || missing="$missing $f.$ext"; done
done
for f in report.html results.json attrition.csv 01-km-survival.csv 01-km-survival.json 01-km-curve.csv \
         01-km-survival.figure.json 02-cif-cif.csv 02-cif-test.json 03-cox-coef.csv 03-cox-forest.figure.json; do
    [ -s "$tmp/a/$f" ] || missing="$missing $f"
done
check "every file of the report is written${missing:+ (missing:$missing)}" test -z "$missing"
check "no temporary file or folder is left" test -z "$(ls -A "$tmp" "$tmp/a" "$tmp/b" | grep '^\.' | grep -v '^\.cohort-manifest$' | grep -v '^\.check$')"
check "the manifest names every file of the folder" \
    test "$(tail -n +2 "$tmp/a/.cohort-manifest")" = "$(cd "$tmp/a" && LC_ALL=C ls | LC_ALL=C sort)"
check "SVG, PNG and PDF files are what they say" sh -c \
    "head -c 200 '$tmp/a/01-km-survival.svg' | grep -q '<svg' &&
     head -c 4 '$tmp/a/01-km-survival.png' | grep -q PNG &&
     head -c 4 '$tmp/a/01-km-survival.pdf' | grep -q '%PDF'"

# -- the page ----------------------------------------------------------------------
page="$tmp/a/report.html"
nimg=$(grep -o '<img class="figure"' "$page" | wc -l)
nsvg=$(ls "$tmp/a" | grep -c '\.svg$')
check "report.html embeds every figure ($nimg images, $nsvg SVG files)" test "$nimg" = "$nsvg"
check "report.html is self-contained (data: images, a CSP, no script, nothing remote)" sh -c \
    "grep -q 'src=\"data:image/svg+xml;base64,' '$page' &&
     grep -q \"Content-Security-Policy\" '$page' &&
     ! grep -qi '<script' '$page' &&
     ! grep -Eqi '(src|href)=\"(https?:)?//' '$page'"
check "report.html names the study, every estimate and the warnings" sh -c \
    "grep -q 'Report test: radionecrosis after SRS' '$page' &&
     test \$(grep -c 'class=\"estimate\"' '$page') = 3 &&
     grep -q 'id=\"warnings\"' '$page'"
check "report.html has a table of contents linking the run, inputs, attrition, each estimate and the warnings" sh -c \
    "test \$(grep -c '<li><a href=\"#estimate-[0-9]*\"><code>estimate ' '$page') = 3 &&
     grep -q '<li><a href=\"#run\">Run</a></li>' '$page' &&
     grep -q '<li><a href=\"#warnings\">Warnings</a></li>' '$page'"
check "report.html gives the run date, the command line and the cohort version" sh -c \
    "grep -q '<td>run date</td><td>[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T' '$page' &&
     grep -q '<td>command line</td><td><code>cohort run [^<]*--out $tmp/a</code>' '$page' &&
     grep -q '<td>cohort version</td><td>[0-9]' '$page'"
check "report.html's estimates are collapsible sections, open, and it has a print stylesheet" sh -c \
    "test \$(grep -c '<details class=\"section\" open><summary><h2>' '$page') = 3 &&
     grep -q '@media print' '$page'"
# the rules as parsed, escaped, in a section that folds away; imports named
sed -e 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g' -e "s/'/\\&#39;/g" "$rules" | grep -v '^$' >"$tmp/rules.esc"
check "report.html shows the rules, escaped, in a closed section listed in the contents" sh -c \
    "grep -q '<li><a href=\"#rules\">Rules</a></li>' '$page' &&
     grep -q '<section id=\"rules\">' '$page' && grep -q '<details class=\"section\"><summary><h2>Rules</h2>' '$page' &&
     grep -q '(the study)</h3>' '$page' &&
     while IFS= read -r line; do grep -qF -- \"\$line\" '$page' || exit 1; done <'$tmp/rules.esc'"
"$COHORT" run "$srcdir/tests/e2e/cases/est_sweep/study.rules" --allow-import-path "$srcdir/tests/e2e/data" \
    --out "$tmp/imp" >/dev/null 2>&1
check "report.html names each imported rules file with its text" sh -c \
    "grep -q 'est_sweep/study.rules</code> (the study)</h3>' '$tmp/imp/report.html' &&
     grep -q 'est.rules</code> (imported)</h3>' '$tmp/imp/report.html' &&
     grep -q 'let concurrent = any drugs d: d.agent == &quot;T-DXd&quot;' '$tmp/imp/report.html'"
rm -rf "$tmp/imp"   # (its data are not the report test's: the identifier checks below read $tmp)
# the parameter values and a sweep's, in the study of e2e json_provenance
"$COHORT" run "$srcdir/tests/e2e/cases/json_provenance/study.rules" --set conf=0.9 \
    --sweep horizon=100days,12months --out "$tmp/p" >/dev/null 2>&1
check "report.html gives the parameter values (--set) and the values of each run of a sweep" sh -c \
    "grep -q '<tr><td><code>conf</code></td><td>0.9</td></tr>' '$tmp/p/report.html' &&
     grep -q '<th>run</th><th><code>horizon</code></th>' '$tmp/p/report.html' &&
     grep -q '<tr><td class=\"n\">2</td><td>12months</td></tr>' '$tmp/p/report.html'"
hashes=""
for f in "$rules" "$srcdir"/tests/report/data/*.csv; do
    h=$(sha256sum "$f" | cut -d' ' -f1)
    grep -q "$h" "$page" || hashes="$hashes $(basename "$f")"
done
check "report.html gives the SHA-256 of the rules and of each data file${hashes:+ (missing:$hashes)}" test -z "$hashes"

# -- the figures as images -----------------------------------------------------------
for f in attrition 01-km-survival 02-cif-incidence 02-cif-incidence-rn 03-cox-forest; do
    check "figure $f.png matches the expected image" "$PNGCMP" "$expected/$f.png" "$tmp/a/$f.png"
done
# the plot options: the tests annotated, other colours and line types,
# y-axis limits, ticks every 6 months, a 5 x 4 inch figure
"$COHORT" run "$rules" --out "$tmp/c" --plot annotate=true --plot 'colours=["#000000","#999999"]' \
    --plot 'line_types=["dotted","solid"]' --plot 'y_limits=[0.2,1]' --plot breaks=6months \
    --plot width=5 --plot height=4 >/dev/null 2>&1
check "run with --plot options exits 0" test $? = 0
for f in 01-km-survival 02-cif-incidence; do
    check "figure $f.png with --plot options matches the expected image" \
        "$PNGCMP" "$expected/options-$f.png" "$tmp/c/$f.png"
done
# the scaled Schoenfeld residual plot of cox(zph_plot: true): one figure per
# term, drawn as plot.cox.zph (its numbers are checked against R by
# test_cox: tests/R/coxzph_plot.R); not drawn under a small-cell rule
zph="$srcdir/tests/report/zph.rules"
"$COHORT" run "$zph" --out "$tmp/z" >/dev/null 2>&1
check "run with cox(zph_plot: true) exits 0" test $? = 0
for f in concurrent age; do
    check "figure 01-cox-zph-$f.png matches the expected image" \
        "$PNGCMP" "$expected/zph-$f.png" "$tmp/z/01-cox-zph-$f.png"
done
# km(hr: true) with plot annotate = true: the hazard ratio as R's coxph
# with cluster(patient_id) -- the unit is the course, so km clusters by
# patient as cox does (tests/R/figures.R: HR 0.5828, 95% CI 0.3776-0.8996)
# -- and, clustered, coxph's robust score test (its rscore: p 0.0113), not
# survdiff's p, which assumes independent rows
check "figure data: the km figure's annotation gives coxph's clustered HR and robust score p" \
    grep -q '"annotation": "HR 0.58 (95% CI 0.38-0.90); robust score p = 0.011"' "$tmp/z/02-km-survival.figure.json"
check "figure 02-km-survival.png annotated with the HR matches the expected image" \
    "$PNGCMP" "$expected/hr-km-survival.png" "$tmp/z/02-km-survival.png"
# plot attrition_by = concurrent: the last step's 130 courses in arms, as
# km's groups count them (false 100, true 30: tests/R/figures.R's table)
check "attrition.png split into arms matches the expected image" \
    "$PNGCMP" "$expected/arms-attrition.png" "$tmp/z/attrition.png"
check "results.json: the arms add up to the analysis set and match km's groups" \
    grep -q '"attrition_arms": {"by": "concurrent", "arms": \[{"level": "false", "n": 100}, {"level": "true", "n": 30}\]}' "$tmp/z/results.json"
# with analysis blocks under --sweep, each block's flow of each run has its
# arms under its last box (the e2e case fig_attrition_arms_runs_json gives
# their counts by hand)
"$COHORT" run "$srcdir/tests/e2e/cases/fig_attrition_arms_runs_json/study.rules" --sweep cut=2,1 \
    --out "$tmp/ar" >/dev/null 2>&1
check "attrition.png of blocks and runs, each flow split into its arms, matches the expected image" \
    "$PNGCMP" "$expected/arms-runs-attrition.png" "$tmp/ar/attrition.png"
zfig="$tmp/z/01-cox-zph-age.figure.json"
zevents=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "events") c = i } NR == 2 { print $c }' "$tmp/z/01-cox-model.csv")
check "figure data: the zph figure has a point per event ($zevents), the 40-point smooth and 8 time ticks" sh -c \
    "test \$(grep '\"points\": ' '$zfig' | tr '[' '\n' | grep -c '^[0-9.e-]*, [0-9.e-]*\]') = '$zevents' &&
     test \$(grep '\"smooth\": ' '$zfig' | tr '[' '\n' | grep -c '^[0-9.e-]*, [0-9.e-]*, [0-9.e-]*, [0-9.e-]*\]') = 40 &&
     test \$(grep '\"xticks\": ' '$zfig' | tr '[' '\n' | grep -c '^[0-9.e-]*, \"[0-9.]*\"\]') = 8"
"$COHORT" run "$zph" --min-cell 5 --out "$tmp/zm" >/dev/null 2>&1
check "under --min-cell 5 the residuals are neither written nor plotted" sh -c \
    "test -s '$tmp/zm/01-cox-zph.csv' && ! ls '$tmp/zm' | grep -q 'zph-\\|zph_resid\\|zph_smooth'"
# the annotations, as R gives them on the exported data (tests/R/figures.R):
# survdiff chi-squared 3.65 on 1 df, p = 0.0560; cuminc's Gray tests
# p = 0.3245 (rn) and 0.0686 (death)
check "figure data: the km figure's log-rank p as R's survdiff" \
    grep -q '"annotation": "Log-rank p = 0.056"' "$tmp/a/01-km-survival.figure.json"
check "figure data: the cif panel's Gray p-values as R's cuminc" \
    grep -q '"annotation": "Gray.s test: rn p = 0.325; death p = 0.069"' "$tmp/a/02-cif-incidence.figure.json"
check "figure data: the cif panel has a curve per group and cause" sh -c \
    "test \$(grep -c '\"outcome\": \"rn\"' '$tmp/a/02-cif-incidence.figure.json') = 2 &&
     test \$(grep -c '\"outcome\": \"death\"' '$tmp/a/02-cif-incidence.figure.json') = 2"
for f in 01-km-survival 02-cif-incidence 02-cif-incidence-rn; do
    check "figure $f.png under --min-cell 5 matches the expected image" \
        "$PNGCMP" "$expected/private-$f.png" "$tmp/b/$f.png"
done

# -- no identifiers, except where asked for ------------------------------------------
# (report.html's rules section quotes the rules, whose comments describe the identifiers)
check "no output file or stream holds a patient or course identifier" sh -c \
    "! grep -rl --exclude=report.html 'HOSP-' '$tmp/a' '$tmp/b' '$tmp/a.out' '$tmp/a.err' '$tmp/b.out' '$tmp/b.err' &&
     for p in a b; do sed '/<section id=\"rules\">/,/<\/section>/d' '$tmp/'\$p/report.html | grep -q 'HOSP-' && exit 1; done; exit 0"
"$COHORT" export "$rules" -o "$tmp/rows.csv" 2>/dev/null
check "cohort export, the one place rows are written, does hold them" grep -q 'HOSP-C0001' "$tmp/rows.csv"

# -- the small-cell rule in every output ---------------------------------------------
check "text: 3 radionecrosis events by 24 months in concurrent = true shown as <5" sh -c \
    "'$COHORT' run '$rules' --min-cell 5 2>/dev/null |
     grep -q '^  rn     true                 24.0     <5       <5     <5     <5\$'"
check "JSON: counts below 5 are the string \"<5\"" grep -q '"<5"' "$tmp/b.out"
check "JSON: the same count is a number without --min-cell" sh -c \
    "! grep -q '\"<5\"' '$tmp/a/results.json'"
check "CSV: the incidence rows resting on <5 events" grep -q '^rn,false,365.25,<5,<5,<5,<5$' "$tmp/b/02-cif-cif.csv"
check "figure data: both radionecrosis curves suppressed" sh -c \
    "test \$(grep -c '\"suppressed\": true' '$tmp/b/02-cif-incidence-rn.figure.json') = 2"
check "figure data: every KM step pools at least 5 events" sh -c \
    "tr '[' '\n' <'$tmp/b/01-km-survival.figure.json' | grep -E '^[0-9.e+-]+, [0-9.e+-]+, ' |
     awk -F', ' '{ n = \$5; sub(/\].*/, \"\", n); if (n + 0 < 5) bad = 1 } END { exit bad }'"
check "figure data: the number at risk below 5 is \"<5\"" grep -q '"<5"\]' "$tmp/b/01-km-survival.figure.json"
check "report: counts below 5 shown as &lt;5 and the rule stated" sh -c \
    "grep -q '<td class=\"n\">&lt;5</td>' '$tmp/b/report.html' &&
     grep -q 'every count from 1 to 4' '$tmp/b/report.html'"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
