# matching.R: an independent plain-R implementation of psm's documented
# matching rule (doc/cohort-rules.5, plugins/psm/match.h), the reference of
# tests/unit/test_psm.c for k:1 matching, with and without replacement,
# with a caliper.  MatchIt itself is not used: Debian's MatchIt 4.5.1 has a
# nearest-neighbour/caliper bug (upstream issue 163).
#   order: treated units by descending distance, ties by row;
#   nearest control: smallest |d_t - d_c|, ties by the lower row;
#   caliper: a control is eligible when |d_t - d_c| <= caliper x sd(d) (sd
#     over all units);
#   without replacement, k rounds: in round r each treated unit that found
#     a control in every earlier round takes the nearest control not yet
#     taken (none within the caliper: it gets no more);
#   with replacement: each treated unit takes its k nearest controls within
#     the caliper;
#   match weights (MatchIt's, for the ATT): matched treated 1; a control the
#     sum over its treated units of 1 / (their number of controls), then
#     the controls' weights scaled to sum to the number of distinct matched
#     controls;
#   balance: SMD as MatchIt's summary for the ATT, means after matching
#     weighted by the match weights, the treated's SD before matching
#     (sqrt(p (1 - p)) for 0/1 covariates) as denominator.
# The propensity score is glm's, as tests/R/regression.R checks.
# Run from the top of the source tree:  Rscript tests/R/matching.R
# Output: tests/ref/psmk_NAME_data.txt (treat then covariates) and
# tests/ref/psmk_NAME_ref.txt ([fit], [pairs], [weights], [balance]).
suppressPackageStartupMessages(library(survival))
outdir <- "tests/ref"
source("tests/R/refio.R")

match_rule <- function(treat, d, ratio, replace, caliper) {
    width <- if (is.na(caliper)) Inf else caliper * sd(d)
    tr <- which(treat == 1)
    tr <- tr[order(-d[tr], tr)]
    ctl <- which(treat == 0)
    pairs <- NULL
    nearest <- function(t, pool) {
        dd <- abs(d[t] - d[pool])
        pool[order(dd, pool)]
    }
    if (replace) {
        for (t in tr) {
            cand <- nearest(t, ctl)
            cand <- cand[abs(d[t] - d[cand]) <= width]
            cand <- head(cand, ratio)
            if (length(cand))
                pairs <- rbind(pairs, data.frame(t = t, c = cand, dist = abs(d[t] - d[cand]),
                                                 round = seq_along(cand)))
        }
    } else {
        avail <- ctl
        eligible <- rep(TRUE, length(tr))
        for (r in seq_len(ratio)) {
            for (a in seq_along(tr)) {
                if (!eligible[a]) next
                if (!length(avail)) break
                t <- tr[a]
                c1 <- nearest(t, avail)[1]
                if (abs(d[t] - d[c1]) > width) { eligible[a] <- FALSE; next }
                pairs <- rbind(pairs, data.frame(t = t, c = c1, dist = abs(d[t] - d[c1]), round = r))
                avail <- avail[avail != c1]
            }
            if (!length(avail)) break
        }
    }
    pairs$order <- seq_len(nrow(pairs))
    w <- rep(0, length(treat))
    k <- table(pairs$t)
    w[as.integer(names(k))] <- 1
    for (i in seq_len(nrow(pairs))) w[pairs$c[i]] <- w[pairs$c[i]] + 1 / k[[as.character(pairs$t[i])]]
    cm <- treat == 0 & w > 0
    w[cm] <- w[cm] * sum(cm) / sum(w[cm])
    list(pairs = pairs, w = w, width = if (is.finite(width)) width else NA)
}

psmk_case <- function(name, treat, X, ratio, replace, caliper = NA, logit = FALSE) {
    X <- as.matrix(X)
    fit <- glm(treat ~ X, family = binomial)
    d <- if (logit) fit$linear.predictors else fitted(fit)
    m <- match_rule(treat, d, ratio, replace, caliper)
    w <- m$w
    bal <- t(apply(X, 2, function(x) {
        bin <- all(x %in% c(0, 1))
        wv <- function(v) if (bin) mean(v) * (1 - mean(v)) else var(v)
        s <- sqrt(wv(x[treat == 1]))
        if (s < sqrt(.Machine$double.eps)) s <- sqrt(wv(x))
        mt <- mean(x[treat == 1]); mc <- mean(x[treat == 0])
        mtm <- weighted.mean(x[treat == 1], w[treat == 1]); mcm <- weighted.mean(x[treat == 0], w[treat == 0])
        c(mean_t = mt, mean_c = mc, smd = (mt - mc) / s, mean_t_m = mtm, mean_c_m = mcm,
          smd_m = (mtm - mcm) / s)
    }))
    p <- m$pairs
    p$t <- p$t - 1
    p$c <- p$c - 1
    writeLines(lines_of(cbind(data.frame(treat = treat), as.data.frame(X))),
               file.path(outdir, paste0("psmk_", name, "_data.txt")))
    writeLines(c(section("fit", data.frame(logit = as.numeric(logit), ratio = ratio,
                                           replace = as.numeric(replace), caliper = caliper,
                                           width = m$width, npairs = nrow(p))),
                 section("pairs", p), section("weights", data.frame(w = w)),
                 section("balance", as.data.frame(bal))),
               file.path(outdir, paste0("psmk_", name, "_ref.txt")))
}

colon4 <- na.omit(colon[colon$etype == 2, c("rx", "sex", "age", "obstruct", "nodes", "differ")])
colon4 <- colon4[colon4$rx != "Lev", ]
ctreat <- as.numeric(colon4$rx == "Lev+5FU")
cX <- model.matrix(~ age + sex + obstruct + nodes + differ, colon4)[, -1]
psmk_case("colon_k2", ctreat, cX, 2, FALSE)
psmk_case("colon_k3_caliper", ctreat, cX, 3, FALSE, caliper = 0.01)
psmk_case("colon_replace", ctreat, cX, 1, TRUE)
# (on the logit, a linear predictor in whole-number covariates gives exact
# ties in distance on either side of a treated unit, which rounding in the
# last bits of the fit breaks one way or the other: the score itself does
# not have them)
psmk_case("colon_k2_replace_caliper", ctreat, cX, 2, TRUE, caliper = 0.1)
psmk_case("colon_k2_logit", ctreat, cX, 2, FALSE, logit = TRUE)
lung4 <- na.omit(lung[, c("sex", "age", "ph.ecog", "wt.loss", "ph.karno")])
psmk_case("lung_k2", as.numeric(lung4$sex == 2), lung4[, c("age", "ph.ecog", "wt.loss", "ph.karno")], 2, FALSE)
psmk_case("lung_k3_replace_caliper", as.numeric(lung4$sex == 2),
          lung4[, c("age", "ph.ecog", "wt.loss", "ph.karno")], 3, TRUE, caliper = 0.05)
