# tests/R/km_hr.R: writes tests/ref/km_hr_ref.txt, the hazard ratio that
# km(..., by: G, hr: true) reports and annotates for two groups: R's
# coxph(Surv(time, status) ~ factor(G)) with its defaults (Efron ties,
# Newton-Raphson from 0), the second level against the first, with the
# Wald interval exp(coef +/- qnorm(0.975) se) and the Wald p of
# summary(fit); Surv(start, time, status) for the counting-process case.
# With clusters (below the patient, km clusters by the patient key as
# cox does): coxph(... ~ g + cluster(C)), whose se, interval and p are
# the robust (sandwich) ones -- rats by litter, colon by patient id (two
# rows per patient, recurrence and death), jasa1's intervals by id -- and
# rscore_p, the p of coxph's robust score test (fit$rscore, chi-square on
# 1 df), which km's figure annotation gives beside a clustered HR in place
# of survdiff's log-rank p (NA without clusters).
# Run from the top of the source tree: Rscript tests/R/km_hr.R (R with
# survival 3.5-3).  Reads the km test data of tests/R/survival.R and
# writes tests/ref/km_rats_data.txt and km_colon_data.txt;
# tests/unit/test_km.c compares plugins/km/kmhr.c with these values.
suppressMessages(library(survival))
source("tests/R/refio.R")
refdir <- "tests/ref"
data_of <- function(file) read.table(file.path(refdir, file), header = TRUE, na.strings = "NA")

hr_case <- function(name, d, group, start = NULL, cl = NULL) {
  g <- factor(d[[group]])
  stopifnot(nlevels(g) == 2)
  y <- if (is.null(start)) Surv(d$time, d$status) else Surv(d[[start]], d$time, d$status)
  fit <- if (is.null(cl)) coxph(y ~ g) else coxph(y ~ g + cluster(d[[cl]]))
  s <- summary(fit)
  ci <- exp(confint(fit, level = 0.95))
  section(name, data.frame(coef = coef(fit), se = sqrt(fit$var[1, 1]), hr = exp(coef(fit)),
                           lower = ci[1, 1], upper = ci[1, 2], p = s$coefficients[1, "Pr(>|z|)"],
                           nevent = fit$nevent, n = fit$n,
                           rscore_p = if (is.null(cl)) NA else
                             pchisq(fit$rscore, 1, lower.tail = FALSE)))
}

write_ref <- function(df, file)
  writeLines(lines_of(df), file.path(refdir, file))
rats_d <- rats[, c("time", "status", "rx", "litter")]
colon_d <- colon[, c("time", "status", "sex", "id")]
write_ref(rats_d, "km_rats_data.txt")
write_ref(colon_d, "km_colon_data.txt")

writeLines(c(hr_case("lung", data_of("km_lung_data.txt"), "sex"),
             hr_case("ovarian", data_of("km_ovarian_data.txt"), "rx"),
             hr_case("veteran", data_of("km_veteran_data.txt"), "trt"),
             hr_case("jasa1", data_of("km_jasa1_data.txt"), "transplant", start = "start"),
             hr_case("rats_litter", data_of("km_rats_data.txt"), "rx", cl = "litter"),
             hr_case("colon_id", data_of("km_colon_data.txt"), "sex", cl = "id"),
             hr_case("jasa1_id", data_of("km_jasa1_data.txt"), "transplant", start = "start", cl = "id")),
           file.path(refdir, "km_hr_ref.txt"))
