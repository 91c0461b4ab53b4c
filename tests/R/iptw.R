# iptw.R: R's reference results for inverse probability of treatment
# weighting (the iptw plugin, plugins/iptw/ipw.h): the propensity score of
# glm(treat ~ covariates, family = binomial), the weights by their
# documented formulas (ATE: 1/ps, 1/(1 - ps); ATT: 1, ps/(1 - ps);
# stabilised: times the share of the unit's group), the standardised mean
# differences before and after weighting (weighted means; denominator the
# unweighted pooled SD sqrt((s_t^2 + s_c^2)/2) for the ATE, the treated's SD
# for the ATT, as cobalt's defaults; p(1 - p) for 0/1 covariates), Kish's
# effective sample size, and the weighted models an analysis then fits:
# coxph(Surv(time, status) ~ treat, weights = w, robust = TRUE) and
# survfit(Surv(time, status) ~ treat, weights = w) (robust standard errors,
# as survfit with weights that are not whole numbers).
# Run from the top of the source tree:  Rscript tests/R/iptw.R
# Output: tests/ref/iptw_NAME_data.txt (treat, time, status, covariates)
# and tests/ref/iptw_NAME_ref.txt (sections, %.17g, NA missing).
suppressPackageStartupMessages(library(survival))
outdir <- "tests/ref"
source("tests/R/refio.R")

weights_of <- function(treat, ps, estimand, stabilized) {
    p <- mean(treat)
    w <- if (estimand == "ATE") ifelse(treat == 1, 1 / ps, 1 / (1 - ps))
         else ifelse(treat == 1, 1, ps / (1 - ps))
    if (stabilized) w <- w * ifelse(treat == 1, p, 1 - p)
    w
}

balance_of <- function(X, treat, w, estimand) {
    t(apply(X, 2, function(x) {
        bin <- all(x %in% c(0, 1))
        v <- function(u) if (bin) mean(u) * (1 - mean(u)) else var(u)
        s <- if (estimand == "ATT") sqrt(v(x[treat == 1]))
             else sqrt((v(x[treat == 1]) + v(x[treat == 0])) / 2)
        mt <- mean(x[treat == 1]); mc <- mean(x[treat == 0])
        wt <- weighted.mean(x[treat == 1], w[treat == 1])
        wc <- weighted.mean(x[treat == 0], w[treat == 0])
        c(mean_t = mt, mean_c = mc, smd = (mt - mc) / s, wmean_t = wt, wmean_c = wc,
          wsmd = (wt - wc) / s, sd = s)
    }))
}

iptw_case <- function(name, treat, time, status, X, at) {
    X <- as.matrix(X)
    fit <- glm(treat ~ X, family = binomial)
    ps <- fitted(fit)
    out <- section("coef", data.frame(coef = coef(fit), se = summary(fit)$coefficients[, 2]))
    rows <- data.frame(ps = ps)
    variants <- list(c("ATE", FALSE), c("ATE", TRUE), c("ATT", FALSE), c("ATT", TRUE))
    for (v in variants) {
        est <- v[1]; stab <- as.logical(v[2])
        tag <- paste0(tolower(est), if (stab) "_s" else "")
        w <- weights_of(treat, ps, est, stab)
        rows[[paste0("w_", tag)]] <- w
        out <- c(out, section(paste0("balance_", tag), as.data.frame(balance_of(X, treat, w, est))))
        summ <- do.call(rbind, lapply(c(1, 0), function(g) {
            u <- w[treat == g]
            data.frame(group = g, n = length(u), sum = sum(u), mean = mean(u), min = min(u),
                       max = max(u), ess = sum(u)^2 / sum(u^2))
        }))
        out <- c(out, section(paste0("summary_", tag), summ))
        d <- data.frame(time = time, status = status, treat = treat, w = w)
        cf <- coxph(Surv(time, status) ~ treat, data = d, weights = w, robust = TRUE)
        out <- c(out, section(paste0("cox_", tag),
                              data.frame(coef = coef(cf), se = sqrt(diag(vcov(cf))),
                                         naive_se = sqrt(diag(cf$naive.var)), loglik = cf$loglik[2])))
        sf <- survfit(Surv(time, status) ~ treat, data = d, weights = w)
        s <- summary(sf, times = at, extend = TRUE)
        out <- c(out, section(paste0("km_", tag),
                              data.frame(group = ifelse(grepl("=1", as.character(s$strata)), 1, 0),
                                         time = s$time, surv = s$surv, std_err = s$std.err)))
    }
    out <- c(section("rows", rows), out)
    writeLines(lines_of(cbind(data.frame(treat = treat, time = time, status = status), as.data.frame(X))),
               file.path(outdir, paste0("iptw_", name, "_data.txt")))
    writeLines(out, file.path(outdir, paste0("iptw_", name, "_ref.txt")))
}

# lung: women against men, on age, ECOG, weight loss and Karnofsky score
lung4 <- na.omit(lung[, c("time", "status", "sex", "age", "ph.ecog", "wt.loss", "ph.karno")])
iptw_case("lung", as.numeric(lung4$sex == 2), lung4$time, as.numeric(lung4$status == 2),
          lung4[, c("age", "ph.ecog", "wt.loss", "ph.karno")], c(180, 365, 730))
# colon (recurrence): Lev+5FU against observation, with 0/1 covariates
colon4 <- na.omit(colon[colon$etype == 1 & colon$rx != "Lev",
                        c("time", "status", "rx", "sex", "age", "obstruct", "nodes", "differ")])
cX <- model.matrix(~ age + sex + obstruct + nodes + factor(differ), colon4)[, -1]
colnames(cX) <- c("age", "sex", "obstruct", "nodes", "differ2", "differ3")
iptw_case("colon", as.numeric(colon4$rx == "Lev+5FU"), colon4$time, colon4$status, cX, c(365, 1095, 1825))
