# tests/R/formula_strata.R: R reference for tests/e2e/cases/formula_strata
# (strata() as a term of a cox formula).  Run: Rscript tests/R/formula_strata.R
library(survival)
f <- coxph(Surv(time, status) ~ age + ph.ecog + strata(sex), data = lung)
print(summary(f), digits = 10)
