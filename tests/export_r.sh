#!/bin/sh
# tests/export_r.sh: R reads what export --booleans writes as R users
# expect.  The study of tests/e2e/cases/export_booleans_TRUE (three boolean
# lets and a number) is exported three ways, and R's read.csv must read
#   --booleans TRUE: each boolean let as a logical column (TRUE/FALSE, NA
#     where missing);
#   --booleans 01: each as an integer column of 0/1 equal to it;
#   the default (true/false): as text, which is why the option exists;
# and the numeric column the same in all three.  Skipped (77) without
# Rscript.  Prints "N passed, M failed".
. "${srcdir:=.}/tests/preamble.sh"
command -v Rscript >/dev/null 2>&1 || { echo "SKIP: Rscript is not installed"; exit 77; }
case_dir="$srcdir/tests/e2e/cases/export_booleans_TRUE"
for b in TRUE 01 true; do
    (cd "$case_dir" && "$COHORT" export study.rules -o "$tmp/$b.csv" --booleans "$b" --no-cache) 2>"$tmp/err" ||
        fail "export --booleans $b failed: $(head -3 "$tmp/err")"
done
Rscript - "$tmp" >"$tmp/r.out" 2>&1 <<'EOF' || fail "R: $(cat "$tmp/r.out")"
args <- commandArgs(trailingOnly = TRUE)
lg <- read.csv(file.path(args[1], "TRUE.csv"))
n01 <- read.csv(file.path(args[1], "01.csv"))
tx <- read.csv(file.path(args[1], "true.csv"))
bools <- c("died", "early_rn", "unknown_fu")
for (v in bools) {
    if (!is.logical(lg[[v]])) stop(v, " with --booleans TRUE is ", class(lg[[v]]), ", not logical")
    if (!is.integer(n01[[v]])) stop(v, " with --booleans 01 is ", class(n01[[v]]), ", not integer")
    if (!identical(as.integer(lg[[v]]), n01[[v]])) stop(v, ": TRUE/FALSE and 1/0 differ")
    if (!is.character(tx[[v]])) stop(v, " as true/false is ", class(tx[[v]]), ", not text")
    if (!identical(tx[[v]] == "true", lg[[v]])) stop(v, ": true/false and TRUE/FALSE differ")
}
if (!identical(lg$days_fu, n01$days_fu) || !identical(lg$days_fu, tx$days_fu)) stop("days_fu differs")
if (sum(lg$died) != 1 || !lg$unknown_fu[4]) stop("unexpected values")
EOF
echo "$((1 - (fails > 0))) passed, $((fails > 0)) failed"
[ "$fails" = 0 ]
