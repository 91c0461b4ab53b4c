# compare_definitions.R: the check behind tests/e2e/cases/example_compare_definitions:
# recomputes every row of the `compare` table of
# examples/studies/compare_definitions.rules with cmprsk (cuminc, timepoints,
# crr) from the analysis data set that `cohort export` writes, and prints
# the rows in the table's layout to compare by eye with expected.out, each
# followed by the cumulative incidences' 95% limits of its sentence.
# Usage (from the top of the source tree):
#   cohort export examples/studies/compare_definitions.rules -o /tmp/cmp.csv
#   Rscript tests/R/compare_definitions.R /tmp/cmp.csv
# Times in the export are in the study's unit (months of 30.4375 days).
suppressPackageStartupMessages(library(cmprsk))

args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(if (length(args)) args[1] else "/tmp/cmp.csv")
exposures <- c("mills2021", "stumpf2019", "geraud2017", "idsaid2022", "lebow2023", "koide2024",
               "chun2026", "chun2026_3mo", "miller2017_ab", "miller2017_tki", "lapatinib_5hl",
               "miller2016_ab", "miller2016_lap", "ippolito2022", "park2022", "khatri2023",
               "simulated_truth")
at <- c(365.25, 730.5)
z <- qnorm(0.975)
for (ep in c("rn", "srn")) for (x in exposures) {
    t <- d[[paste0(ep, "_time_months")]] * 30.4375
    s <- d[[paste0(ep, "_status")]]
    g <- as.integer(d[[x]] == "true")
    ok <- !is.na(t) & !is.na(s) & !is.na(g)
    t <- t[ok]; s <- s[ok]; g <- g[ok]
    ci <- cuminc(t, s, g, cencode = 0)
    tpv <- timepoints(ci, at)
    tp <- tpv$est
    # the sentences' limits: log(-log), est^exp(-+z se / (est log est))
    lim <- function(key, k) {
        e <- tp[key, k]; w <- z * sqrt(tpv$var[key, k]) / (e * log(e))
        if (is.na(e) || e <= 0 || e >= 1) "" else sprintf(" (%.1f-%.1f)", 100 * e^exp(-w), 100 * e^exp(w))
    }
    shr <- lo <- hi <- p <- NA
    if (sum(s == 1 & g == 1) > 0 && sum(s == 1 & g == 0) > 0) {
        f <- crr(t, s, cbind(g), failcode = 1, cencode = 0)
        b <- f$coef[[1]]
        se <- sqrt(f$var[1, 1])
        shr <- exp(b); lo <- exp(b - z * se); hi <- exp(b + z * se)
        p <- 2 * pnorm(-abs(b / se))
    }
    cat(sprintf("%-4s %-16s %4d %4d %3d %3d %5.1f%% %5.1f%% %5.1f%% %5.1f%% %5.2f %5.2f %5.2f %.3f %.3f\n",
                ep, x, sum(g == 1), sum(g == 0), sum(s == 1 & g == 1), sum(s == 1 & g == 0),
                100 * tp["1 1", 1], 100 * tp["0 1", 1], 100 * tp["1 1", 2], 100 * tp["0 1", 2],
                shr, lo, hi, p, ci$Tests["1", "pv"]))
    cat(sprintf("     CIF at 1 year%s vs%s; at 2 years%s vs%s\n", lim("1 1", 1), lim("0 1", 1),
                lim("1 1", 2), lim("0 1", 2)))
}
