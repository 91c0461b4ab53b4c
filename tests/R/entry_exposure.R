# tests/R/entry_exposure.R: R reference for tests/e2e/cases/entry_exposure (delayed
# entry with a time-varying exposure), the intervals split by hand as in
# that case's study.rules.  Run: Rscript tests/R/entry_exposure.R
library(survival)
d <- read.table(header=TRUE, text="
id start stop event x
1 0 4 0 0
1 4 10 1 1
2 3 8 1 1
3 2 6 0 0
3 6 12 0 1
4 5 9 1 0
5 0 7 1 0
6 1 3 0 0
6 3 11 1 1
7 4 6 0 1
8 0 2 0 0
8 2 5 1 1
9 6 10 0 0
9 10 13 0 1
10 2 14 0 0
")
f <- coxph(Surv(start, stop, event) ~ x, data=d)
s <- summary(f)
print(s, digits=10)
print(concordance(f))
print(f$loglik, digits=10)
