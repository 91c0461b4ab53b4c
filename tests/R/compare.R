# compare.R: R's reference results for the compare plugin's core
# (plugins/compare/cmpcore.c): per exposure group n, events, the cumulative
# incidence of cause 1 at given times (cmprsk::cuminc + timepoints), Gray's
# test, and the univariable Fine-Gray sHR (cmprsk::crr) with its Wald
# interval and p.  Uses the input data written by tests/R/survival.R
# (tests/ref/cif_mgus2_data.txt, tests/ref/cif_sim_data.txt).
# Run from the top of the source tree:  Rscript tests/R/compare.R
# Output: tests/ref/compare_ref.txt (sections as in the other reference files).
suppressPackageStartupMessages(library(cmprsk))

outdir <- "tests/ref"
fmt <- function(x) {
    x <- as.numeric(x)
    ifelse(is.na(x), "NA", ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"), sprintf("%.17g", x)))
}
section <- function(name, df) {
    m <- sapply(df, fmt)
    if (!is.matrix(m)) m <- matrix(m, nrow = 1)
    c(paste0("[", name, "]"), paste(names(df), collapse = " "), apply(m, 1, paste, collapse = " "))
}

read_ref <- function(f) read.table(file.path(outdir, f), header = TRUE)

# One case: the data file, the exposure (0/1 per row), times, confidence level.
# Sections: <name>_counts (group n events competing), <name>_cif (group time
# est var lower upper nby; NA after a group's last follow-up), <name>_test (gray_stat
# gray_p coef se shr lower upper p; NA where not estimable).  nby: events
# of cause 1 at or before the time (what a percentage rests on).  lower,
# upper: the level's log(-log) limits est^exp(-+z se / (est log est)), as
# the cif plugin gives them (cuminc gives variances only); NA at 0 or 1.
compare_case <- function(name, d, exposed, at, level) {
    counts <- data.frame(group = 0:1,
                         n = c(sum(exposed == 0), sum(exposed == 1)),
                         events = c(sum(d$status == 1 & exposed == 0), sum(d$status == 1 & exposed == 1)),
                         competing = c(sum(d$status >= 2 & exposed == 0), sum(d$status >= 2 & exposed == 1)))
    ci <- cuminc(d$time, d$status, exposed, cencode = 0)
    tp <- timepoints(ci, at)
    z <- qnorm(1 - (1 - level) / 2)
    rows <- list()
    for (g in 0:1) {
        key <- paste(g, 1)
        est <- as.numeric(tp$est[key, ])
        se <- sqrt(as.numeric(tp$var[key, ]))
        inside <- !is.na(est) & est > 0 & est < 1
        w <- ifelse(inside, z * se / (est * log(est)), NA)
        rows[[length(rows) + 1]] <- data.frame(group = g, time = at,
                                               est = est,
                                               var = as.numeric(tp$var[key, ]),
                                               lower = ifelse(inside, est^exp(-w), NA),
                                               upper = ifelse(inside, est^exp(w), NA),
                                               nby = sapply(at, function(a)
                                                   sum(d$status == 1 & exposed == g & d$time <= a)))
    }
    cifd <- do.call(rbind, rows)
    gray <- ci$Tests["1", ]
    test <- data.frame(gray_stat = gray[["stat"]], gray_p = gray[["pv"]],
                       coef = NA, se = NA, shr = NA, lower = NA, upper = NA, p = NA)
    if (all(counts$events > 0)) {
        fit <- crr(d$time, d$status, cbind(exposed), failcode = 1, cencode = 0)
        z <- qnorm(1 - (1 - level) / 2)
        b <- fit$coef[[1]]
        se <- sqrt(fit$var[1, 1])
        test$coef <- b
        test$se <- se
        test$shr <- exp(b)
        test$lower <- exp(b - z * se)
        test$upper <- exp(b + z * se)
        test$p <- 2 * pnorm(-abs(b / se))
    }
    c(section(paste0(name, "_counts"), counts),
      section(paste0(name, "_cif"), cifd),
      section(paste0(name, "_test"), test))
}

mg <- read_ref("cif_mgus2_data.txt")
sim <- read_ref("cif_sim_data.txt")
# no event of cause 1 among the exposed: sHR not estimable, Gray's test still given
noev <- sim
noev$status[noev$group == 2 & noev$status == 1] <- 0

out <- c(
    compare_case("mgus2_sex", mg, mg$sex, c(12, 60, 120, 400), 0.95),
    compare_case("mgus2_old", mg, mg$old, c(12, 24), 0.9),
    compare_case("sim_g2", sim, as.integer(sim$group == 2), c(5, 10, 20, 59, 70), 0.95),
    compare_case("noev_g2", noev, as.integer(noev$group == 2), c(10, 20), 0.95))
writeLines(c(paste("# compare core references - written by tests/R/compare.R with cmprsk",
                   packageVersion("cmprsk")), out),
           file.path(outdir, "compare_ref.txt"))
