# doc/figures/survminer.R: the README's reference pictures -- the same data
# drawn by R's survminer (ggsurvplot, ggcompetingrisks) as cohort draws it
# (doc/figures/make.sh runs this).  Usage: Rscript survminer.R LUNG.csv TDXD.csv OUTDIR
# LUNG.csv: examples/data/lung/lung.csv; TDXD.csv: `cohort export
# examples/studies/tdxd_srs.rules` (the analysis dataset, one row per course).
suppressPackageStartupMessages({
    library(survival)
    library(survminer)
    library(cmprsk)
})
args <- commandArgs(trailingOnly = TRUE)
out <- args[3]

lung <- read.csv(args[1])
fit <- survfit(Surv(time, status) ~ sex, data = lung)
p <- ggsurvplot(fit, data = lung, conf.int = TRUE, pval = TRUE, risk.table = TRUE,
                break.time.by = 180, xlab = "Time (days)", ylab = "Survival",
                title = "Kaplan-Meier estimate of os by sex", surv.scale = "percent")
png(file.path(out, "km-lung-survminer.png"), width = 7, height = 5.3, units = "in", res = 150)
print(p)
invisible(dev.off())

d <- read.csv(args[2])
ci <- cuminc(d$rn_time_months, d$rn_status, group = d$tdxd, cencode = 0)
names(ci)[1:4] <- c("false rn", "true rn", "false death", "true death")
p <- ggcompetingrisks(ci, multiple_panels = FALSE, xlab = "Time (months)",
                      ylab = "Cumulative incidence",
                      title = "Cumulative incidence of rn and death by tdxd")
png(file.path(out, "cif-tdxd-survminer.png"), width = 7, height = 5.3, units = "in", res = 150)
print(p)
invisible(dev.off())
