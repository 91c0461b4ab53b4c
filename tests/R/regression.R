# tests/R/regression.R: writes the R reference results for the cox,
# finegray, logistic and psm plugins into tests/ref/ (run from the top of
# the source tree: Rscript tests/R/regression.R).  Needs R with survival
# (3.5-3) and cmprsk (2.2-11); the unit tests themselves do not need R.
#
# For each case NAME it writes
#   tests/ref/NAME_data.txt  the input: a header line, then one row per line,
#                            whitespace separated, NA as `NA`
#   tests/ref/NAME_ref.txt   R's results as sections read by
#                            tests/unit/refdata.c: a line "[section]", a
#                            header line, then rows; every number formatted
#                            by sprintf("%.17g")
suppressMessages({
  library(survival)
  library(cmprsk)
})
stopifnot(packageVersion("survival") >= "3.5.0")
outdir <- "tests/ref"
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)

fmt <- function(v) {
  v <- as.numeric(v)
  ifelse(is.na(v), "NA", sprintf("%.17g", v))
}

table_lines <- function(df) {
  c(paste(gsub("[[:space:]]", "_", names(df)), collapse = " "),
    apply(as.matrix(df), 1, function(r) paste(fmt(r), collapse = " ")))
}

write_data <- function(name, df) {
  writeLines(table_lines(df), file.path(outdir, paste0(name, "_data.txt")))
}

# sections: a named list of data frames (a named vector is one row)
write_ref <- function(name, sections) {
  lines <- unlist(lapply(names(sections), function(s) {
    df <- sections[[s]]
    if (!is.data.frame(df)) df <- as.data.frame(as.list(df))
    c(paste0("[", s, "]"), table_lines(df))
  }))
  writeLines(lines, file.path(outdir, paste0(name, "_ref.txt")))
}

## ---- Cox --------------------------------------------------------------
# Data columns: start stop event strata cluster then the model.matrix
# columns.  start is NA for right-censored data; strata/cluster are integer
# codes (0 when not used).
cox_case <- function(name, formula, data, ties = "efron", note = "") {
  fit <- coxph(formula, data = data, ties = ties, model = TRUE, x = TRUE)
  X <- fit$x
  y <- fit$y
  mf <- fit$model
  n <- nrow(X)
  counting <- ncol(y) == 3
  st <- if (!is.null(fit$strata)) as.integer(fit$strata) else rep(0L, n)
  if (is.null(fit$strata) && length(attr(fit$terms, "specials")$strata)) st <- as.integer(strata(mf[[attr(fit$terms, "specials")$strata]]))
  cl_col <- grep("^\\(cluster\\)$|^cluster\\(", names(mf))
  cl <- if (length(cl_col)) match(mf[[cl_col]], sort(unique(mf[[cl_col]]))) - 1L else rep(0L, n)
  df <- data.frame(start = if (counting) y[, 1] else NA,
                   stop = if (counting) y[, 2] else y[, 1],
                   event = y[, ncol(y)], strata = st, cluster = cl)
  df <- cbind(df, as.data.frame(X))
  write_data(name, df)

  s <- summary(fit)
  se <- sqrt(diag(if (is.null(fit$naive.var)) fit$var else fit$naive.var))
  coefs <- data.frame(coef = coef(fit), se = se,
                      robust_se = if (is.null(fit$naive.var)) NA else sqrt(diag(fit$var)),
                      p = s$coefficients[, ncol(s$coefficients)])
  # (summary.coxph rounds the Wald and score statistics: use the fit's own)
  df <- sum(!is.na(coef(fit)))
  lr <- 2 * diff(fit$loglik)
  rs <- if (is.null(fit$rscore)) NA else fit$rscore
  cc <- fit$concordance
  fitv <- c(efron = as.numeric(ties == "efron"), robust = as.numeric(!is.null(fit$naive.var)),
            n = n, nevent = fit$nevent, iter = fit$iter,
            loglik0 = fit$loglik[1], loglik = fit$loglik[2], df = df,
            lr = lr, lr_p = pchisq(lr, df, lower.tail = FALSE),
            wald = fit$wald.test, wald_p = pchisq(fit$wald.test, df, lower.tail = FALSE),
            score = fit$score, score_p = pchisq(fit$score, df, lower.tail = FALSE),
            rscore = rs, rscore_p = pchisq(rs, df, lower.tail = FALSE),
            concordant = cc[["concordant"]], discordant = cc[["discordant"]],
            tied_x = cc[["tied.x"]], tied_y = cc[["tied.y"]], tied_xy = cc[["tied.xy"]],
            concordance = cc[["concordance"]], concordance_se = cc[["std"]])
  write_ref(name, list(coef = coefs, fit = fitv))
  invisible(fit)
}

# lung: right-censored, Efron and Breslow, strata
lung2 <- na.omit(lung[, c("time", "status", "age", "sex", "ph.ecog", "ph.karno", "wt.loss", "inst")])
cox_case("cox_lung", Surv(time, status) ~ age + sex + ph.ecog + wt.loss, lung2)
cox_case("cox_lung_breslow", Surv(time, status) ~ age + sex + ph.ecog + wt.loss, lung2, ties = "breslow")
cox_case("cox_lung_strata", Surv(time, status) ~ age + ph.ecog + ph.karno + strata(sex), lung2)
# ovarian: small, few events
cox_case("cox_ovarian", Surv(futime, fustat) ~ age + ecog.ps + rx, ovarian)
# veteran: a factor (treatment contrasts), many ties
cox_case("cox_veteran", Surv(time, status) ~ trt + celltype + karno + age + prior, veteran)
# heart (jasa1): counting process, robust by patient
cox_case("cox_heart", Surv(start, stop, event) ~ age + year + surgery + transplant + cluster(id), jasa1)
# bladder (WLW, marginal) and bladder2 (Andersen-Gill): clusters
cox_case("cox_bladder", Surv(stop, event) ~ rx + size + number + strata(enum) + cluster(id), bladder[bladder$enum < 5, ])
cox_case("cox_bladder2", Surv(start, stop, event) ~ rx + size + number + cluster(id), bladder2)
cox_case("cox_bladder2_breslow", Surv(start, stop, event) ~ rx + size + number + cluster(id), bladder2, ties = "breslow")
# cgd: counting process with strata and clusters
cox_case("cox_cgd", Surv(tstart, tstop, status) ~ treat + age + inherit + steroids + strata(hos.cat) + cluster(id), cgd)
# colon: two event types per patient, strata by type, clusters
colon2 <- na.omit(colon[, c("id", "time", "status", "rx", "sex", "age", "obstruct", "nodes", "etype")])
cox_case("cox_colon", Surv(time, status) ~ rx + sex + age + obstruct + nodes + strata(etype) + cluster(id), colon2)

## ---- logistic -----------------------------------------------------------
# Data columns: y then the model.matrix columns without the intercept.
logit_case <- function(name, formula, data) {
  fit <- glm(formula, family = binomial, data = data, x = TRUE, y = TRUE)
  X <- fit$x[, -1, drop = FALSE]
  write_data(name, cbind(data.frame(y = fit$y), as.data.frame(X)))
  s <- summary(fit)$coefficients
  write_ref(name, list(coef = data.frame(coef = s[, 1], se = s[, 2], z = s[, 3], p = s[, 4]),
                       fit = c(n = length(fit$y), iter = fit$iter, deviance = fit$deviance,
                               null_deviance = fit$null.deviance, aic = fit$aic,
                               df_residual = fit$df.residual, df_null = fit$df.null)))
  invisible(fit)
}
logit_case("logistic_infert", case ~ age + parity + induced + spontaneous, infert)
logit_case("logistic_infert_factor", case ~ education + age + spontaneous + factor(induced), infert)
lung3 <- na.omit(lung[, c("status", "age", "sex", "ph.ecog", "ph.karno", "wt.loss")])
lung3$dead <- as.numeric(lung3$status == 2)
logit_case("logistic_lung", dead ~ age + sex + ph.ecog + ph.karno + wt.loss, lung3)
# colon: 1858 rows, binary death by 5 years ~ clinical covariates
colon3 <- na.omit(colon[colon$etype == 2, c("status", "rx", "sex", "age", "obstruct", "perfor", "adhere", "nodes", "differ", "extent", "surg")])
logit_case("logistic_colon", status ~ rx + sex + age + obstruct + perfor + adhere + nodes + differ + extent + surg, colon3)
