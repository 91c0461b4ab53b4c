# figures.R: the tests that figures carry as their annotation (plot
# annotate = true), computed by R on the report test's data, and the same
# figures drawn by survminer for comparison by eye.
# Run from the top of the source tree, with the cohort build in build/:
#   COHORT_PLUGIN_PATH=build/plugins/.libs build/cohort export \
#       tests/report/study.rules -o /tmp/report-rows.csv
#   Rscript tests/R/figures.R /tmp/report-rows.csv [OUTDIR]
# Prints the log-rank test of os by concurrent (survival::survdiff), the
# hazard ratio of concurrent (survival::coxph, Efron ties, robust variance
# clustered by patient as km's below the patient level) and
# Gray's tests of rn by concurrent (cmprsk::cuminc); tests/report.sh checks
# that the figure data carry the same p-values, rounded to 3 decimals
# (survdiff: p = 0.0560; coxph: HR 0.5828 (0.3776-0.8996), p 0.0148,
# robust score test p 0.0113, which the clustered HR's annotation gives;
# cuminc: rn 0.3245, death 0.0686).  With OUTDIR
# and survminer installed, also writes OUTDIR/survminer-km.png and
# OUTDIR/survminer-cif.png.
suppressPackageStartupMessages({
    library(survival)
    library(cmprsk)
})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
lr <- survdiff(Surv(os_time_months, os_status == 1) ~ concurrent, data = d)
p <- pchisq(lr$chisq, length(lr$n) - 1, lower.tail = FALSE)
cat(sprintf("log-rank os ~ concurrent: chisq %.4f, p %.4f (annotation \"Log-rank p = %.3f\")\n",
            lr$chisq, p, p))
# the hazard ratio km(os, by: concurrent, hr: true) reports (tests/report/zph.rules):
# the unit is the course, so its variance is the robust one clustered by patient
hr <- coxph(Surv(os_time_months, os_status == 1) ~ concurrent + cluster(patient_id), data = d)
hci <- summary(hr)$conf.int
# and, clustered, the robust score test goes with it (the log-rank test
# assumes independent rows)
rp <- pchisq(hr$rscore, 1, lower.tail = FALSE)
cat(sprintf("coxph os ~ concurrent: HR %.4f (95%% CI %.4f-%.4f), p %.4f, robust score p %.4f (annotation \"HR %.2f (95%% CI %.2f-%.2f); robust score p = %.3f\")\n",
            hci[1, 1], hci[1, 3], hci[1, 4], summary(hr)$coefficients[1, "Pr(>|z|)"], rp, hci[1, 1], hci[1, 3],
            hci[1, 4], rp))
# the arms of the attrition diagram (plot attrition_by = concurrent)
print(table(concurrent = d$concurrent))
ci <- cuminc(d$rn_time_months, d$rn_status, d$concurrent)
for (k in rownames(ci$Tests))
    cat(sprintf("Gray cause %s: stat %.4f, p %.4f\n", k, ci$Tests[k, "stat"], ci$Tests[k, "pv"]))
if (length(args) >= 2 && requireNamespace("survminer", quietly = TRUE)) {
    suppressPackageStartupMessages(library(survminer))
    fit <- survfit(Surv(os_time_months, os_status == 1) ~ concurrent, data = d)
    g <- ggsurvplot(fit, data = d, conf.int = TRUE, pval = TRUE, risk.table = TRUE,
                    xlim = c(0, 60), break.time.by = 12, censor.shape = "+")
    png(file.path(args[2], "survminer-km.png"), width = 7, height = 5.5, units = "in", res = 150)
    print(g)
    invisible(dev.off())
    g2 <- ggcompetingrisks(ci, xlab = "Time (months)", multiple_panels = FALSE)
    ggplot2::ggsave(file.path(args[2], "survminer-cif.png"), g2, width = 7, height = 5, dpi = 150)
}
