# endpoints_data.R: the R side of the endpoints given by data columns
# (cohort-rules(5), "Endpoints from columns", "Delayed entry").  It writes
# the real datasets the cases run on as CSV, and checks that every number
# of their expected output is R's, to the precision cohort prints:
#   examples/data/lung/lung.csv          survival::lung, with a row id
#     -> tests/e2e/cases/example_lung (examples/studies/lung.rules):
#        survfit(Surv(time, status) ~ sex), coxph(~ age + sex + ph.ecog)
#   tests/e2e/cases/entry_channing/data/channing.csv   boot::channing, with
#     a row id -> survfit(Surv(entry, exit, cens) ~ sex) (delayed entry)
#   tests/e2e/cases/recurrent_bladder2/data/{patients,intervals}.csv
#     survival::bladder2 split into patients and their (start, stop] rows
#     -> coxph(Surv(start, stop, event) ~ rx + number + size + cluster(id))
# Run from the top of the source tree:  Rscript tests/R/endpoints_data.R
# (survival and boot, both in Debian's r-base/r-cran-* packages).  Prints
# one line per check; exits non-zero if any fails.
suppressPackageStartupMessages({
    library(survival)
    library(boot)
})

n_ok <- 0
n_fail <- 0
check <- function(what, ok) {
    if (isTRUE(ok)) n_ok <<- n_ok + 1 else n_fail <<- n_fail + 1
    cat(if (isTRUE(ok)) "ok    " else "FAIL  ", what, "\n", sep = "")
}

# cohort's text formats (src/result.c and the km/cox plugins)
f_num <- function(x, d) ifelse(is.na(x) | !is.finite(x), "-", sprintf("%.*f", d, x))
f_pct <- function(x) ifelse(is.na(x) | !is.finite(x), "-", sprintf("%.1f%%", 100 * x))
f_p <- function(p) ifelse(p < 0.001, "<0.001", sprintf("%.3f", p))

# the case's expected.out as lines with runs of spaces collapsed
out_lines <- function(case)
    gsub(" +", " ", trimws(readLines(file.path("tests/e2e/cases", case, "expected.out"))))
expect_row <- function(lines, case, cells) {
    want <- paste(cells, collapse = " ")
    check(sprintf("%s: %s", case, want), want %in% lines)
}

# km rows: group, time, n.risk, cum.event (cumulative), survival, se, CI
check_km <- function(case, fit, times, unit_days, groups) {
    L <- out_lines(case)
    s <- summary(fit, times = times * unit_days, extend = TRUE)
    strata <- if (is.null(s$strata)) rep("all", length(s$time)) else sub("^[^=]*=", "", as.character(s$strata))
    # cumulative events up to each time, per group
    for (k in seq_along(s$time)) {
        g <- strata[k]
        sf <- if (is.null(fit$strata)) fit else fit[match(g, sub("^[^=]*=", "", names(fit$strata)))]
        cum <- sum(sf$n.event[sf$time <= s$time[k]])
        expect_row(L, case, c(g, f_num(s$time[k] / unit_days, 1), s$n.risk[k], cum, f_pct(s$surv[k]),
                              f_pct(ifelse(s$surv[k] > 0, s$std.err[k], NA)), f_pct(s$lower[k]),
                              f_pct(s$upper[k])))
    }
    # medians with their limits, per group
    tab <- summary(fit)$table
    if (is.null(dim(tab))) tab <- t(as.matrix(tab))
    for (k in seq_len(nrow(tab))) {
        g <- if (nrow(tab) == 1) "all" else groups[k]
        n <- if ("n.max" %in% colnames(tab) && !is.null(fit$start.time)) tab[k, "records"] else tab[k, "records"]
        expect_row(L, case, c(g, n, tab[k, "events"], f_num(tab[k, "median"] / unit_days, 1),
                              f_num(tab[k, "0.95LCL"] / unit_days, 1), f_num(tab[k, "0.95UCL"] / unit_days, 1)))
    }
}

# cox tables: terms (with the robust se of a clustered model), the tests
# (Wald and the robust score of a clustered model as robust) and the summary
# row (with the number of units when the rows are intervals)
check_cox <- function(case, m, nunits) {
    L <- out_lines(case)
    sm <- summary(m)
    co <- sm$coefficients
    ci <- sm$conf.int
    robust <- "robust se" %in% colnames(co)
    for (v in rownames(co))
        expect_row(L, case, c(v, f_num(ci[v, "exp(coef)"], 2), f_num(ci[v, "lower .95"], 2),
                              f_num(ci[v, "upper .95"], 2), f_p(co[v, "Pr(>|z|)"]), f_num(co[v, "coef"], 4),
                              f_num(co[v, "se(coef)"], 4), if (robust) f_num(co[v, "robust se"], 4),
                              f_num(co[v, "z"], 2)))
    test <- function(label, t) expect_row(L, case, c(label, f_num(t["test"], 2), t["df"], f_p(t["pvalue"])))
    test("Likelihood ratio", sm$logtest)
    test(if (robust) "Wald (robust)" else "Wald", sm$waldtest)
    test("Score (log-rank)", sm$sctest)
    if (robust) test("Robust score", sm$robscore)
    expect_row(L, case, c(m$n, nunits, m$nevent, f_num(m$loglik[2], 2), f_num(m$concordance["concordance"], 3),
                          f_num(m$concordance["std"], 3), m$iter))
}

# ---------------------------------------------------------------- lung
lung_csv <- cbind(id = seq_len(nrow(lung)), lung)
dir.create("examples/data/lung", showWarnings = FALSE, recursive = TRUE)
write.csv(lung_csv, "examples/data/lung/lung.csv", row.names = FALSE, na = "")

fit <- survfit(Surv(time, status) ~ sex, data = lung)
check_km("example_lung", fit, c(180, 365), 1, c("1", "2"))
m <- coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung)
check_cox("example_lung", m, NULL)

# ---------------------------------------------------------------- channing
ch <- cbind(id = seq_len(nrow(channing)), channing)
dir.create("tests/e2e/cases/entry_channing/data", showWarnings = FALSE, recursive = TRUE)
write.csv(ch, "tests/e2e/cases/entry_channing/data/channing.csv", row.names = FALSE, na = "")
# 5 rows have exit == entry: Surv() makes them NA (with a warning), as
# cohort makes them unknown
fit <- suppressWarnings(survfit(Surv(entry, exit, cens) ~ sex, data = channing))
MONTH <- 30.4375
# the rules give ages in months; cohort keeps days (x 30.4375) and prints months
check_km("entry_channing", fit, c(900, 1000), 1, c("Female", "Male"))

# ---------------------------------------------------------------- bladder2
dd <- "tests/e2e/cases/recurrent_bladder2/data"
dir.create(dd, showWarnings = FALSE, recursive = TRUE)
write.csv(unique(bladder2[, c("id", "rx", "number", "size")]), file.path(dd, "patients.csv"), row.names = FALSE)
write.csv(bladder2[, c("id", "start", "stop", "event", "enum")], file.path(dd, "intervals.csv"), row.names = FALSE)
m <- coxph(Surv(start, stop, event) ~ rx + number + size + cluster(id), data = bladder2)
check_cox("recurrent_bladder2", m, length(unique(bladder2$id)))

cat(sprintf("%d checks, %d failed\n", n_ok + n_fail, n_fail))
quit(status = if (n_fail) 1 else 0)
