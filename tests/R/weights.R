# weights.R: R's reference results for case weights and clustered
# variances in the km, cif and logistic plugins (survival::survfit with
# weights / id / cluster, glm with weights), on survival's lung, veteran,
# jasa1 and mgus2 data and datasets::infert.
# Run from the top of the source tree:  Rscript tests/R/weights.R
# Output: tests/ref/weights_*_data.txt (inputs) and tests/ref/weights_ref.txt
# (sections "[case.part]", a header line, rows; %.17g, NA missing), and
# tests/ref/logistic_*w_data.txt / _ref.txt in the format of regression.R.
suppressPackageStartupMessages(library(survival))
outdir <- "tests/ref"

fmt <- function(x) {
    x <- as.numeric(x)
    ifelse(is.na(x), "NA", ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"), sprintf("%.17g", x)))
}
lines_of <- function(df) {
    m <- sapply(df, fmt)
    if (!is.matrix(m)) m <- matrix(m, nrow = 1)
    c(paste(names(df), collapse = " "), apply(m, 1, paste, collapse = " "))
}
write_data <- function(df, file) writeLines(lines_of(df), file.path(outdir, file))
section <- function(name, df) c(paste0("[", name, "]"), lines_of(df))

# ---------------------------------------------------------------- data
# weights: wi whole numbers (survfit keeps the Greenwood variance), wr not
# (survfit's robust infinitesimal-jackknife variance)
lung_w <- data.frame(time = lung$time, status = as.integer(lung$status == 2), sex = lung$sex,
                     wi = ceiling(lung$age / 25), wr = round(lung$age / 60, 4))
vet_w <- data.frame(time = veteran$time, status = veteran$status,
                    celltype = as.integer(veteran$celltype), wr = round(veteran$karno / 50, 4))
jasa_w <- data.frame(id = jasa1$id, start = jasa1$start, time = jasa1$stop, status = jasa1$event,
                     transplant = jasa1$transplant, wi = 1 + jasa1$id %% 3)
# mgus2: progression (1) and death (2) compete; clusters are pairs of
# consecutive patients (a parity check of the grouped jackknife)
mg <- mgus2
etime <- with(mg, ifelse(pstat == 0, futime, ptime))
estat <- with(mg, ifelse(pstat == 0, 2 * death, 1))
mg_w <- data.frame(time = etime, status = estat, sex = as.integer(mg$sex == "M"),
                   wr = round(mg$age / 70, 4), cl = (mg$id + 1) %/% 2)
write_data(lung_w, "weights_lung_data.txt")
write_data(vet_w, "weights_veteran_data.txt")
write_data(jasa_w, "weights_jasa1_data.txt")
write_data(mg_w, "weights_mgus2_data.txt")

# ---------------------------------------------------------------- km
# survfit(Surv(time, status) ~ g, weights = w): the curves, quantiles,
# values at times and restricted means, as tests/R/survival.R's km cases
km_case <- function(name, d, g, w, ctype, probs, at, tau) {
    dd <- data.frame(d, grp = d[[g]], ww = d[[w]])
    fit <- if (is.null(d$start))
        survfit(Surv(time, status) ~ grp, data = dd, weights = ww, conf.type = ctype)
    else
        survfit(Surv(start, time, status) ~ grp, data = dd, weights = ww, conf.type = ctype)
    robust <- !fit$logse
    levs <- sort(unique(d[[g]]))
    curve <- NULL; quant <- NULL; atab <- NULL; summ <- NULL
    for (k in seq_along(levs)) {
        f <- fit[k]
        # std.err of log S: survfit's std.err itself (Greenwood), or the
        # robust std.err of S divided by S
        selog <- if (robust) ifelse(f$surv == 0, Inf, f$std.err / f$surv) else f$std.err
        se_s <- if (robust) f$std.err else ifelse(f$surv == 0, NA, f$std.err * f$surv)
        curve <- rbind(curve, data.frame(group = levs[k], time = f$time,
            n.risk = f$n.risk, n.event = f$n.event, n.censor = f$n.censor,
            surv = f$surv, std.err = se_s, selog = selog,
            lower = f$lower, upper = f$upper, cumhaz = f$cumhaz, std.chaz = f$std.chaz))
        q <- quantile(f, probs)
        quant <- rbind(quant, data.frame(group = levs[k], prob = probs,
            quantile = as.vector(q$quantile), lower = as.vector(q$lower),
            upper = as.vector(q$upper)))
        s <- summary(f, times = at, extend = TRUE)
        beyond <- s$time > max(f$time)
        na_if <- function(x) ifelse(beyond, NA, x)
        atab <- rbind(atab, data.frame(group = levs[k], time = s$time,
            n.risk = s$n.risk, n.event = cumsum(s$n.event), surv = na_if(s$surv),
            std.err = na_if(s$std.err), lower = na_if(s$lower), upper = na_if(s$upper),
            cumhaz = na_if(s$cumhaz), std.chaz = na_if(s$std.chaz)))
        tab <- summary(f, rmean = tau)$table
        summ <- rbind(summ, data.frame(group = levs[k], n = tab[["records"]],
            events = tab[["events"]], rmean = tab[["rmean"]], se_rmean = tab[["se(rmean)"]]))
    }
    c(section(paste0(name, ".params"), data.frame(conf_level = 0.95, tau = tau, robust = robust)),
      section(paste0(name, ".curve"), curve), section(paste0(name, ".quantile"), quant),
      section(paste0(name, ".at"), atab), section(paste0(name, ".summary"), summ))
}
probs <- c(0.1, 0.25, 0.5, 0.75)
lung_at <- c(0, 5, 100, 183, 365.25, 730.5, 1100)
ref <- c(
    km_case("km_lung_wi", lung_w, "sex", "wi", "log", probs, lung_at, 730.5),
    km_case("km_lung_wr", lung_w, "sex", "wr", "log", probs, lung_at, 730.5),
    km_case("km_lung_wr_loglog", lung_w, "sex", "wr", "log-log", probs, lung_at, 365),
    km_case("km_veteran_wr", vet_w, "celltype", "wr", "log", probs, c(10, 30, 90, 180, 365), 200),
    km_case("km_jasa1_wi", jasa_w, "transplant", "wi", "log", probs, c(1, 30, 100, 365, 1000), 365))

# ---------------------------------------------------------------- cif
# survfit(Surv(time, factor(status)) ~ 1, weights =, id = row) per group:
# the Aalen-Johansen estimate of each cause and its robust
# (infinitesimal-jackknife) variance at the steps and at given times.
# Clustered: survival 3.5.3's multi-state survfit computes the cluster
# argument and then ignores it (survfitCI passes id, not cluster, to
# docurve2), and id = cluster is refused for one row per subject; the
# clustered variance is therefore taken from its definition, the weighted
# influence matrix (influence = TRUE: per unit of weight) summed within
# clusters: colSums(rowsum(weights * influence.pstate[, , state], cluster)^2)
# (without clusters this is survfit's std.err^2).
# n.risk and n.event of multi-state survfit are counts of rows, not sums
# of weights.
cif_case <- function(name, d, g, w, cl, at) {
    causes <- sort(unique(d$status[d$status != 0]))
    levs <- sort(unique(d[[g]]))
    curve <- NULL; atab <- NULL
    for (k in seq_along(levs)) {
        dg <- d[d[[g]] == levs[k], ]
        dg$ww <- if (is.null(w)) 1 else dg[[w]]
        dg$row <- seq_len(nrow(dg))
        sf <- survfit(Surv(time, factor(status, levels = c(0, causes))) ~ 1, data = dg,
                      weights = ww, id = row, influence = TRUE)
        for (c in causes) {
            col <- match(c, causes) + 1
            # influence.pstate: rows x (time 0, then sf$time) x states
            var <- if (is.null(cl)) sf$std.err[, col]^2
                   else colSums(rowsum(dg$ww * sf$influence.pstate[, -1, col], dg[[cl]])^2)
            step <- c(TRUE, diff(sf$pstate[, col]) != 0) & sf$n.event[, col] > 0
            curve <- rbind(curve, data.frame(group = levs[k], cause = c, time = sf$time[step],
                est = sf$pstate[step, col], var = var[step],
                nrisk = sf$n.risk[step, 1], nevent = sf$n.event[step, col]))
            # at given times: the last step at or before each time
            j <- findInterval(at, sf$time)
            beyond <- at > max(dg$time)
            atab <- rbind(atab, data.frame(group = levs[k], cause = c, time = at,
                est = ifelse(beyond, NA, ifelse(j == 0, 0, sf$pstate[pmax(j, 1), col])),
                var = ifelse(beyond, NA, ifelse(j == 0, 0, var[pmax(j, 1)]))))
        }
    }
    c(section(paste0(name, ".curve"), curve), section(paste0(name, ".at"), atab))
}
mg_at <- c(0, 12, 60, 120, 240, 500)
ref <- c(ref,
    cif_case("cif_mgus2_wr", mg_w, "sex", "wr", NULL, mg_at),
    cif_case("cif_mgus2_cl", mg_w, "sex", NULL, "cl", mg_at),
    cif_case("cif_mgus2_wr_cl", mg_w, "sex", "wr", "cl", mg_at))
writeLines(c(paste("# case weights and clusters - written by tests/R/weights.R with survival",
                   packageVersion("survival")), ref), file.path(outdir, "weights_ref.txt"))

# ---------------------------------------------------------------- logistic
# glm(family = binomial, weights = w): data columns y, the model matrix
# without the intercept, then w (the last column)
logit_case <- function(name, formula, data, w) {
    data$w__ <- w
    fit <- suppressWarnings(glm(formula, family = binomial, data = data, weights = w__,
                                x = TRUE, y = TRUE))
    X <- fit$x[, -1, drop = FALSE]
    write_data(cbind(data.frame(y = fit$y), as.data.frame(X), w = fit$prior.weights),
               paste0(name, "_data.txt"))
    s <- summary(fit)$coefficients
    ci <- exp(confint.default(fit))
    writeLines(c(
        paste("# glm(binomial, weights) - written by tests/R/weights.R with R", getRversion()),
        section("coef", data.frame(coef = s[, 1], se = s[, 2], z = s[, 3], p = s[, 4],
                                   or = exp(s[, 1]), or_lo = ci[, 1], or_hi = ci[, 2])),
        section("fit", data.frame(n = length(fit$y), iter = fit$iter, deviance = fit$deviance,
                                  null_deviance = fit$null.deviance, aic = fit$aic,
                                  df_residual = fit$df.residual, df_null = fit$df.null,
                                  loglik = as.numeric(logLik(fit)))),
        section("vcov", as.data.frame(unname(vcov(fit))))),
        file.path(outdir, paste0(name, "_ref.txt")))
}
lung3 <- na.omit(lung[, c("status", "age", "sex", "ph.ecog", "ph.karno", "wt.loss", "inst")])
lung3$dead <- as.numeric(lung3$status == 2)
logit_case("logistic_lung_wi", dead ~ age + sex + ph.ecog + ph.karno + wt.loss, lung3,
           1 + lung3$inst %% 4)
logit_case("logistic_infert_wr", case ~ age + parity + induced + spontaneous, infert,
           round(infert$age / 30, 4))
