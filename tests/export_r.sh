#!/bin/sh
# tests/export_r.sh: R reads what export --booleans writes as R users
# expect.  The study of tests/e2e/cases/export_booleans_TRUE (three boolean
# lets and a number) is exported three ways, and R's read.csv must read
#   --booleans TRUE: each boolean let as a logical column (TRUE/FALSE, NA
#     where missing);
#   --booleans 01: each as an integer column of 0/1 equal to it;
#   the default (true/false): as text, which is why the option exists;
# and the numeric column the same in all three.  And a model can be fitted
# again from the file: the study of tests/e2e/cases/est_psm exported with
# --covariates --unit-values --booleans TRUE holds every variable of its
# propensity model (lets and columns), and R's glm(tdxd ~ age + her2 (reference "positive")
# + prior_surgery + volume_cc, binomial) on it must give psm's score of
# every unit (relative difference <= 1e-6; the largest is printed).
# Skipped (77) without Rscript.  Prints "N passed, M failed".
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
cat >"$tmp/psm.rules" <<EOF
study "refit";
import "$srcdir/tests/e2e/data/est/est.rules";
estimate m = psm(tdxd ~ age + ref(her2, "positive") + prior_surgery + volume_cc, caliper: 0.2);
EOF
(cd "$tmp" && "$COHORT" export psm.rules -o "$tmp/psm.csv" --covariates --unit-values --booleans TRUE --no-cache \
    --allow-import-path "$srcdir/tests/e2e/data") 2>"$tmp/err" || fail "export --covariates failed: $(head -3 "$tmp/err")"
Rscript - "$tmp/psm.csv" >"$tmp/r.out" 2>&1 <<'EOF' || fail "R refit: $(cat "$tmp/r.out")"
x <- read.csv(commandArgs(trailingOnly = TRUE)[1])
x$her2 <- relevel(factor(x$her2), ref = "positive")
fit <- glm(tdxd ~ age + her2 + prior_surgery + volume_cc, family = binomial, data = x)
ps <- fitted(fit)
used <- as.integer(names(ps))
if (length(used) != sum(!is.na(x$m_ps))) stop("R used ", length(used), " units, psm ", sum(!is.na(x$m_ps)))
d <- max(abs(ps - x$m_ps[used]) / ps)
cat(sprintf("largest relative difference of the score, R glm refitted from the file: %.3g\n", d))
if (!(d <= 1e-6)) stop("psm's scores differ from R's glm on the exported file")
EOF
cat "$tmp/r.out"
echo "$((1 - (fails > 0))) passed, $((fails > 0)) failed"
[ "$fails" = 0 ]
