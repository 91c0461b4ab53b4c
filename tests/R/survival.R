# survival.R: writes the input data and R's reference results for the km,
# logrank and cif plugins (survival::survfit/survdiff, cmprsk::cuminc).
# Run from the top of the source tree:  Rscript tests/R/survival.R
# Output: tests/ref/km_*_data.txt, tests/ref/cif_*_data.txt (inputs) and
# tests/ref/km_ref.txt, tests/ref/logrank_ref.txt, tests/ref/cif_ref.txt.
#
# Reference files are sections: a line "[name]", a header line of column
# names, then rows; numbers at 17 significant digits, NA for missing.
suppressPackageStartupMessages({
    library(survival)
    library(cmprsk)
})

outdir <- "tests/ref"
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)

fmt <- function(x) {
    x <- as.numeric(x)
    ifelse(is.na(x), "NA",
           ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"),
                  sprintf("%.17g", x)))
}

write_data <- function(df, file) {
    con <- file(file.path(outdir, file), "w")
    writeLines(paste(names(df), collapse = " "), con)
    m <- sapply(df, fmt)
    if (!is.matrix(m)) m <- matrix(m, nrow = 1)
    writeLines(apply(m, 1, paste, collapse = " "), con)
    close(con)
}

# sections accumulate in a character vector per reference file
section <- function(name, df) {
    m <- sapply(df, fmt)
    if (!is.matrix(m)) m <- matrix(m, nrow = 1)
    c(paste0("[", name, "]"), paste(names(df), collapse = " "),
      apply(m, 1, paste, collapse = " "))
}

write_ref <- function(lines, file, what) {
    writeLines(c(paste("#", what, "- written by tests/R/survival.R with survival",
                       packageVersion("survival"), "and cmprsk",
                       packageVersion("cmprsk")), lines),
               file.path(outdir, file))
}

# ---------------------------------------------------------------- data
lung_d <- data.frame(time = lung$time, status = as.integer(lung$status == 2),
                     sex = lung$sex, ecog = lung$ph.ecog)
vet_d <- data.frame(time = veteran$time, status = veteran$status,
                    trt = veteran$trt, celltype = as.integer(veteran$celltype))
ova_d <- data.frame(time = ovarian$futime, status = ovarian$fustat,
                    rx = ovarian$rx, resid = ovarian$resid.ds)
# Hand-made curves for the quantile rules: group 1 sits exactly at 0.5
# between t = 3 and t = 6 (median = midpoint 4.5); group 2 ends exactly at
# 0.5 after t = 4 with censored follow-up to 9 (median = (4 + 9) / 2);
# group 3 never reaches 0.5; group 4 has ties of events and censorings at
# the same times and a last event that takes the curve to 0; in group 5
# the upper log limit rises again at the end (0.4552 at t = 24, 0.4564 at
# t = 30), so R's quantile search (smallest 1 - upper >= p, not the first
# crossing) gives an upper median limit of 30.
mid_d <- data.frame(
    time = c(1, 2, 3, 5, 6, 7,   2, 4, 8, 9,   1, 2, 3, 4, 5,
             2, 2, 2, 3, 3, 5, 5, 5, 7, 8,
             1, 1, 1, 1, 2, 5, 6, 8, 9, 10, 11, 13, 15, 17, 17, 19, 24, 24,
             28, 30, 30),
    status = c(1, 1, 1, 0, 1, 0,   1, 1, 0, 0,   1, 0, 0, 0, 0,
               1, 1, 0, 1, 0, 1, 0, 0, 1, 1,
               1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0),
    group = c(rep(1, 6), rep(2, 4), rep(3, 5), rep(4, 10), rep(5, 21)))
write_data(lung_d, "km_lung_data.txt")
write_data(vet_d, "km_veteran_data.txt")
write_data(ova_d, "km_ovarian_data.txt")
# counting-process data: Stanford heart transplant, (start, stop] rows with
# transplant as a time-varying group (a Simon-Makuch type comparison)
jasa_d <- data.frame(id = jasa1$id, start = jasa1$start, time = jasa1$stop,
                     status = jasa1$event, transplant = jasa1$transplant)
write_data(mid_d, "km_mid_data.txt")
write_data(jasa_d, "km_jasa1_data.txt")

# ---------------------------------------------------------------- km
# One case: data, group column, conf type and level, probs, at times, tau.
km_case <- function(name, d, g, ctype, level, probs, at, tau) {
    dd <- data.frame(d, grp = d[[g]])
    fit <- if (is.null(d$start))
        survfit(Surv(time, status) ~ grp, data = dd, conf.type = ctype, conf.int = level)
    else
        survfit(Surv(start, time, status) ~ grp, data = dd, conf.type = ctype,
                conf.int = level)
    levs <- sort(unique(d[[g]]))
    out <- section(paste0(name, ".params"),
                   data.frame(conf_level = level, tau = tau))
    curve <- NULL; quant <- NULL; atab <- NULL; summ <- NULL
    for (k in seq_along(levs)) {
        f <- fit[k]
        se_s <- ifelse(f$surv == 0, NA, f$std.err * f$surv)
        lo <- if (ctype == "none") rep(NA, length(f$time)) else f$lower
        up <- if (ctype == "none") rep(NA, length(f$time)) else f$upper
        curve <- rbind(curve, data.frame(group = levs[k], time = f$time,
            n.risk = f$n.risk, n.event = f$n.event, n.censor = f$n.censor,
            surv = f$surv, std.err = se_s, selog = f$std.err,
            lower = lo, upper = up, cumhaz = f$cumhaz, std.chaz = f$std.chaz))
        if (ctype != "none") {
            q <- quantile(f, probs)
            quant <- rbind(quant, data.frame(group = levs[k], prob = probs,
                quantile = as.vector(q$quantile), lower = as.vector(q$lower),
                upper = as.vector(q$upper)))
        } else {
            q <- quantile(f, probs, conf.int = FALSE)
            quant <- rbind(quant, data.frame(group = levs[k], prob = probs,
                quantile = as.vector(q), lower = NA, upper = NA))
        }
        s <- summary(f, times = at, extend = TRUE)
        beyond <- s$time > max(f$time)
        na_if <- function(x) ifelse(beyond, NA, x)
        atab <- rbind(atab, data.frame(group = levs[k], time = s$time,
            n.risk = s$n.risk, n.event = cumsum(s$n.event),
            surv = na_if(s$surv),
            std.err = na_if(ifelse(s$surv == 0, NA, s$std.err)),
            lower = na_if(if (ctype == "none") NA else s$lower),
            upper = na_if(if (ctype == "none") NA else s$upper),
            cumhaz = na_if(s$cumhaz), std.chaz = na_if(s$std.chaz)))
        tab <- summary(f, rmean = tau)$table
        summ <- rbind(summ, data.frame(group = levs[k], n = tab[["records"]],
            events = tab[["events"]], rmean = tab[["rmean"]],
            se_rmean = tab[["se(rmean)"]]))
    }
    c(out, section(paste0(name, ".curve"), curve),
      section(paste0(name, ".quantile"), quant),
      section(paste0(name, ".at"), atab),
      section(paste0(name, ".summary"), summ))
}

probs <- c(0.1, 0.25, 0.5, 0.75)
km <- c(
    km_case("lung_log", lung_d, "sex", "log", 0.95, probs,
            c(0, 5, 100, 183, 365.25, 730.5, 1100), 730.5),
    km_case("lung_loglog", lung_d, "sex", "log-log", 0.90, probs,
            c(0, 5, 100, 183, 365.25, 730.5, 1100), 365),
    km_case("lung_plain", lung_d, "sex", "plain", 0.95, probs,
            c(0, 5, 100, 183, 365.25, 730.5, 1100), 1000),
    km_case("lung_ecog", lung_d[!is.na(lung_d$ecog), ], "ecog", "log", 0.95,
            probs, c(30, 180, 365), 500),
    km_case("veteran_loglog", vet_d, "celltype", "log-log", 0.95, probs,
            c(10, 30, 90, 180, 365, 1000), 200),
    km_case("ovarian_log", ova_d, "rx", "log", 0.95, probs,
            c(100, 365, 730, 1500), 1000),
    km_case("mid_log", mid_d, "group", "log", 0.95, c(0.25, 0.5, 0.75),
            c(0.5, 1, 2.5, 3, 4, 6, 7, 9, 10), 6),
    km_case("mid_loglog", mid_d, "group", "log-log", 0.8, c(0.25, 0.5, 0.75),
            c(0.5, 1, 2.5, 3, 4, 6, 7, 9, 10), 6),
    km_case("mid_plain", mid_d, "group", "plain", 0.95, c(0.25, 0.5, 0.75),
            c(0.5, 1, 2.5, 3, 4, 6, 7, 9, 10), 6),
    km_case("mid_none", mid_d, "group", "none", 0.95, c(0.25, 0.5, 0.75),
            c(0.5, 1, 2.5, 3, 4, 6, 7, 9, 10), 6),
    km_case("jasa1_log", jasa_d, "transplant", "log", 0.95, probs,
            c(0.25, 1, 30, 100, 365, 1000, 2000), 365),
    km_case("jasa1_loglog", jasa_d, "transplant", "log-log", 0.95, probs,
            c(0.25, 1, 30, 100, 365, 1000, 2000), 1000),
    # survfit's logit and arcsin intervals
    km_case("lung_logit", lung_d, "sex", "logit", 0.95, probs,
            c(0, 5, 100, 183, 365.25, 730.5, 1100), 730.5),
    km_case("veteran_arcsin", vet_d, "celltype", "arcsin", 0.9, probs,
            c(10, 30, 90, 180, 365, 1000), 200),
    km_case("mid_logit", mid_d, "group", "logit", 0.95, c(0.25, 0.5, 0.75),
            c(0.5, 1, 2.5, 3, 4, 6, 7, 9, 10), 6),
    km_case("mid_arcsin", mid_d, "group", "arcsin", 0.95, c(0.25, 0.5, 0.75),
            c(0.5, 1, 2.5, 3, 4, 6, 7, 9, 10), 6),
    km_case("jasa1_arcsin", jasa_d, "transplant", "arcsin", 0.95, probs,
            c(0.25, 1, 30, 100, 365, 1000, 2000), 365))
write_ref(km, "km_ref.txt", "Kaplan-Meier references")

# ---------------------------------------------------------------- follow-up
# Reverse Kaplan-Meier median follow-up (censoring as the event, the same
# conf.type), person-time, and crude rates per 100 person-years with
# poisson.test's exact interval.
fu_case <- function(name, d, g, ctype, level) {
    dd <- data.frame(d, grp = d[[g]])
    fit <- survfit(Surv(time, status == 0) ~ grp, data = dd, conf.type = ctype, conf.int = level)
    levs <- sort(unique(d[[g]]))
    rows <- NULL
    for (k in seq_along(levs)) {
        q <- quantile(fit[k], 0.5)
        x <- dd[dd$grp == levs[k], ]
        pt <- sum(x$time) / (100 * 365.25)
        ev <- sum(x$status == 1)
        pois <- poisson.test(ev, pt, conf.level = level)
        rows <- rbind(rows, data.frame(group = levs[k], n = nrow(x), events = ev,
            person_time = sum(x$time), median = unname(q$quantile), lower = unname(q$lower),
            upper = unname(q$upper), rate = unname(pois$estimate),
            rate_lower = pois$conf.int[1], rate_upper = pois$conf.int[2]))
    }
    c(section(paste0(name, ".params"), data.frame(conf_level = level)),
      section(paste0(name, ".followup"), rows))
}
fu <- c(fu_case("lung_log", lung_d, "sex", "log", 0.95),
        fu_case("veteran_loglog", vet_d, "celltype", "log-log", 0.9),
        fu_case("ovarian_log", ova_d, "rx", "log", 0.95),
        fu_case("mid_plain", mid_d, "group", "plain", 0.95))
write_ref(fu, "followup_ref.txt", "Follow-up references")

# ---------------------------------------------------------------- logrank
lr_case <- function(name, d, g, strat, rho) {
    dd <- data.frame(d, grp = d[[g]])
    if (is.null(strat)) {
        sd <- survdiff(Surv(time, status) ~ grp, data = dd, rho = rho)
    } else {
        dd$st <- d[[strat]]
        sd <- survdiff(Surv(time, status) ~ grp + strata(st), data = dd, rho = rho)
    }
    obs <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
    ex <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
    df <- sum(ex > 0) - 1
    levs <- sort(unique(d[[g]]))
    v <- as.matrix(sd$var)
    colnames(v) <- paste0("v", seq_along(levs))
    c(section(paste0(name, ".groups"),
              data.frame(group = levs, n = as.vector(sd$n), obs = obs, exp = ex,
                         oe2e = (obs - ex)^2 / ex, oe2v = (obs - ex)^2 / diag(v))),
      section(paste0(name, ".var"), as.data.frame(v)),
      section(paste0(name, ".test"),
              data.frame(rho = rho, chisq = sd$chisq, df = df,
                         p = pchisq(sd$chisq, df, lower.tail = FALSE))))
}
lr <- c(
    lr_case("lung_rho0", lung_d, "sex", NULL, 0),
    lr_case("lung_rho1", lung_d, "sex", NULL, 1),
    lr_case("lung_ecog", lung_d[!is.na(lung_d$ecog), ], "ecog", NULL, 0),
    lr_case("veteran_cell", vet_d, "celltype", NULL, 0),
    lr_case("veteran_trt_strata", vet_d, "trt", "celltype", 0),
    lr_case("veteran_trt_strata_rho1", vet_d, "trt", "celltype", 1),
    lr_case("ovarian_rx_strata", ova_d, "rx", "resid", 0.5),
    lr_case("mid_rho0", mid_d, "group", NULL, 0))
write_ref(lr, "logrank_ref.txt", "log-rank (survdiff) references")

# ---------------------------------------------------------------- cif
mg <- data.frame(time = ifelse(mgus2$pstat == 0, mgus2$futime, mgus2$ptime),
                 status = ifelse(mgus2$pstat == 0, 2 * mgus2$death, 1),
                 sex = as.integer(mgus2$sex == "M"),
                 old = as.integer(mgus2$age >= 70))
write_data(mg, "cif_mgus2_data.txt")

# simulated: 3 groups, 3 causes, coarse times (many ties), 2 strata
set.seed(20240611)
n <- 300
g <- sample(1:3, n, replace = TRUE)
st <- sample(1:2, n, replace = TRUE)
t1 <- rexp(n, 0.05 * c(1, 1.6, 0.7)[g])
t2 <- rexp(n, 0.04 * c(1, 0.8, 1.3)[st])
t3 <- rexp(n, 0.01)
tc <- runif(n, 5, 60)
tt <- pmin(t1, t2, t3, tc)
cause <- ifelse(tt == tc, 0, ifelse(tt == t1, 1, ifelse(tt == t2, 2, 3)))
sim <- data.frame(time = ceiling(tt), status = cause, group = g, stratum = st)
write_data(sim, "cif_sim_data.txt")

cif_case <- function(name, d, g, strat, rho, at, level) {
    if (is.null(strat)) ci <- cuminc(d$time, d$status, d[[g]], rho = rho)
    else ci <- cuminc(d$time, d$status, d[[g]], d[[strat]], rho = rho)
    levs <- sort(unique(d[[g]]))
    causes <- sort(unique(d$status[d$status != 0]))
    curve <- NULL; atab <- NULL; tmax <- NULL
    z <- qnorm(1 - (1 - level) / 2)
    tp <- timepoints(ci, at)
    for (c in causes) for (k in seq_along(levs)) {
        w <- ci[[paste(levs[k], c)]]
        nx <- length(w$time)
        i <- if (nx > 2) seq(3, nx - 1, by = 2) else integer(0)
        # survfit's Aalen-Johansen estimate of the same group: its
        # infinitesimal-jackknife variance at the same steps
        dg <- d[d[[g]] == levs[k], ]
        # and its limits on survfit's default scale (conf.type = "log")
        sf <- survfit(Surv(time, factor(status, levels = c(0, causes))) ~ 1, data = dg,
                      conf.int = level)
        col <- match(c, causes) + 1
        if (length(i)) {
            at_sf <- match(w$time[i], sf$time)
            curve <- rbind(curve, data.frame(group = levs[k], cause = c,
                time = w$time[i], est = w$est[i], var = w$var[i],
                var_ij = sf$std.err[at_sf, col]^2,
                lower_log = sf$lower[at_sf, col], upper_log = sf$upper[at_sf, col]))
        }
        tmax <- rbind(tmax, data.frame(group = levs[k], cause = c,
                                       tmax = w$time[nx]))
        e <- tp$est[paste(levs[k], c), ]
        v <- tp$var[paste(levs[k], c), ]
        # log(-log) interval of tidycmprsk / Pintilie:
        # est^exp(+-z * se / (est * log(est))), undefined at 0 and 1
        ok <- !is.na(e) & e > 0 & e < 1
        se <- sqrt(v)
        lo <- ifelse(ok, e^exp(-z * se / (e * log(e))), NA)
        up <- ifelse(ok, e^exp(z * se / (e * log(e))), NA)
        atab <- rbind(atab, data.frame(group = levs[k], cause = c,
            time = as.numeric(colnames(tp$est)), est = e, var = v,
            lower = lo, upper = up))
    }
    out <- c(section(paste0(name, ".params"),
                     data.frame(rho = rho, conf_level = level)),
             section(paste0(name, ".curve"), curve),
             section(paste0(name, ".tmax"), tmax),
             section(paste0(name, ".at"), atab))
    if (!is.null(ci$Tests)) {
        tt <- ci$Tests
        out <- c(out, section(paste0(name, ".gray"),
            data.frame(cause = as.numeric(rownames(tt)), stat = tt[, "stat"],
                       df = tt[, "df"],
                       p = pchisq(tt[, "stat"], tt[, "df"], lower.tail = FALSE))))
    }
    out
}
cif <- c(
    cif_case("mgus2_sex", mg, "sex", NULL, 0, c(0, 12, 60, 120, 240, 500), 0.95),
    cif_case("mgus2_sex_old", mg, "sex", "old", 1, c(12, 60, 120, 240), 0.9),
    cif_case("sim", sim, "group", NULL, 0, c(1, 5, 10, 20, 30, 59, 60, 61), 0.95),
    cif_case("sim_strata", sim, "group", "stratum", 0, c(10, 20), 0.95),
    cif_case("sim_strata_rho2", sim, "group", "stratum", 2, c(10, 20), 0.95),
    # no competing events, five small groups; Gray's pooled estimate passes
    # 1 at the last event time (t = 30)
    cif_case("mid", mid_d, "group", NULL, 0, c(3, 10), 0.95),
    cif_case("mid_rho1", mid_d, "group", NULL, 1, c(3, 10), 0.95))
write_ref(cif, "cif_ref.txt", "cumulative incidence (cmprsk::cuminc) references")
