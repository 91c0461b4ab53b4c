# tests/R/km_hr.R: writes tests/ref/km_hr_ref.txt, the hazard ratio that
# km(..., by: G, hr: true) reports and annotates for two groups: R's
# coxph(Surv(time, status) ~ factor(G)) with its defaults (Efron ties,
# Newton-Raphson from 0), the second level against the first, with the
# Wald interval exp(coef +/- qnorm(0.975) se) and the Wald p of
# summary(fit); Surv(start, time, status) for the counting-process case.
# Run from the top of the source tree: Rscript tests/R/km_hr.R (R with
# survival 3.5-3).  Reads the km test data of tests/R/survival.R;
# tests/unit/test_km.c compares plugins/km/kmhr.c with these values.
suppressMessages(library(survival))
source("tests/R/refio.R")
refdir <- "tests/ref"
data_of <- function(file) read.table(file.path(refdir, file), header = TRUE, na.strings = "NA")

hr_case <- function(name, d, group, start = NULL) {
  g <- factor(d[[group]])
  stopifnot(nlevels(g) == 2)
  fit <- if (is.null(start)) coxph(Surv(d$time, d$status) ~ g)
         else coxph(Surv(d[[start]], d$time, d$status) ~ g)
  s <- summary(fit)
  ci <- exp(confint(fit, level = 0.95))
  section(name, data.frame(coef = coef(fit), se = sqrt(fit$var[1, 1]), hr = exp(coef(fit)),
                           lower = ci[1, 1], upper = ci[1, 2], p = s$coefficients[1, "Pr(>|z|)"],
                           nevent = fit$nevent, n = fit$n))
}

writeLines(c(hr_case("lung", data_of("km_lung_data.txt"), "sex"),
             hr_case("ovarian", data_of("km_ovarian_data.txt"), "rx"),
             hr_case("veteran", data_of("km_veteran_data.txt"), "trt"),
             hr_case("jasa1", data_of("km_jasa1_data.txt"), "transplant", start = "start")),
           file.path(refdir, "km_hr_ref.txt"))
