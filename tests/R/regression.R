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
# With case weights (weights = a vector) a column `weight` follows cluster.
cox_case <- function(name, formula, data, ties = "efron", note = "", weights = NULL) {
  if (is.null(weights)) fit <- coxph(formula, data = data, ties = ties, model = TRUE, x = TRUE)
  else fit <- coxph(formula, data = cbind(data, .w = weights), weights = .w, ties = ties,
                    model = TRUE, x = TRUE)
  X <- fit$x
  y <- fit$y
  mf <- fit$model
  n <- nrow(X)
  counting <- ncol(y) == 3
  st <- if (!is.null(fit$strata)) as.integer(fit$strata) else rep(0L, n)
  if (is.null(fit$strata) && length(attr(fit$terms, "specials")$strata)) st <- as.integer(strata(mf[[attr(fit$terms, "specials")$strata]]))
  cl_col <- grep("^\\(cluster\\)$|^cluster\\(", names(mf))
  # robust without a cluster term (non-integer weights): each row its own cluster
  cl <- if (length(cl_col)) match(mf[[cl_col]], sort(unique(mf[[cl_col]]))) - 1L
        else if (!is.null(fit$naive.var)) seq_len(n) - 1L else rep(0L, n)
  df <- data.frame(start = if (counting) y[, 1] else NA,
                   stop = if (counting) y[, 2] else y[, 1],
                   event = y[, ncol(y)], strata = st, cluster = cl)
  if (!is.null(weights)) df$weight <- weights
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
  # the variance matrix used (robust when clustered) and the model-based one
  mats <- list(vcov = as.data.frame(unname(fit$var)))
  if (!is.null(fit$naive.var)) mats$naive_vcov <- as.data.frame(unname(fit$naive.var))
  # cox.zph with its defaults (right-censored data): the tests, the scaled
  # Schoenfeld residuals, and the term of each column (fit$assign)
  if (!counting && is.null(weights)) {
    z <- cox.zph(fit)
    asg <- integer(ncol(X))
    for (k in seq_along(fit$assign)) asg[fit$assign[[k]]] <- k - 1L
    mats$zph <- data.frame(chisq = z$table[, "chisq"], df = z$table[, "df"], p = z$table[, "p"])
    mats$zph_resid <- data.frame(time = z$time, x = z$x, unname(as.data.frame(unclass(z$y))))
    mats$assign <- data.frame(term = asg)
  }
  write_ref(name, c(list(coef = coefs, fit = fitv), mats))
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

# case weights (coxph's weights): inverse-probability weights of sex from a
# logistic model of age and ph.ecog (non-integer), model-based and robust
# (clustered by institution) variance, Efron and Breslow ties
ps_lung <- fitted(glm(I(sex == 2) ~ age + ph.ecog, family = binomial, data = lung2))
w_lung <- ifelse(lung2$sex == 2, 1 / ps_lung, 1 / (1 - ps_lung))
cox_case("cox_lung_wt", Surv(time, status) ~ age + sex + ph.ecog + wt.loss, lung2, weights = w_lung)
cox_case("cox_lung_wt_breslow", Surv(time, status) ~ age + sex + ph.ecog + wt.loss, lung2,
         ties = "breslow", weights = w_lung)
cox_case("cox_lung_wt_cluster", Surv(time, status) ~ age + sex + ph.ecog + wt.loss + cluster(inst),
         lung2, weights = w_lung)
# counting process with weights and clusters: bladder2 with weights by size
cox_case("cox_bladder2_wt", Surv(start, stop, event) ~ rx + number + cluster(id), bladder2,
         weights = 1 + bladder2$size / 4)

## ---- logistic -----------------------------------------------------------
# Data columns: y then the model.matrix columns without the intercept.
logit_case <- function(name, formula, data) {
  fit <- glm(formula, family = binomial, data = data, x = TRUE, y = TRUE)
  X <- fit$x[, -1, drop = FALSE]
  write_data(name, cbind(data.frame(y = fit$y), as.data.frame(X)))
  s <- summary(fit)$coefficients
  ci <- exp(confint.default(fit))   # Wald intervals of the odds ratios, intercept included
  write_ref(name, list(coef = data.frame(coef = s[, 1], se = s[, 2], z = s[, 3], p = s[, 4],
                                         or = exp(s[, 1]), or_lo = ci[, 1], or_hi = ci[, 2]),
                       fit = c(n = length(fit$y), iter = fit$iter, deviance = fit$deviance,
                               null_deviance = fit$null.deviance, aic = fit$aic,
                               df_residual = fit$df.residual, df_null = fit$df.null,
                               loglik = as.numeric(logLik(fit))),
                       vcov = as.data.frame(unname(vcov(fit)))))
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

## ---- Fine-Gray ----------------------------------------------------------
# Data columns: time status (0 censored, 1 event, 2 competing) then the
# covariate matrix (model.matrix without the intercept).
crr_case <- function(name, time, status, X) {
  X <- as.matrix(X)
  fit <- crr(time, status, X, failcode = 1, cencode = 0)
  stopifnot(fit$converged)
  write_data(name, cbind(data.frame(time = time, status = status), as.data.frame(X)))
  se <- sqrt(diag(fit$var))
  z <- fit$coef / se
  # (summary.crr rounds its p-values: compute them unrounded)
  write_ref(name, list(coef = data.frame(coef = fit$coef, se = se, z = z,
                                         p = 2 * pnorm(-abs(z))),
                       fit = c(n = fit$n, loglik = fit$loglik, loglik0 = fit$loglik.null,
                               lr = -2 * (fit$loglik.null - fit$loglik),
                               lr_p = pchisq(-2 * (fit$loglik.null - fit$loglik), length(fit$coef),
                                             lower.tail = FALSE)),
                       vcov = as.data.frame(unname(fit$var))))
  invisible(fit)
}
# simulated competing risks with ties (times rounded to whole days)
set.seed(20260101)
nsim <- 250
x1 <- rnorm(nsim)
x2 <- rbinom(nsim, 1, 0.4)
x3 <- runif(nsim, 40, 80)
t1 <- rexp(nsim, 0.002 * exp(0.5 * x1 - 0.7 * x2 + 0.01 * (x3 - 60)))
t2 <- rexp(nsim, 0.0015 * exp(-0.3 * x1 + 0.4 * x2))
tc <- runif(nsim, 200, 1500)
tt <- ceiling(pmin(t1, t2, tc))
ss <- ifelse(tc <= pmin(t1, t2), 0, ifelse(t1 <= t2, 1, 2))
crr_case("finegray_sim", tt, ss, cbind(x1 = x1, x2 = x2, x3 = x3))
# mgus2: progression to a plasma cell malignancy, death before it competing
m <- na.omit(mgus2[, c("age", "sex", "mspike", "ptime", "pstat", "futime", "death")])
mtime <- ifelse(m$pstat == 1, m$ptime, m$futime)
mstat <- ifelse(m$pstat == 1, 1, 2 * m$death)
crr_case("finegray_mgus2", mtime, mstat, model.matrix(~ age + sex + mspike, m)[, -1])
# a small case where censoring and events tie and one covariate is binary
crr_case("finegray_small", c(1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 12, 12, 13, 14),
         c(1, 0, 2, 1, 0, 1, 2, 1, 0, 2, 1, 0, 1, 2, 1, 0, 1, 2, 0, 1),
         cbind(z = c(1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0),
               w = c(0.5, 1.2, -0.3, 2.0, 0.1, -1.1, 0.7, 0.2, -0.6, 1.5, 0.9, -0.2, 0.4, -1.4, 0.8, 0.3, -0.9, 1.1, 0.0, 0.6)))

# Fine-Gray by survival::finegray (the weighted counting-process data) and
# a weighted coxph with cluster-robust variance.  Data columns: time status
# cluster then the covariate matrix; cluster codes 0..k-1 (the robust
# variance groups rows by it; each row its own cluster when unclustered).
fgc_case <- function(name, time, status, X, cluster = seq_along(time)) {
  X <- as.matrix(X)
  cl <- match(cluster, sort(unique(cluster))) - 1L
  d <- data.frame(time = time, status = factor(status, 0:2, c("censor", "event", "compete")),
                  cl = cl, X)
  fg <- finegray(Surv(time, status) ~ ., data = d, etype = "event")
  f <- as.formula(paste("Surv(fgstart, fgstop, fgstatus) ~", paste(colnames(X), collapse = " + ")))
  fit <- coxph(f, data = fg, weights = fgwt, cluster = cl)
  write_data(name, cbind(data.frame(time = time, status = status, cluster = cl), as.data.frame(X)))
  s <- summary(fit)$coefficients
  write_ref(name, list(coef = data.frame(coef = coef(fit), se = s[, "se(coef)"],
                                         robust_se = s[, "robust se"], p = s[, ncol(s)]),
                       fit = c(n = length(time), nrow = nrow(fg), nevent = fit$nevent,
                               loglik0 = fit$loglik[1], loglik = fit$loglik[2],
                               wald = fit$wald.test, rscore = fit$rscore),
                       vcov = as.data.frame(unname(fit$var)),
                       naive_vcov = as.data.frame(unname(fit$naive.var))))
  invisible(fit)
}
fgc_case("fgc_mgus2", mtime, mstat, model.matrix(~ age + sex + mspike, m)[, -1])
# the same with clusters of three consecutive subjects (a grouping made up
# to exercise the clustered sandwich on real data)
fgc_case("fgc_mgus2_cl", mtime, mstat, model.matrix(~ age + sex + mspike, m)[, -1],
         cluster = (seq_along(mtime) - 1) %/% 3)
fgc_case("fgc_sim", tt, ss, cbind(x1 = x1, x2 = x2, x3 = x3))
fgc_case("fgc_small", c(1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 12, 12, 13, 14),
         c(1, 0, 2, 1, 0, 1, 2, 1, 0, 2, 1, 0, 1, 2, 1, 0, 1, 2, 0, 1),
         cbind(z = c(1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0),
               w = c(0.5, 1.2, -0.3, 2.0, 0.1, -1.1, 0.7, 0.2, -0.6, 1.5, 0.9, -0.2, 0.4, -1.4, 0.8, 0.3, -0.9, 1.1, 0.0, 0.6)),
         cluster = c(1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10))

## ---- propensity-score matching -------------------------------------------
# Data columns: treat (0/1) then the covariate matrix.  The propensity score
# is checked against glm; the matching against an independent R
# implementation of the documented greedy rule (MatchIt's own output is not
# used: Debian's MatchIt 4.5.1 has a nearest-neighbour/caliper bug, upstream
# issue 163).  Balance: SMD standardised by the treated group's SD before
# matching (sqrt(p(1-p)) for 0/1 covariates), as MatchIt's summary (ATT).
psm_case <- function(name, treat, X, caliper = NA, logit = FALSE) {
  X <- as.matrix(X)
  n <- length(treat)
  fit <- glm(treat ~ X, family = binomial)
  ps <- fitted(fit)
  d <- if (logit) fit$linear.predictors else ps
  tr <- which(treat == 1)
  tr <- tr[order(-d[tr], tr)]
  avail <- which(treat == 0)
  m <- rep(NA_integer_, n)
  width <- if (is.na(caliper)) Inf else caliper * sd(d)
  for (t in tr) {
    if (!length(avail)) break
    dd <- abs(d[t] - d[avail])
    k <- which.min(dd)
    if (dd[k] <= width) {
      m[t] <- avail[k]
      m[avail[k]] <- t
      avail <- avail[-k]
    }
  }
  matched <- !is.na(m)
  bal <- t(apply(X, 2, function(x) {
    bin <- all(x %in% c(0, 1))
    wv <- function(v) if (bin) mean(v) * (1 - mean(v)) else var(v)
    s <- sqrt(wv(x[treat == 1]))
    if (s < sqrt(.Machine$double.eps)) s <- sqrt(wv(x))
    mt <- mean(x[treat == 1]); mc <- mean(x[treat == 0])
    mtm <- mean(x[treat == 1 & matched]); mcm <- mean(x[treat == 0 & matched])
    c(mean_t = mt, mean_c = mc, smd = (mt - mc) / s, mean_t_m = mtm, mean_c_m = mcm, smd_m = (mtm - mcm) / s)
  }))
  write_data(name, cbind(data.frame(treat = treat), as.data.frame(X)))
  s <- summary(fit)$coefficients
  write_ref(name, list(coef = data.frame(coef = s[, 1], se = s[, 2]),
                       rows = data.frame(ps = ps, eta = fit$linear.predictors,
                                         match = ifelse(is.na(m), -1, m - 1)),
                       balance = as.data.frame(bal),
                       fit = c(logit = as.numeric(logit), caliper = caliper,
                               width = if (is.na(caliper)) NA else width,
                               n_t = sum(treat == 1), n_c = sum(treat == 0), pairs = sum(matched) / 2)))
}
colon4 <- na.omit(colon[colon$etype == 2, c("rx", "sex", "age", "obstruct", "nodes", "differ")])
colon4 <- colon4[colon4$rx != "Lev", ]
ctreat <- as.numeric(colon4$rx == "Lev+5FU")
cX <- model.matrix(~ age + sex + obstruct + nodes + differ, colon4)[, -1]
psm_case("psm_colon", ctreat, cX)
psm_case("psm_colon_caliper", ctreat, cX, caliper = 0.05)
psm_case("psm_colon_logit", ctreat, cX, caliper = 0.2, logit = TRUE)
lung4 <- na.omit(lung[, c("sex", "age", "ph.ecog", "wt.loss", "ph.karno")])
psm_case("psm_lung", as.numeric(lung4$sex == 2), lung4[, c("age", "ph.ecog", "wt.loss", "ph.karno")])
