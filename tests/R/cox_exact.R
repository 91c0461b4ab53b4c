# tests/R/cox_exact.R: R references for the Cox model with ties = "exact"
# (the exact partial likelihood of tied deaths: the conditional logistic
# likelihood), read by tests/unit/test_cox.c like the cases of
# tests/R/regression.R (same files and sections; the fit section has
# exact = 1).  Run from the top of the source tree: Rscript tests/R/cox_exact.R
suppressMessages(library(survival))
stopifnot(packageVersion("survival") >= "3.5.0")
outdir <- "tests/ref"
fmt <- function(v) {
  v <- as.numeric(v)
  ifelse(is.na(v), "NA", sprintf("%.17g", v))
}
table_lines <- function(df) {
  c(paste(gsub("[[:space:]]", "_", names(df)), collapse = " "),
    apply(as.matrix(df), 1, function(r) paste(fmt(r), collapse = " ")))
}
exact_case <- function(name, formula, data) {
  fit <- coxph(formula, data = data, ties = "exact", x = TRUE)
  X <- fit$x
  y <- fit$y
  n <- nrow(X)
  df <- data.frame(start = NA, stop = y[, 1], event = y[, 2], strata = 0L, cluster = 0L)
  writeLines(table_lines(cbind(df, as.data.frame(X))), file.path(outdir, paste0(name, "_data.txt")))
  s <- summary(fit)
  coefs <- data.frame(coef = coef(fit), se = sqrt(diag(fit$var)), robust_se = NA,
                      p = s$coefficients[, ncol(s$coefficients)])
  k <- sum(!is.na(coef(fit)))
  lr <- 2 * diff(fit$loglik)
  cc <- fit$concordance
  fitv <- c(efron = 0, exact = 1, robust = 0, n = n, nevent = fit$nevent, iter = fit$iter,
            loglik0 = fit$loglik[1], loglik = fit$loglik[2], df = k,
            lr = lr, lr_p = pchisq(lr, k, lower.tail = FALSE),
            wald = fit$wald.test, wald_p = pchisq(fit$wald.test, k, lower.tail = FALSE),
            score = fit$score, score_p = pchisq(fit$score, k, lower.tail = FALSE),
            rscore = NA, rscore_p = NA,
            concordant = cc[["concordant"]], discordant = cc[["discordant"]],
            tied_x = cc[["tied.x"]], tied_y = cc[["tied.y"]], tied_xy = cc[["tied.xy"]],
            concordance = cc[["concordance"]], concordance_se = cc[["std"]])
  lines <- c("[coef]", table_lines(coefs), "[fit]", table_lines(as.data.frame(as.list(fitv))),
             "[vcov]", table_lines(as.data.frame(unname(fit$var))))
  writeLines(lines, file.path(outdir, paste0(name, "_ref.txt")))
  invisible(fit)
}
# lung: 139 death times, 19 of them with 2 or 3 tied deaths
lung2 <- na.omit(lung[, c("time", "status", "age", "sex", "ph.ecog", "ph.karno", "wt.loss", "inst")])
exact_case("cox_lung_exact", Surv(time, status) ~ age + sex + ph.ecog + wt.loss, lung2)
# veteran: many ties (up to 4 deaths at one time), a factor
exact_case("cox_veteran_exact", Surv(time, status) ~ trt + celltype + karno + age, veteran)
