# e2e_check.R: the record of how the expected output of the estimator
# end-to-end cases (tests/e2e/cases/est_*) was verified.  From the analysis
# dataset that `cohort export` wrote (est_export/expected/analysis.csv,
# itself first recomputed here from the raw CSVs of tests/e2e/data/est), it
# refits every estimate of the cases with survival, cmprsk and glm, formats
# R's numbers the way cohort prints them and looks for them in the case's
# expected.out (rows of the tables, the publication-style notes); the
# --format json and --out cases are compared at full precision (relative
# difference <= 1e-6, 1e-5 for Fine-Gray).  Prints one line per check and
# a summary; exits non-zero if any check fails.
#
# Run from the top of the source tree:  Rscript tests/R/e2e_check.R
# (R >= 4.2 with survival and cmprsk; no other package).
suppressPackageStartupMessages({
    library(survival)
    library(cmprsk)
})

top <- "."
cases <- file.path(top, "tests/e2e/cases")
datadir <- file.path(top, "tests/e2e/data/est")
MONTH <- 30.4375
YEAR <- 365.25

# ---------------------------------------------------------------- checks
n_ok <- 0
n_fail <- 0
check <- function(what, ok, detail = "") {
    if (isTRUE(ok)) {
        n_ok <<- n_ok + 1
        cat("ok    ", what, "\n", sep = "")
    } else {
        n_fail <<- n_fail + 1
        cat("FAIL  ", what, if (nzchar(detail)) paste0("\n      ", detail), "\n", sep = "")
    }
}

# cohort's text formats (src/result.c format_cell and the plugins' notes)
f_num <- function(x, d = 2) ifelse(is.na(x) | !is.finite(x), "-", sprintf("%.*f", d, x))
f_pct <- function(x, d = 1) ifelse(is.na(x) | !is.finite(x), "-", sprintf("%.*f%%", d, 100 * x))
f_cnt <- function(x) sprintf("%.0f", x)
f_p <- function(p) ifelse(is.na(p), "-", ifelse(p < 0.001, "<0.001", sprintf("%.3f", p)))
f_time <- function(days, d = 1) ifelse(is.na(days), "-", sprintf("%.*f", d, days / MONTH))
n_p <- function(p) if (p < 0.001) "p < 0.001" else sprintf("p = %.3f", p)
n_q <- function(days) if (is.na(days)) "NR" else sprintf("%.1f", days / MONTH)

# The text report of a case as blocks, one per estimate, named by the
# estimate's line ("4" for [study.rules:4]); lines with runs of spaces
# collapsed, so that a table row is its cells joined by single spaces.
read_blocks <- function(case) {
    lines <- readLines(file.path(cases, case, "expected.out"))
    blocks <- list()
    cur <- NULL
    for (l in lines) {
        m <- regmatches(l, regexec("^estimate .*  \\[study\\.rules:([0-9]+)\\]$", l))[[1]]
        if (length(m)) {
            cur <- m[2]
            blocks[[cur]] <- character(0)
        } else if (!is.null(cur)) {
            blocks[[cur]] <- c(blocks[[cur]], gsub(" +", " ", trimws(l)))
        }
    }
    blocks
}

# Is the row of these cells among the lines, whole or as a table printed in
# parts (a table wider than 100 columns: each part repeats the row's first
# `lead` cells, src/result.c)?
row_in <- function(cells, lines, lead) {
    if (paste(cells, collapse = " ") %in% lines) return(TRUE)
    n <- length(cells)
    if (lead < 1 || n <= lead + 1) return(FALSE)
    for (k in seq(lead + 1, n - 1))
        if (paste(cells[1:k], collapse = " ") %in% lines &&
            row_in(c(cells[1:lead], cells[(k + 1):n]), lines, lead)) return(TRUE)
    FALSE
}

# check that block `line` of the case has a row with these cells, or this note
expect_row <- function(B, case, line, cells, what = "row") {
    want <- paste(cells, collapse = " ")
    found <- row_in(cells, B[[line]], 0) || (what == "row" && (row_in(cells, B[[line]], 1) || row_in(cells, B[[line]], 2)))
    check(sprintf("%s:%s %s: %s", case, line, what, want), found, "not in expected.out")
}
expect_note <- function(B, case, line, text) expect_row(B, case, line, text, "note")

# full-precision comparison
close_to <- function(what, got, want, tol = 1e-6, abs_floor = 1e-12) {
    got <- as.numeric(got)
    want <- as.numeric(want)
    both_na <- is.na(got) & is.na(want)
    d <- abs(got - want) / pmax(abs(want), abs_floor)
    # p-values below 1e-10: compare on the log scale
    small <- !is.na(want) & want > 0 & want < 1e-10 & !is.na(got) & got > 0
    d[small] <- abs(log(got[small]) - log(want[small])) / abs(log(want[small]))
    ok <- all(both_na | (!is.na(d) & d <= tol))
    worst <- if (any(!both_na)) max(d[!both_na], na.rm = FALSE) else 0
    check(sprintf("%s (%d values, max rel diff %.2g)", what, length(want), worst), ok,
          paste("cohort:", paste(format(got, digits = 10), collapse = " "),
                "\n      R:     ", paste(format(want, digits = 10), collapse = " ")))
}

# ---------------------------------------------------------------- data
rd <- function(f) read.csv(file.path(datadir, f), stringsAsFactors = FALSE,
                           na.strings = c("", "NA"), colClasses = "character")
patients <- rd("patients.csv")
courses <- rd("courses.csv")
drugs <- rd("drugs.csv")
events <- rd("events.csv")
day <- function(s) as.numeric(as.Date(s))

# ---------------------------------------------------------------- the analysis dataset
cat("== analysis dataset (est_export) against the raw CSVs\n")
a <- read.csv(file.path(cases, "est_export/expected/analysis.csv"), stringsAsFactors = FALSE,
              colClasses = "character", na.strings = "")
u <- merge(courses, patients, by = "patient_id")
u <- u[order(as.integer(u$course_id)), ]
u <- u[!is.na(u$her2) & u$her2 %in% c("positive", "low"), ]
start <- day(u$start_date)
death <- day(u$death_date)
lastfu <- day(u$last_followup)
# T-DXd start: the first T-DXd drug of the patient
tx <- drugs[drugs$agent == "T-DXd", ]
tx_start <- tapply(day(tx$start_date), tx$patient_id, min)
tdxd_start <- as.vector(tx_start[u$patient_id])
# first radionecrosis event of the course
rnev <- events[events$type == "radionecrosis" & !is.na(events$course_id), ]
rn_first <- tapply(day(rnev$date), rnev$course_id, min)
rn_date <- as.vector(rn_first[u$course_id])
# an endpoint: the earliest event (then competing) date on or before censoring
endpoint <- function(origin, ev, comp, cens) {
    ev_ok <- !is.na(ev) & ev <= cens
    cp_ok <- !is.na(comp) & comp <= cens
    end <- cens
    status <- rep(0L, length(cens))
    take_cp <- cp_ok & (!ev_ok | comp < ev)
    end[take_cp] <- comp[take_cp]
    status[take_cp] <- 2L
    end[ev_ok & !take_cp] <- ev[ev_ok & !take_cp]
    status[ev_ok & !take_cp] <- 1L
    list(time = end - origin, status = status, end = end, event = ifelse(ev_ok & !take_cp, ev, NA))
}
os <- endpoint(start, death, rep(NA_real_, length(start)), lastfu)
rn <- endpoint(start, rn_date, death, lastfu)
tdxd <- !is.na(tdxd_start) & tdxd_start < ifelse(is.na(rn$event), lastfu, rn$event)
check("units after the criteria", nrow(a) == nrow(u) && all(a$course_id == u$course_id))
check("patient ids", all(a$patient_id == u$patient_id))
check("tdxd_start", all(is.na(a$tdxd_start) == is.na(tdxd_start)) &&
      all(day(a$tdxd_start) == tdxd_start, na.rm = TRUE))
close_to("age", as.numeric(a$age), (start - day(u$birth_date)) / YEAR, 1e-12)
check("kps, her2, er, histology", identical(a$kps, u$kps) && identical(a$her2, u$her2) &&
      identical(a$er, u$er) && identical(a$histology, u$histology))
check("tdxd (Chun 2026 classification)", all(a$tdxd == ifelse(tdxd, "true", "false")))
close_to("os time", as.numeric(a$os_time_months) * MONTH, os$time, 1e-12)
check("os status", all(as.integer(a$os_status) == ifelse(os$status == 2, 1L, os$status)))
close_to("rn time", as.numeric(a$rn_time_months) * MONTH, rn$time, 1e-12)
check("rn status", all(as.integer(a$rn_status) == rn$status))

# the data R fits: times in days, booleans as factors false/true (so that
# coefficient names read like cohort's, e.g. tdxdtrue), course columns joined
lvl <- function(x, ref = NULL) {
    l <- sort(unique(x[!is.na(x)]), method = "radix")
    if (!is.null(ref)) l <- c(ref, setdiff(l, ref))
    factor(x, levels = l)
}
tf <- function(x) factor(x, levels = c("false", "true"))
d <- data.frame(course_id = a$course_id, patient_id = a$patient_id,
                tdxd_start = day(a$tdxd_start), start = day(u$start_date),
                age = as.numeric(a$age), kps = as.numeric(a$kps),
                her2 = lvl(a$her2), er = lvl(a$er), histology = lvl(a$histology),
                tdxd = tf(a$tdxd),
                os_time = round(as.numeric(a$os_time_months) * MONTH), os_status = as.integer(a$os_status),
                rn_time = round(as.numeric(a$rn_time_months) * MONTH), rn_status = as.integer(a$rn_status),
                technique = u$technique, prior_surgery = tf(u$prior_surgery),
                prior_wbrt = tf(u$prior_wbrt), dose_gy = as.numeric(u$dose_gy),
                volume_cc = as.numeric(u$volume_cc), center = u$center,
                stringsAsFactors = FALSE)
check("endpoint times are whole days", all(abs(as.numeric(a$os_time_months) * MONTH - d$os_time) < 1e-6) &&
      all(abs(as.numeric(a$rn_time_months) * MONTH - d$rn_time) < 1e-6))

# ---------------------------------------------------------------- helpers per estimator
# km: the rows of the "survival" table and the notes at times `at` (days)
km_check <- function(B, case, line, fit, at, data_groups, label, lv = "95%") {
    s <- summary(fit, times = at, extend = TRUE)
    g <- if (is.null(s$strata)) rep("all", length(s$time)) else sub("^[^=]*=", "", as.character(s$strata))
    for (gr in unique(g)) {
        k <- which(g == gr)
        cum <- cumsum(s$n.event[k])
        for (j in seq_along(k)) {
            i <- k[j]
            expect_row(B, case, line, c(gr, f_time(s$time[i]), f_cnt(s$n.risk[i]), f_cnt(cum[j]),
                                        f_pct(s$surv[i]), f_pct(s$std.err[i]),
                                        if (!is.null(s$lower)) c(f_pct(s$lower[i]), f_pct(s$upper[i]))))
            inn <- if (label == "") "" else sprintf(" in %s = %s", label, gr)
            expect_note(B, case, line, sprintf("survival at %g months %.1f%% (%s CI %.1f-%.1f)%s",
                                               round(s$time[i] / MONTH, 1), 100 * s$surv[i], lv,
                                               100 * s$lower[i], 100 * s$upper[i], inn))
        }
    }
}
km_median <- function(B, case, line, fit, label, lv = "95%") {
    q <- quantile(fit, probs = 0.5)
    tb <- summary(fit)$table
    if (is.null(dim(tb))) tb <- t(as.matrix(tb))
    g <- if (is.null(fit$strata)) "all" else sub("^[^=]*=", "", names(fit$strata))
    for (i in seq_along(g)) {
        med <- q$quantile[i]; lo <- q$lower[i]; hi <- q$upper[i]
        expect_row(B, case, line, c(g[i], f_cnt(tb[i, "n.start"]), f_cnt(tb[i, "events"]),
                                    f_time(med), f_time(lo), f_time(hi)))
        inn <- if (label == "") "" else sprintf(" in %s = %s", label, g[i])
        if (is.na(med)) expect_note(B, case, line, sprintf("median survival not reached%s", inn))
        else expect_note(B, case, line, sprintf("median survival %s months (%s CI %s-%s)%s",
                                                n_q(med), lv, n_q(lo), n_q(hi), inn))
    }
}

# coxph: coefficient rows (cohort: HR, CI, p from the model's variance,
# robust when clustered; coef; naive se; robust se; z), tests, summary
cox_check <- function(B, case, line, fit, names, labels, level = 0.95, units = NULL, epname = "os") {
    z <- qnorm(1 - (1 - level) / 2)
    b <- coef(fit)
    se <- sqrt(diag(fit$var))
    nse <- sqrt(diag(if (is.null(fit$naive.var)) fit$var else fit$naive.var))
    p <- 2 * pnorm(-abs(b / se))
    robust <- !is.null(fit$naive.var)
    for (j in seq_along(b)) {
        expect_row(B, case, line, c(names[j], f_num(exp(b[j])), f_num(exp(b[j] - z * se[j])),
                                    f_num(exp(b[j] + z * se[j])), f_p(p[j]), f_num(b[j], 4),
                                    f_num(nse[j], 4), if (robust) f_num(se[j], 4), f_num(b[j] / se[j])))
        expect_note(B, case, line, sprintf("%s: HR %.2f (%g%% CI %.2f-%.2f), %s", labels[j], exp(b[j]),
                                           level * 100, exp(b[j] - z * se[j]), exp(b[j] + z * se[j]),
                                           n_p(p[j])))
    }
    df <- length(b)
    lr <- 2 * diff(fit$loglik)
    expect_row(B, case, line, c("Likelihood ratio", f_num(lr), df, f_p(pchisq(lr, df, lower.tail = FALSE))))
    expect_row(B, case, line, c(if (robust) "Wald (robust)" else "Wald", f_num(fit$wald.test), df,
                                f_p(pchisq(fit$wald.test, df, lower.tail = FALSE))))
    expect_row(B, case, line, c("Score (log-rank)", f_num(fit$score), df,
                                f_p(pchisq(fit$score, df, lower.tail = FALSE))))
    if (robust) expect_row(B, case, line, c("Robust score", f_num(fit$rscore), df,
                                            f_p(pchisq(fit$rscore, df, lower.tail = FALSE))))
    cc <- fit$concordance
    expect_row(B, case, line, c(f_cnt(fit$n), if (!is.null(units)) f_cnt(units), f_cnt(fit$nevent),
                                f_num(fit$loglik[2]), f_num(cc["concordance"], 3),
                                f_num(cc["std"], 3), fit$iter))
    expect_note(B, case, line, sprintf("Cox model of %s: %d events; likelihood-ratio test %.2f on %d df, %s; concordance %.3f (SE %.3f)",
                                       epname, fit$nevent, lr, df,
                                       n_p(pchisq(lr, df, lower.tail = FALSE)), cc["concordance"],
                                       cc["std"]))
    invisible(fit)
}

# crr: the coefficient rows and the model summary
crr_check <- function(B, case, line, fit, names, labels, status, level = 0.95, epname = "rn") {
    z <- qnorm(1 - (1 - level) / 2)
    b <- fit$coef
    se <- sqrt(diag(fit$var))
    p <- 2 * pnorm(-abs(b / se))
    for (j in seq_along(b)) {
        expect_row(B, case, line, c(names[j], f_num(exp(b[j])), f_num(exp(b[j] - z * se[j])),
                                    f_num(exp(b[j] + z * se[j])), f_p(p[j]), f_num(b[j], 4),
                                    f_num(se[j], 4), f_num(b[j] / se[j])))
        expect_note(B, case, line, sprintf("%s: sHR %.2f (%g%% CI %.2f-%.2f), %s", labels[j], exp(b[j]),
                                           level * 100, exp(b[j] - z * se[j]), exp(b[j] + z * se[j]),
                                           n_p(p[j])))
    }
    lr <- 2 * (fit$loglik - fit$loglik.null)
    df <- length(b)
    expect_row(B, case, line, c(f_cnt(fit$n), f_cnt(sum(status == 1)), f_cnt(sum(status == 2)),
                                f_cnt(sum(status == 0)), f_num(fit$loglik), f_num(lr), df,
                                f_p(pchisq(lr, df, lower.tail = FALSE))))
}

# a model matrix without the intercept, for crr
mm <- function(formula, data) model.matrix(formula, data)[, -1, drop = FALSE]

# greedy 1:1 nearest-neighbour matching as MatchIt's method = "nearest",
# m.order = "largest", without replacement (ties: lower row); caliper in
# units of the distance
greedy_match <- function(ps, treat, width = Inf) {
    m <- rep(NA_integer_, length(ps))
    tr <- which(treat == 1)
    tr <- tr[order(-ps[tr], tr)]
    avail <- which(treat == 0)
    for (t in tr) {
        if (!length(avail)) break
        dd <- abs(ps[avail] - ps[t])
        k <- which(dd == min(dd))[1]
        if (dd[k] > width) next
        m[t] <- avail[k]
        m[avail[k]] <- t
        avail <- avail[-k]
    }
    m
}

# ================================================================ est_km
cat("== est_km\n")
B <- read_blocks("est_km")
f <- survfit(Surv(os_time, os_status == 1) ~ tdxd, data = d)
km_check(B, "est_km", "4", f, c(12, 24) * MONTH, NULL, "tdxd")
km_median(B, "est_km", "4", f, "tdxd")
f <- survfit(Surv(os_time, os_status == 1) ~ 1, data = d, conf.type = "log-log", conf.int = 0.9)
km_check(B, "est_km", "5", f, c(6 * MONTH, YEAR, 3 * YEAR), NULL, "", "90%")
q <- quantile(f, probs = c(0.25, 0.5, 0.75))
rm36 <- summary(f, rmean = 36 * MONTH)$table
expect_row(B, "est_km", "5", c("all", f_cnt(f$n), f_cnt(sum(f$n.event)),
                               as.vector(rbind(f_time(q$quantile), f_time(q$lower), f_time(q$upper))),
                               f_time(rm36["rmean"]), f_time(rm36["se(rmean)"])))
expect_note(B, "est_km", "5", sprintf("median survival %s months (90%% CI %s-%s)", n_q(q$quantile[2]),
                                      n_q(q$lower[2]), n_q(q$upper[2])))
expect_note(B, "est_km", "5", sprintf("restricted mean survival up to 36 months: %s months", n_q(rm36["rmean"])))
f <- survfit(Surv(rn_time, rn_status == 1) ~ her2, data = d, conf.type = "plain")
km_check(B, "est_km", "7", f, 24 * MONTH, NULL, "her2")
km_median(B, "est_km", "7", f, "her2")

# ================================================================ est_logrank
cat("== est_logrank\n")
B <- read_blocks("est_logrank")
lr_check <- function(line, fit, var, rho = 0, label, strata = "") {
    lev <- sub("^[^=]*=", "", names(fit$n))
    ng <- length(lev)
    obs <- if (is.matrix(fit$obs)) rowSums(fit$obs) else fit$obs
    ex <- if (is.matrix(fit$exp)) rowSums(fit$exp) else fit$exp
    for (k in seq_len(ng)) {
        oe <- obs[k] - ex[k]
        expect_row(B, "est_logrank", line, c(lev[k], f_cnt(fit$n[k]), if (rho == 0) f_cnt(obs[k]) else f_num(obs[k], 1),
                                             f_num(ex[k], 1), f_num(oe^2 / ex[k]), f_num(oe^2 / fit$var[k, k])))
    }
    df <- ng - 1
    p <- pchisq(fit$chisq, df, lower.tail = FALSE)
    expect_row(B, "est_logrank", line, c(f_num(fit$chisq), df, f_p(p)))
    expect_note(B, "est_logrank", line, sprintf("%s%s for %s by %s: chi-squared %.2f on %d df, %s", label,
                                                strata, "os", var, fit$chisq, df, n_p(p)))
}
lr_check("4", survdiff(Surv(os_time, os_status == 1) ~ tdxd, data = d), "tdxd", 0, "log-rank test")
lr_check("5", survdiff(Surv(os_time, os_status == 1) ~ her2 + strata(technique), data = d), "her2", 0,
         "log-rank test", " stratified by technique")
lr_check("6", survdiff(Surv(os_time, os_status == 1) ~ er, data = d, rho = 1), "er", 1,
         "Peto-Peto test (rho = 1)")

# ================================================================ est_cif
cat("== est_cif\n")
B <- read_blocks("est_cif")
# cuminc with log(-log) limits est^exp(-+z se / (est log est))
# Below the patient, cif's standard errors are the Aalen-Johansen
# infinitesimal-jackknife ones summed within patients (the default cluster;
# cuminc's variance is Gray's, unclustered).  As in tests/R/weights.R:
# survival's multi-state survfit ignores `cluster`, so the clustered
# variance is taken from its influence matrix, rowsum()ed by cluster.  A
# list shaped like cmprsk::timepoints (rows "GROUP CAUSE"), at times `at`
# (the last step at or before each).
aj_timepoints <- function(time, status, group, cluster, at) {
    grp <- as.character(group)
    rn <- character(0); est <- NULL; var <- NULL
    for (g in sort(unique(grp))) {
        i <- grp == g
        dg <- data.frame(time = time[i], status = status[i], cl = cluster[i], row = seq_len(sum(i)))
        sf <- survfit(Surv(time, factor(status, levels = 0:2)) ~ 1, data = dg, id = row, influence = TRUE)
        j <- findInterval(at, sf$time)
        for (k in 1:2) {
            v <- colSums(rowsum(sf$influence.pstate[, -1, k + 1], dg$cl)^2)
            rn <- c(rn, paste(g, k))
            est <- rbind(est, ifelse(j == 0, 0, sf$pstate[pmax(j, 1), k + 1]))
            var <- rbind(var, ifelse(j == 0, 0, v[pmax(j, 1)]))
        }
    }
    rownames(est) <- rownames(var) <- rn
    list(est = est, var = var)
}

cif_check <- function(B, case, line, ci, at, level, var, causes = c("rn", "death"), tp = NULL) {
    z <- qnorm(1 - (1 - level) / 2)
    if (is.null(tp)) tp <- timepoints(ci[names(ci) != "Tests"], at)
    for (nm in rownames(tp$est)) {
        parts <- strsplit(nm, " ")[[1]]
        grp <- if (is.null(var)) "all" else parts[1]
        cause <- causes[as.integer(parts[length(parts)])]
        for (k in seq_along(at)) {
            est <- tp$est[nm, k]
            se <- sqrt(tp$var[nm, k])
            a1 <- est^exp(z * se / (est * log(est)))
            a2 <- est^exp(-z * se / (est * log(est)))
            lo <- min(a1, a2); hi <- max(a1, a2)
            expect_row(B, case, line, c(cause, grp, f_time(at[k]), f_pct(est), f_pct(se), f_pct(lo), f_pct(hi)))
            inn <- if (is.null(var)) "" else sprintf(" in %s = %s", var, grp)
            if (is.finite(lo) && is.finite(hi))
                expect_note(B, case, line, sprintf("CIF of %s at %g months %.1f%% (%g%% CI %.1f-%.1f)%s", cause,
                                                   round(at[k] / MONTH, 1), 100 * est, level * 100, 100 * lo,
                                                   100 * hi, inn))
            else   # no interval at an estimate of 0
                expect_note(B, case, line, sprintf("CIF of %s at %g months %.1f%%%s", cause,
                                                   round(at[k] / MONTH, 1), 100 * est, inn))
        }
    }
    if (!is.null(ci$Tests)) {
        for (k in seq_len(nrow(ci$Tests))) {
            expect_row(B, case, line, c(causes[k], f_num(ci$Tests[k, "stat"]), ci$Tests[k, "df"],
                                        f_p(ci$Tests[k, "pv"])))
        }
    }
}
cif_check(B, "est_cif", "4", cuminc(d$rn_time, d$rn_status, as.character(d$tdxd)), c(12, 24) * MONTH, 0.95, "tdxd",
          tp = aj_timepoints(d$rn_time, d$rn_status, d$tdxd, d$patient_id, c(12, 24) * MONTH))
cif_check(B, "est_cif", "5", cuminc(d$rn_time, d$rn_status, as.character(d$her2), d$technique), YEAR, 0.9, "her2",
          tp = aj_timepoints(d$rn_time, d$rn_status, d$her2, d$patient_id, YEAR))
ci <- cuminc(d$rn_time, d$rn_status)
cif_check(B, "est_cif", "6", ci, 36 * MONTH, 0.95, NULL,
          tp = aj_timepoints(d$rn_time, d$rn_status, rep("1", nrow(d)), d$patient_id, 36 * MONTH))
for (k in 1:2) {
    g <- cuminc(d$rn_time, d$rn_status, as.character(d$tdxd))$Tests
    expect_note(B, "est_cif", "4", sprintf("Gray's test for %s by tdxd: chi-squared %.2f on %d df, %s",
                                           c("rn", "death")[k], g[k, "stat"], g[k, "df"], n_p(g[k, "pv"])))
}

# ================================================================ est_cox
cat("== est_cox\n")
B <- read_blocks("est_cox")
dc <- d
dc$her2 <- lvl(as.character(d$her2), "positive")
f <- coxph(Surv(os_time, os_status == 1) ~ tdxd + age + kps + her2, data = dc, cluster = patient_id)
cox_check(B, "est_cox", "4", f, c("tdxdtrue", "age", "kps", "her2low"),
          c("tdxd (true vs false)", "age", "kps", "her2 (low vs positive)"))
# below the patient, cox clusters by patient unless told `cluster: none` (line 9)
f <- coxph(Surv(os_time, os_status == 1) ~ tdxd + age + strata(technique), data = d, ties = "breslow",
           cluster = patient_id)
cox_check(B, "est_cox", "5", f, c("tdxdtrue", "age"), c("tdxd (true vs false)", "age"))
f <- coxph(Surv(os_time, os_status == 1) ~ tdxd + age + strata(technique), data = d, ties = "breslow")
cox_check(B, "est_cox", "9", f, c("tdxdtrue", "age"), c("tdxd (true vs false)", "age"))
# labels_reference: the same model with the reference levels chosen by label
# statements (tdxd: reference true; her2: "positive", its first level listed)
B2 <- read_blocks("labels_reference")
dl <- d
dl$tdxd <- relevel(d$tdxd, ref = "true")
dl$her2 <- relevel(factor(as.character(d$her2)), ref = "positive")
f <- coxph(Surv(os_time, os_status == 1) ~ tdxd + age + kps + her2, data = dl, cluster = patient_id)
# (the term column shows the labels: "T-DXd: No T-DXd" for tdxdfalse)
cox_check(B2, "labels_reference", "24", f, c("T-DXd: No T-DXd", "age", "kps", "HER2 status: HER2-low"),
          c("T-DXd (No T-DXd vs T-DXd)", "age", "kps", "HER2 status (HER2-low vs HER2-positive)"),
          epname = "overall survival")
# screening: each term alone (robust Wald p of the term), p < 0.2 enters
terms <- c("tdxd", "age", "kps", "prior_surgery", "prior_wbrt", "dose_gy", "er", "histology")
sel <- character(0)
for (tm in terms) {
    fu <- coxph(as.formula(paste("Surv(rn_time, rn_status == 1) ~", tm)), data = d, cluster = patient_id)
    tp <- pchisq(fu$wald.test, length(coef(fu)), lower.tail = FALSE)
    z <- qnorm(0.975)
    b <- coef(fu); se <- sqrt(diag(fu$var))
    for (j in seq_along(b)) {
        head <- if (j == 1) c(f_cnt(fu$n), f_cnt(fu$nevent)) else c("-", "-")
        tail <- if (j == 1) c(f_p(tp), if (tp < 0.2) "yes" else "no") else c("-", "-")
        expect_row(B, "est_cox", "6", c(names(b)[j], head, f_num(exp(b[j])), f_num(exp(b[j] - z * se[j])),
                                        f_num(exp(b[j] + z * se[j])), f_p(2 * pnorm(-abs(b[j] / se[j]))), tail))
    }
    expect_note(B, "est_cox", "6", sprintf("univariable %s: %s%s", tm, n_p(tp), if (tp < 0.2) " (selected)" else ""))
    if (tp < 0.2) sel <- c(sel, tm)
}
check("est_cox:6 screen selects tdxd and kps", identical(sel, c("tdxd", "kps")))
f <- coxph(as.formula(paste("Surv(rn_time, rn_status == 1) ~", paste(sel, collapse = " + "))),
           data = d, cluster = patient_id)
cox_check(B, "est_cox", "6", f, c("tdxdtrue", "kps"), c("tdxd (true vs false)", "kps"), epname = "rn")
expect_note(B, "est_cox", "6", sprintf("%d competing events of rn are censored (cause-specific hazards); use finegray for subdistribution hazards",
                                       sum(d$rn_status == 2 & !is.na(d$kps))))

# ================================================================ est_cox_exposure
cat("== est_cox_exposure\n")
B <- read_blocks("est_cox_exposure")
# (start, stop] rows as cohort splits them: the first interval starts a day
# before the origin; exposed from the exposure's start (days from origin)
tv_split <- function(d) {
    e <- d$tdxd_start - d$start
    split <- !is.na(e) & e > 0 & e < d$os_time
    one <- d[!split, ]
    one$tstart <- -1
    one$tstop <- one$os_time
    one$st <- one$os_status
    one$tdxd_tv <- tf(ifelse(!is.na(e[!split]) & e[!split] <= 0, "true", "false"))
    r1 <- d[split, ]; r2 <- d[split, ]
    r1$tstart <- -1; r1$tstop <- e[split]; r1$st <- 0L; r1$tdxd_tv <- tf(rep("false", nrow(r1)))
    r2$tstart <- e[split]; r2$tstop <- r2$os_time; r2$st <- r2$os_status; r2$tdxd_tv <- tf(rep("true", nrow(r2)))
    rbind(one, r1, r2)
}
tv <- tv_split(d)
check("est_cox_exposure: 752 (start, stop] rows from 607 units", nrow(tv) == 752)
f <- coxph(Surv(tstart, tstop, st == 1) ~ tdxd_tv + age + kps, data = tv, cluster = patient_id)
cox_check(B, "est_cox_exposure", "7", f, c("tdxd_tvtrue", "age", "kps"), c("tdxd_tv (true vs false)", "age", "kps"),
          units = length(unique(tv$course_id[!is.na(tv$kps)])))
f <- coxph(Surv(os_time, os_status == 1) ~ tdxd + age + kps, data = d, cluster = patient_id)
cox_check(B, "est_cox_exposure", "9", f, c("tdxdtrue", "age", "kps"), c("tdxd (true vs false)", "age", "kps"))

# ================================================================ est_finegray
cat("== est_finegray\n")
B <- read_blocks("est_finegray")
f <- crr(d$rn_time, d$rn_status, mm(~ tdxd + prior_wbrt + age, d), failcode = 1, cencode = 0)
crr_check(B, "est_finegray", "4", f, c("tdxdtrue", "prior_wbrttrue", "age"),
          c("tdxd (true vs false)", "prior_wbrt (true vs false)", "age"), d$rn_status)
de <- d
de$er <- lvl(as.character(d$er), "positive")
terms <- c("tdxd", "age", "kps", "prior_surgery", "dose_gy", "er")
sel <- character(0)
for (tm in terms) {
    k <- !is.na(de[[tm]])
    x <- mm(as.formula(paste("~", tm)), de[k, ])
    fu <- crr(de$rn_time[k], de$rn_status[k], x, failcode = 1, cencode = 0)
    tp <- pchisq(drop(t(fu$coef) %*% solve(fu$var) %*% fu$coef), length(fu$coef), lower.tail = FALSE)
    se <- sqrt(diag(fu$var)); z <- qnorm(0.975); b <- fu$coef
    expect_row(B, "est_finegray", "5", c(colnames(x)[1], f_cnt(sum(k)), f_cnt(sum(de$rn_status[k] == 1)),
                                         f_num(exp(b)), f_num(exp(b - z * se)), f_num(exp(b + z * se)),
                                         f_p(2 * pnorm(-abs(b / se))), f_p(tp), if (tp < 0.2) "yes" else "no"))
    expect_note(B, "est_finegray", "5", sprintf("univariable %s: %s%s", tm, n_p(tp), if (tp < 0.2) " (selected)" else ""))
    if (tp < 0.2) sel <- c(sel, tm)
}
check("est_finegray:5 screen selects kps and er", identical(sel, c("kps", "er")))
k <- !is.na(de$kps)
f <- crr(de$rn_time[k], de$rn_status[k], mm(~ kps + er, de[k, ]), failcode = 1, cencode = 0)
crr_check(B, "est_finegray", "5", f, c("kps", "ernegative"), c("kps", "er (negative vs positive)"), de$rn_status[k])
f <- crr(d$rn_time, d$rn_status, mm(~ tdxd + age, d), failcode = 2, cencode = 0)
crr_check(B, "est_finegray", "6", f, c("tdxdtrue", "age"), c("tdxd (true vs false)", "age"),
          c(0L, 2L, 1L)[d$rn_status + 1], level = 0.9)

# ================================================================ est_logistic
cat("== est_logistic\n")
B <- read_blocks("est_logistic")
glm_check <- function(B, case, line, fit, names, labels, level = 0.95) {
    z <- qnorm(1 - (1 - level) / 2)
    cf <- summary(fit)$coefficients
    for (j in seq_len(nrow(cf))) {
        b <- cf[j, 1]; se <- cf[j, 2]
        # the intercept's "OR" is the odds at the reference (exp(b)), with its Wald limits
        or <- c(f_num(exp(b)), f_num(exp(b - z * se)), f_num(exp(b + z * se)))
        expect_row(B, case, line, c(names[j], or, f_p(cf[j, 4]), f_num(b, 4), f_num(se, 4), f_num(cf[j, 3])))
        if (j > 1) expect_note(B, case, line, sprintf("%s: OR %.2f (%g%% CI %.2f-%.2f), %s", labels[j - 1], exp(b),
                                                      level * 100, exp(b - z * se), exp(b + z * se), n_p(cf[j, 4])))
    }
    lr <- fit$null.deviance - fit$deviance
    df <- fit$df.null - fit$df.residual
    lp <- pchisq(lr, df, lower.tail = FALSE)
    expect_row(B, case, line, c(f_cnt(length(fit$y)), f_cnt(sum(fit$y)), f_num(fit$null.deviance), f_num(fit$deviance),
                                fit$df.residual, fit$df.null, f_num(as.numeric(logLik(fit))), f_num(fit$aic),
                                f_p(lp), fit$iter))
}
f <- glm(prior_surgery ~ age + kps + her2 + tdxd, data = d, family = binomial)
glm_check(B, "est_logistic", "4", f, c("(Intercept)", "age", "kps", "her2positive", "tdxdtrue"),
          c("age", "kps", "her2 (positive vs low)", "tdxd (true vs false)"))
f <- glm(I(technique == "SRS") ~ volume_cc + age + histology, data = d, family = binomial)
glm_check(B, "est_logistic", "6", f, c("(Intercept)", "volume_cc", "age", "histologyILC", "histologyother"),
          c("volume_cc", "age", "histology (ILC vs IDC)", "histology (other vs IDC)"), level = 0.9)

# ================================================================ est_psm
cat("== est_psm\n")
B <- read_blocks("est_psm")
dp <- d
dp$her2 <- lvl(as.character(d$her2), "positive")
ps_fit <- glm(tdxd ~ age + her2 + prior_surgery + volume_cc, data = dp, family = binomial)
cf <- summary(ps_fit)$coefficients
for (j in 2:nrow(cf))
    expect_row(B, "est_psm", "5", c(rownames(cf)[j], f_num(exp(cf[j, 1])), f_num(exp(cf[j, 1] - qnorm(0.975) * cf[j, 2])),
                                    f_num(exp(cf[j, 1] + qnorm(0.975) * cf[j, 2])), f_p(cf[j, 4])))
ps <- fitted(ps_fit)
treat <- as.integer(dp$tdxd == "true")
m <- greedy_match(ps, treat, 0.2 * sd(ps))
matched <- !is.na(m)
expect_row(B, "est_psm", "5", c("All", sum(treat), sum(1 - treat)))
expect_row(B, "est_psm", "5", c("Matched", sum(treat & matched), sum(!treat & matched)))
expect_row(B, "est_psm", "5", c("Unmatched", sum(treat & !matched), sum(!treat & !matched)))
smd_row <- function(name, x) {
    bin <- all(x %in% c(0, 1))
    xt <- x[treat == 1]
    sdv <- if (bin) sqrt(mean(xt) * (1 - mean(xt))) else sd(xt)
    mt <- mean(xt); mc <- mean(x[treat == 0])
    mtm <- mean(x[treat == 1 & matched]); mcm <- mean(x[treat == 0 & matched])
    expect_row(B, "est_psm", "5", c(name, f_num(mt, 3), f_num(mc, 3), f_num((mt - mc) / sdv, 3),
                                    f_num(mtm, 3), f_num(mcm, 3), f_num((mtm - mcm) / sdv, 3)))
}
smd_row("distance (propensity score)", ps)
smd_row("age", dp$age)
smd_row("her2positive", as.numeric(dp$her2 == "positive"))
smd_row("her2low", as.numeric(dp$her2 == "low"))
smd_row("prior_surgeryfalse", as.numeric(dp$prior_surgery == "false"))
smd_row("prior_surgerytrue", as.numeric(dp$prior_surgery == "true"))
smd_row("volume_cc", dp$volume_cc)
expect_note(B, "est_psm", "5", sprintf("matched %d of %d treated to %d of %d controls (1:1 nearest neighbour without replacement on the propensity score, largest first, caliper 0.2 SD = %.4g)",
                                       sum(treat & matched), sum(treat), sum(!treat & matched), sum(1 - treat),
                                       0.2 * sd(ps)))
# the estimates after psm use the matched units only
dm <- d[matched, ]
f <- survfit(Surv(os_time, os_status == 1) ~ tdxd, data = d)
km_check(B, "est_psm", "4", f, c(12, 24) * MONTH, NULL, "tdxd")
f <- survfit(Surv(os_time, os_status == 1) ~ tdxd, data = dm)
km_check(B, "est_psm", "6", f, c(12, 24) * MONTH, NULL, "tdxd")
km_median(B, "est_psm", "6", f, "tdxd")
f <- coxph(Surv(os_time, os_status == 1) ~ tdxd, data = dm, cluster = patient_id)
cox_check(B, "est_psm", "7", f, "tdxdtrue", "tdxd (true vs false)")

# ================================================================ est_sweep
cat("== est_sweep\n")
B <- read_blocks("est_sweep")
tx_all <- drugs[drugs$agent == "T-DXd", ]
for (w in list(c("30days", 30), c("3months", 3 * MONTH), c("6months", 6 * MONTH))) {
    width <- as.numeric(w[2])
    conc <- sapply(seq_len(nrow(d)), function(i) {
        s <- day(tx_all$start_date[tx_all$patient_id == d$patient_id[i]])
        any(abs(s - d$start[i]) <= width)
    })
    dd <- d
    dd$concurrent <- tf(ifelse(conc, "true", "false"))
    f <- survfit(Surv(os_time, os_status == 1) ~ concurrent, data = dd)
    s <- summary(f, times = YEAR)
    g <- sub("^[^=]*=", "", as.character(s$strata))
    for (i in seq_along(g)) {
        expect_row(B, "est_sweep", "7", c(w[1], g[i], f_time(YEAR), f_cnt(s$n.risk[i]), f_cnt(s$n.event[i]),
                                          f_pct(s$surv[i]), f_pct(s$std.err[i]), f_pct(s$lower[i]), f_pct(s$upper[i])))
        expect_note(B, "est_sweep", "7", sprintf("[window = %s] survival at 12 months %.1f%% (95%% CI %.1f-%.1f) in concurrent = %s",
                                                 w[1], 100 * s$surv[i], 100 * s$lower[i], 100 * s$upper[i], g[i]))
    }
    q <- quantile(f, probs = 0.5)
    tb <- summary(f)$table
    for (i in seq_len(nrow(tb)))
        expect_row(B, "est_sweep", "7", c(w[1], sub("^[^=]*=", "", rownames(tb)[i]), f_cnt(tb[i, "n.start"]),
                                          f_cnt(tb[i, "events"]), f_time(q$quantile[i]), f_time(q$lower[i]),
                                          f_time(q$upper[i])))
}

# ================================================================ est_out (CSV at full precision)
cat("== est_out: CSV files at full precision\n")
od <- file.path(cases, "est_out/expected/out")
csv <- function(f) {
    x <- read.csv(file.path(od, f), stringsAsFactors = FALSE, check.names = FALSE)
    for (k in names(x)) if (is.logical(x[[k]]) && !all(is.na(x[[k]]))) x[[k]] <- ifelse(x[[k]], "true", "false")
    x
}
dA <- d[d$center == "A", ]
att <- csv("attrition.csv")
check("est_out attrition", identical(att$after, c(626L, 607L, nrow(dA))))
f <- survfit(Surv(os_time, os_status == 1) ~ tdxd, data = dA)
cur <- csv("01-km-curve.csv")
fs <- summary(f, censored = TRUE)
sg <- sub("^[^=]*=", "", as.character(fs$strata))
check("01-km-curve.csv groups and times", identical(cur$tdxd, sg) && all(cur$time_days == fs$time))
close_to("01-km-curve.csv n.risk", cur$n.risk, fs$n.risk)
close_to("01-km-curve.csv n.event", cur$n.event, fs$n.event)
close_to("01-km-curve.csv n.censor", cur$n.censor, fs$n.censor)
close_to("01-km-curve.csv survival", cur$survival, fs$surv)
close_to("01-km-curve.csv std.err", cur$std.err, fs$std.err)
close_to("01-km-curve.csv lower", cur$lower, fs$lower)
close_to("01-km-curve.csv upper", cur$upper, fs$upper)
sv <- csv("01-km-survival.csv")
s <- summary(f, times = c(12, 24) * MONTH)
close_to("01-km-survival.csv time", sv$time_days, s$time)
close_to("01-km-survival.csv n.risk", sv$n.risk, s$n.risk)
close_to("01-km-survival.csv n.event (cumulative)", sv$n.event, ave(s$n.event, as.character(s$strata), FUN = cumsum))
close_to("01-km-survival.csv survival", sv$survival, s$surv)
close_to("01-km-survival.csv std.err", sv$std.err, s$std.err)
close_to("01-km-survival.csv lower", sv$lower, s$lower)
close_to("01-km-survival.csv upper", sv$upper, s$upper)
md <- csv("01-km-median.csv")
q <- quantile(f, 0.5)
close_to("01-km-median.csv n, events", c(md$n, md$events), c(f$n, summary(f)$table[, "events"]))
close_to("01-km-median.csv median and limits", c(md$median_days, md$median.lower_days, md$median.upper_days),
         c(q$quantile, q$lower, q$upper))
ci <- cuminc(dA$rn_time, dA$rn_status, as.character(dA$tdxd))
cc <- csv("02-cif-cif.csv")
tp <- aj_timepoints(dA$rn_time, dA$rn_status, dA$tdxd, dA$patient_id, c(12, 24) * MONTH)
key <- match(paste(cc$tdxd, ifelse(cc$cause == "rn", 1, 2)), rownames(tp$est))
close_to("02-cif-cif.csv cif", cc$cif, tp$est[cbind(key, ifelse(cc$time_days == 12 * MONTH, 1, 2))])
close_to("02-cif-cif.csv std.err", cc$std.err, sqrt(tp$var[cbind(key, ifelse(cc$time_days == 12 * MONTH, 1, 2))]))
est <- tp$est[cbind(key, ifelse(cc$time_days == 12 * MONTH, 1, 2))]
se <- sqrt(tp$var[cbind(key, ifelse(cc$time_days == 12 * MONTH, 1, 2))])
z <- qnorm(0.975)
close_to("02-cif-cif.csv lower (log-log)", cc$lower, pmin(est^exp(z * se / (est * log(est))), est^exp(-z * se / (est * log(est)))))
close_to("02-cif-cif.csv upper (log-log)", cc$upper, pmax(est^exp(z * se / (est * log(est))), est^exp(-z * se / (est * log(est)))))
ct <- csv("02-cif-test.csv")
close_to("02-cif-test.csv Gray's statistic", ct$statistic, ci$Tests[, "stat"])
close_to("02-cif-test.csv p", ct$p, ci$Tests[, "pv"])
cv <- csv("02-cif-curve.csv")
# cuminc's curves are step functions drawn with two points per jump; the
# value after each event time is what cohort lists per event time
for (nm in c("false 1", "true 1", "false 2", "true 2")) {
    parts <- strsplit(nm, " ")[[1]]
    rows <- cv[cv$tdxd == parts[1] & cv$cause == c("rn", "death")[as.integer(parts[2])], ]
    tpc <- aj_timepoints(dA$rn_time, dA$rn_status, dA$tdxd, dA$patient_id, rows$time_days)
    close_to(sprintf("02-cif-curve.csv %s cif at its times", nm), rows$cif, tpc$est[nm, ])
    close_to(sprintf("02-cif-curve.csv %s std.err at its times", nm), rows$std.err, sqrt(tpc$var[nm, ]))
}
f <- coxph(Surv(os_time, os_status == 1) ~ tdxd + age + kps, data = dA, cluster = patient_id)
co <- csv("03-cox-coef.csv")
b <- coef(f); se <- sqrt(diag(f$var))
check("03-cox-coef.csv terms", identical(co$term, c("tdxdtrue", "age", "kps")))
close_to("03-cox-coef.csv coef", co$coef, b)
close_to("03-cox-coef.csv HR and limits", c(co$HR, co$lower, co$upper), c(exp(b), exp(b - z * se), exp(b + z * se)))
close_to("03-cox-coef.csv se (naive), robust se", c(co$se, co$`robust se`), c(sqrt(diag(f$naive.var)), se))
close_to("03-cox-coef.csv p", co$p, 2 * pnorm(-abs(b / se)))
ts <- csv("03-cox-test.csv")
close_to("03-cox-test.csv statistics", ts$statistic, c(2 * diff(f$loglik), f$wald.test, f$score, f$rscore))
cm <- csv("03-cox-model.csv")
close_to("03-cox-model.csv n, events, loglik, concordance, se", c(cm$n, cm$events, cm$`log-likelihood`, cm$concordance, cm$`concordance se`),
         c(f$n, f$nevent, f$loglik[2], f$concordance["concordance"], f$concordance["std"]))

# ================================================================ est_json (full precision)
cat("== est_json: JSON at full precision\n")
# a small JSON reader (strings, numbers, true/false/null, arrays, objects)
parse_json <- function(txt) {
    toks <- regmatches(txt, gregexpr('"(\\\\.|[^"\\\\])*"|-?[0-9][0-9.eE+-]*|true|false|null|[][{}:,]', txt, perl = TRUE))[[1]]
    pos <- 1
    value <- function() {
        t <- toks[pos]; pos <<- pos + 1
        if (t == "{") {
            out <- list()
            if (toks[pos] == "}") { pos <<- pos + 1; return(out) }
            repeat {
                k <- value(); pos <<- pos + 1   # the ':'
                out[k] <- list(value())
                t <- toks[pos]; pos <<- pos + 1
                if (t == "}") return(out)
            }
        }
        if (t == "[") {
            out <- list()
            if (toks[pos] == "]") { pos <<- pos + 1; return(out) }
            repeat {
                out[length(out) + 1] <- list(value())
                t <- toks[pos]; pos <<- pos + 1
                if (t == "]") return(out)
            }
        }
        if (t == "true") return(TRUE)
        if (t == "false") return(FALSE)
        if (t == "null") return(NA)
        if (substr(t, 1, 1) == '"') return(gsub('\\\\(.)', "\\1", substr(t, 2, nchar(t) - 1)))
        as.numeric(t)
    }
    value()
}
js <- parse_json(paste(readLines(file.path(cases, "est_json/expected.out")), collapse = "\n"))
tab <- function(est, id) {
    for (t in est$tables) if (t$id == id) {
        cols <- vapply(t$columns, function(c) c$name, "")
        m <- do.call(rbind, lapply(t$rows, function(r) vapply(r, function(x) as.character(x), "")))
        colnames(m) <- cols
        return(as.data.frame(m, stringsAsFactors = FALSE))
    }
    NULL
}
num <- function(x) as.numeric(x)
E <- js$estimates
check("est_json: four estimates, none failed", length(E) == 4 && !any(vapply(E, function(e) e$failed, TRUE)))
# logrank
f <- survdiff(Surv(os_time, os_status == 1) ~ tdxd, data = d)
g <- tab(E[[1]], "groups")
close_to("json logrank observed, expected", c(num(g$observed), num(g$expected)), c(f$obs, f$exp))
close_to("json logrank chisq, p", num(unlist(tab(E[[1]], "test")[, c("chisq", "p")])),
         c(f$chisq, pchisq(f$chisq, 1, lower.tail = FALSE)))
# cox with the time-varying exposure
f <- coxph(Surv(tstart, tstop, st == 1) ~ tdxd_tv + age + kps, data = tv, cluster = patient_id)
co <- tab(E[[2]], "coef")
b <- coef(f); se <- sqrt(diag(f$var))
close_to("json cox (time-varying) coef", num(co$coef), b)
close_to("json cox (time-varying) se, robust se", c(num(co$se), num(co$`robust se`)), c(sqrt(diag(f$naive.var)), se))
close_to("json cox (time-varying) HR and limits", c(num(co$HR), num(co$lower), num(co$upper)),
         c(exp(b), exp(b - z * se), exp(b + z * se)))
close_to("json cox (time-varying) p", num(co$p), 2 * pnorm(-abs(b / se)))
close_to("json cox (time-varying) tests", num(tab(E[[2]], "test")$statistic), c(2 * diff(f$loglik), f$wald.test, f$score, f$rscore))
cm <- tab(E[[2]], "model")
close_to("json cox (time-varying) n, events, loglik, concordance", num(c(cm$n, cm$events, cm$`log-likelihood`, cm$concordance, cm$`concordance se`)),
         c(f$n, f$nevent, f$loglik[2], f$concordance["concordance"], f$concordance["std"]))
# finegray below the patient: by default survival::finegray's weighted rows
# and a weighted coxph clustered by patient (crr is checked in est_finegray)
dd <- data.frame(time = d$rn_time, status = factor(d$rn_status, 0:2, c("censor", "rn", "death")),
                 tdxd = d$tdxd, age = d$age, patient_id = d$patient_id)
fg <- finegray(Surv(time, status) ~ ., data = dd, etype = "rn")
f <- coxph(Surv(fgstart, fgstop, fgstatus) ~ tdxd + age, data = fg, weights = fgwt, cluster = patient_id)
co <- tab(E[[3]], "coef")
b <- coef(f)
close_to("json finegray coef", num(co$coef), b)
close_to("json finegray se, robust se", c(num(co$se), num(co$`robust se`)), c(sqrt(diag(f$naive.var)), sqrt(diag(f$var))))
close_to("json finegray p", num(co$p), 2 * pnorm(-abs(b / sqrt(diag(f$var)))))
cm <- tab(E[[3]], "model")
close_to("json finegray weighted rows, events, robust Wald and score",
         num(c(cm$`weighted rows`, cm$events, cm$`Wald test (robust)`, cm$`robust score`)),
         c(nrow(fg), f$nevent, f$wald.test, f$rscore))
# logistic
f <- glm(prior_surgery ~ age + kps + her2 + tdxd, data = d, family = binomial)
co <- tab(E[[4]], "coef")
cf <- summary(f)$coefficients
close_to("json logistic coef, se, z, p", num(c(co$coef, co$se, co$z, co$p)), c(cf[, 1], cf[, 2], cf[, 3], cf[, 4]))
cm <- tab(E[[4]], "model")
close_to("json logistic deviances, AIC", num(c(cm$`null deviance`, cm$deviance, cm$AIC)), c(f$null.deviance, f$deviance, f$aic))

# ================================================================ failure cases
cat("== failure cases: R cannot fit these models either\n")
warns <- function(expr) {
    w <- character(0)
    v <- withCallingHandlers(tryCatch(expr, error = function(e) { w <<- c(w, conditionMessage(e)); NULL }),
                             warning = function(x) { w <<- c(w, conditionMessage(x)); invokeRestart("muffleWarning") })
    list(value = v, warnings = w)
}
# est_err_group_no_events: no course with KPS 100 has radionecrosis
d$kps100 <- tf(ifelse(d$kps == 100, "true", "false"))
check("est_err_group_no_events: no rn event with kps == 100", sum(d$rn_status == 1 & d$kps100 == "true", na.rm = TRUE) == 0)
r <- warns(coxph(Surv(rn_time, rn_status == 1) ~ kps100 + age, data = d))
check("est_err_group_no_events:8 coxph warns of an infinite coefficient", any(grepl("infinite", r$warnings)),
      paste(r$warnings, collapse = "; "))
k <- !is.na(d$kps)
r <- warns(crr(d$rn_time[k], d$rn_status[k], mm(~ kps100 + age, d[k, ]), failcode = 1, cencode = 0))
check("est_err_group_no_events:9 crr's coefficient runs off (|coef| > 10 or not converged)",
      is.null(r$value) || !r$value$converged || abs(r$value$coef[1]) > 10,
      if (!is.null(r$value)) paste("coef", r$value$coef[1], "converged", r$value$converged) else "")
r <- warns(glm(I(rn_status == 1) ~ kps100 + age, data = d, family = binomial))
check("est_err_group_no_events:10 glm's kps100 coefficient diverges (|coef| > 10)",
      abs(coef(r$value)["kps100true"]) > 10, paste("coef", coef(r$value)["kps100true"]))
B <- read_blocks("est_err_group_no_events")
lr <- survdiff(Surv(rn_time, rn_status == 1) ~ kps100, data = d)
expect_row(B, "est_err_group_no_events", "12", c(f_num(lr$chisq), 1, f_p(pchisq(lr$chisq, 1, lower.tail = FALSE))))
expect_row(B, "est_err_group_no_events", "12", c("true", lr$n[2], f_cnt(lr$obs[2]), f_num(lr$exp[2], 1),
                                                 f_num((lr$obs[2] - lr$exp[2])^2 / lr$exp[2]),
                                                 f_num((lr$obs[2] - lr$exp[2])^2 / lr$var[2, 2])))
dk <- d[k, ]
cif_check(B, "est_err_group_no_events", "13", cuminc(dk$rn_time, dk$rn_status, as.character(dk$kps100)), YEAR, 0.95, "kps100",
          tp = aj_timepoints(dk$rn_time, dk$rn_status, dk$kps100, dk$patient_id, YEAR))
# est_err_separation: dose separates SRS from FSRT
check("est_err_separation: no SRS course above 24 Gy, no FSRT course below 24 Gy",
      max(d$dose_gy[d$technique == "SRS"]) == 24 && min(d$dose_gy[d$technique == "FSRT"]) == 24)
r <- warns(glm(I(technique == "SRS") ~ dose_gy + age, data = d, family = binomial))
check("est_err_separation:8 glm warns: fitted probabilities numerically 0 or 1",
      any(grepl("numerically 0 or 1", r$warnings)), paste(r$warnings, collapse = "; "))
B <- read_blocks("est_err_separation")
f <- glm(I(technique == "FSRT") ~ volume_cc, data = d, family = binomial)
glm_check(B, "est_err_separation", "10", f, c("(Intercept)", "volume_cc"), "volume_cc")
# est_err_singular: age_months = 12 age, fsrt constant within strata
r <- warns(coxph(Surv(os_time, os_status == 1) ~ age + I(age * 12), data = d))
check("est_err_singular:7 coxph drops the collinear term (NA coefficient)", is.na(coef(r$value)[2]))
r <- warns(coxph(Surv(os_time, os_status == 1) ~ age + I(technique == "FSRT") + strata(technique), data = d))
check("est_err_singular:8 coxph drops fsrt, constant within strata (NA coefficient)", is.na(coef(r$value)[2]))
r <- warns(glm(prior_surgery ~ age + I(age * 12), data = d, family = binomial))
check("est_err_singular:9 glm drops the collinear term (NA coefficient)", is.na(coef(r$value)[3]))
r <- warns(crr(d$rn_time, d$rn_status, cbind(d$age, d$age * 12), failcode = 1, cencode = 0))
check("est_err_singular:10 crr cannot invert the information", is.null(r$value) || any(!is.finite(r$value$var)),
      paste(r$warnings, collapse = "; "))
# est_err_cox_noconv: two iterations are not enough (R does not warn for
# iter.max = 1, a deliberate one-step fit, hence 2)
r <- warns(coxph(Surv(os_time, os_status == 1) ~ tdxd + age + kps, data = d, iter.max = 2))
check("est_err_cox_noconv:4 coxph with iter.max = 2 warns that it did not converge",
      any(grepl("converge", r$warnings)), paste(r$warnings, collapse = "; "))
r <- warns(crr(d$rn_time, d$rn_status, mm(~ tdxd + age, d), failcode = 1, cencode = 0, maxiter = 2))
check("est_err_cox_noconv:5 crr with maxiter = 2 has not converged", !r$value$converged)
r <- warns(glm(prior_surgery ~ age + kps, data = d, family = binomial, control = glm.control(maxit = 2)))
check("est_err_cox_noconv:6 glm with maxit = 2 warns that it did not converge",
      any(grepl("converge", r$warnings)), paste(r$warnings, collapse = "; "))

cat(sprintf("\n%d checks passed, %d failed\n", n_ok, n_fail))
quit(status = if (n_fail > 0) 1 else 0)
