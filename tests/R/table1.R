# table1.R: writes the input data and R's reference results for the
# describe and table1 plugins (mean, sd, quantile type 7; chisq.test,
# fisher.test, t.test, oneway.test, wilcox.test, kruskal.test; standardised
# mean differences written out below, as tableone defines them): p-values,
# statistics, t.test's conf.int, wilcox.test with and without correct,
# chisq.test's expected counts, fisher.test's estimate and conf.int (2 x 2).
# Run from the top of the source tree:  Rscript tests/R/table1.R
# Output: tests/ref/describe_lung_data.txt, tests/ref/describe_ref.txt,
#         tests/ref/table1_<name>_data.txt, tests/ref/table1_ref.txt.
#
# Reference files are sections: a line "[name]", a header line of column
# names, then rows; numbers at 17 significant digits, NA for missing.  Data
# files have one header line.  Variables are named in the references by
# their 0-based column index in the data file, datasets by a number
# (column "data": 1 pbc, 2 colon, 3 ovarian, 4 lung, 5 simA, 6 simB).
suppressPackageStartupMessages({
    library(survival)
    library(MASS)
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

section <- function(name, df) {
    m <- sapply(df, fmt)
    if (!is.matrix(m)) m <- matrix(m, nrow = 1)
    c(paste0("[", name, "]"), paste(names(df), collapse = " "),
      apply(m, 1, paste, collapse = " "))
}

# ---- standardised mean differences (tableone's definitions) -------------
smd_cont <- function(m1, s1, m2, s2) abs(m1 - m2) / sqrt((s1^2 + s2^2) / 2)
# Yang & Dalton: proportions of levels 2..k, S the average of the two
# multinomial covariance matrices, SMD = sqrt(d' S^- d)
smd_cat <- function(p1, p2) {
    k <- length(p1)
    T <- p1[-1]; C <- p2[-1]
    S <- matrix(0, k - 1, k - 1)
    for (i in seq_len(k - 1)) for (j in seq_len(k - 1))
        S[i, j] <- if (i == j) (T[i] * (1 - T[i]) + C[i] * (1 - C[i])) / 2
                   else -(T[i] * T[j] + C[i] * C[j]) / 2
    d <- T - C
    sqrt(drop(t(d) %*% ginv(S) %*% d))
}
pairs_mean <- function(ng, f) {
    pr <- combn(ng, 2)
    mean(apply(pr, 2, function(p) f(p[1], p[2])))
}

# ---- data -----------------------------------------------------------------
p <- pbc[!is.na(pbc$trt), ]
pbcd <- data.frame(grp = p$trt, age = p$age, sex = as.integer(p$sex == "f"),
                   ascites = p$ascites, hepato = p$hepato, spiders = p$spiders,
                   edema = p$edema, bili = p$bili, chol = p$chol, albumin = p$albumin,
                   copper = p$copper, alk_phos = p$alk.phos, ast = p$ast, trig = p$trig,
                   platelet = p$platelet, protime = p$protime, stage = p$stage)
c1 <- colon[colon$etype == 1, ]
colond <- data.frame(grp = as.integer(c1$rx), sex = c1$sex, age = c1$age,
                     obstruct = c1$obstruct, perfor = c1$perfor, adhere = c1$adhere,
                     nodes = c1$nodes, differ = c1$differ, extent = c1$extent,
                     surg = c1$surg, node4 = c1$node4)
ovd <- data.frame(grp = ovarian$rx, age = ovarian$age, futime = ovarian$futime,
                  ecog = ovarian$ecog.ps, resid = ovarian$resid.ds)
lungd <- data.frame(grp = lung$sex, age = lung$age, ph_ecog = lung$ph.ecog,
                    ph_karno = lung$ph.karno, pat_karno = lung$pat.karno,
                    meal_cal = lung$meal.cal, wt_loss = lung$wt.loss, inst = lung$inst)
set.seed(20240611)
# simA: small groups without ties (exact Wilcoxon, 49 is the largest exact size)
simA <- data.frame(grp = rep(1:2, c(49, 17)),
                   x = c(rnorm(49, 10, 2), rnorm(17, 11, 3)),
                   y = c(rexp(49), rexp(17, 0.5)),
                   z = round(c(rnorm(49, 0, 3), rnorm(17, 1, 3))))
# simB: one group of 50 without ties (normal approximation), three groups
simB <- data.frame(grp = rep(1:3, c(50, 12, 9)),
                   x = c(rnorm(50), rnorm(12, 0.8), rnorm(9, -0.5, 2)),
                   y = c(runif(50), runif(12), runif(9)),
                   b = rbinom(71, 1, 0.3),
                   k = sample(1:4, 71, replace = TRUE))
sets <- list(pbc = pbcd, colon = colond, ovarian = ovd, lung = lungd, simA = simA, simB = simB)
for (nm in names(sets)) write_data(sets[[nm]], paste0("table1_", nm, "_data.txt"))

col_index <- function(df, name) match(name, names(df)) - 1

# ---- continuous, two groups -------------------------------------------------
cont2 <- function(id, df, gname, vars) {
    do.call(rbind, lapply(vars, function(v) {
        ok <- !is.na(df[[v]]) & !is.na(df[[gname]])
        g <- factor(df[[gname]][ok]); x <- df[[v]][ok]
        x1 <- x[g == levels(g)[1]]; x2 <- x[g == levels(g)[2]]
        w <- t.test(x1, x2); s <- t.test(x1, x2, var.equal = TRUE)
        wx <- suppressWarnings(wilcox.test(x1, x2))
        wn <- suppressWarnings(wilcox.test(x1, x2, correct = FALSE))
        data.frame(data = id, grp = col_index(df, gname), var = col_index(df, v),
                   n1 = length(x1), n2 = length(x2),
                   mean1 = mean(x1), sd1 = sd(x1), mean2 = mean(x2), sd2 = sd(x2),
                   welch_t = unname(w$statistic), welch_df = unname(w$parameter),
                   welch_p = w$p.value,
                   welch_lo = w$conf.int[1], welch_hi = w$conf.int[2],
                   student_lo = s$conf.int[1], student_hi = s$conf.int[2],
                   student_t = unname(s$statistic), student_df = unname(s$parameter),
                   student_p = s$p.value,
                   wilcox_w = unname(wx$statistic), wilcox_p = wx$p.value,
                   wilcox_nc_p = wn$p.value,
                   wilcox_exact = as.integer(grepl("exact", wx$method)),
                   smd = smd_cont(mean(x1), sd(x1), mean(x2), sd(x2)))
    }))
}

# ---- continuous, k groups ---------------------------------------------------
contk <- function(id, df, gname, vars) {
    do.call(rbind, lapply(vars, function(v) {
        ok <- !is.na(df[[v]]) & !is.na(df[[gname]])
        g <- factor(df[[gname]][ok]); x <- df[[v]][ok]
        a <- oneway.test(x ~ g, var.equal = TRUE); w <- oneway.test(x ~ g)
        k <- kruskal.test(x, g)
        m <- tapply(x, g, mean); s <- tapply(x, g, sd)
        data.frame(data = id, grp = col_index(df, gname), var = col_index(df, v),
                   ngroups = nlevels(g),
                   anova_f = unname(a$statistic), anova_df1 = unname(a$parameter[1]),
                   anova_df2 = unname(a$parameter[2]), anova_p = a$p.value,
                   welch_f = unname(w$statistic), welch_df2 = unname(w$parameter[2]),
                   welch_p = w$p.value,
                   kw_stat = unname(k$statistic), kw_df = unname(k$parameter),
                   kw_p = k$p.value,
                   smd = pairs_mean(nlevels(g), function(i, j) smd_cont(m[i], s[i], m[j], s[j])))
    }))
}

# ---- categorical ------------------------------------------------------------
# addp_test, addp_p: the test gtsummary's add_p() chooses by default and its
# p-value -- chisq.test(correct = FALSE) ("chisq.test.no.correct") when
# every expected count is at least 5, else fisher.test() (1 and 2)
# fisher.test with a large workspace; fisher_default: NA where R's default
# workspace (200000) is too small
fisher_p <- function(tab) {
    tryCatch(fisher.test(tab, workspace = 2e7)$p.value, error = function(e) NA)
}
fisher_default <- function(tab) {
    tryCatch(fisher.test(tab)$p.value, error = function(e) NA)
}
# conditional MLE of the odds ratio and its 95% interval (2 x 2 only)
fisher_or <- function(tab) {
    if (!all(dim(tab) == 2)) return(c(NA, NA, NA))
    f <- fisher.test(tab)
    c(unname(f$estimate), f$conf.int[1], f$conf.int[2])
}
expected_rows <- list()
cat_ref <- function(id, df, gname, vars) {
    do.call(rbind, lapply(vars, function(v) {
        ok <- !is.na(df[[v]]) & !is.na(df[[gname]])
        g <- factor(df[[gname]][ok]); x <- factor(df[[v]][ok])
        tab <- table(x, g)
        cs <- suppressWarnings(chisq.test(tab, correct = FALSE))
        is2 <- all(dim(tab) == 2)
        ys <- if (is2) suppressWarnings(chisq.test(tab, correct = TRUE)) else NULL
        prop <- sweep(tab, 2, colSums(tab), "/")
        smd <- pairs_mean(nlevels(g), function(i, j) smd_cat(prop[, i], prop[, j]))
        fo <- fisher_or(tab)
        e <- cs$expected
        expected_rows[[length(expected_rows) + 1]] <<- data.frame(
            data = id, grp = col_index(df, gname), var = col_index(df, v),
            level = rep(seq_len(nrow(e)) - 1, ncol(e)), group = rep(seq_len(ncol(e)) - 1, each = nrow(e)),
            expected = as.vector(e))
        data.frame(data = id, grp = col_index(df, gname), var = col_index(df, v),
                   nlevels = nlevels(x), ngroups = nlevels(g),
                   chisq_stat = unname(cs$statistic), chisq_df = unname(cs$parameter),
                   chisq_p = cs$p.value,
                   yates_stat = if (is2) unname(ys$statistic) else NA,
                   yates_p = if (is2) ys$p.value else NA,
                   fisher_p = fisher_p(tab), fisher_default = fisher_default(tab), smd = smd,
                   fisher_or = fo[1], fisher_lo = fo[2], fisher_hi = fo[3],
                   min_expected = min(cs$expected),
                   addp_test = if (min(cs$expected) >= 5) 1 else 2,
                   addp_p = if (min(cs$expected) >= 5) cs$p.value else fisher_default(tab))
    }))
}

c2 <- rbind(
    cont2(1, pbcd, "grp", c("age", "bili", "chol", "albumin", "copper", "alk_phos", "ast",
                            "trig", "platelet", "protime")),
    cont2(3, ovd, "grp", c("age", "futime")),
    cont2(4, lungd, "grp", c("age", "ph_karno", "pat_karno", "meal_cal", "wt_loss")),
    cont2(5, simA, "grp", c("x", "y", "z")))
ck <- rbind(
    contk(1, pbcd, "stage", c("age", "bili", "albumin", "protime", "chol")),
    contk(2, colond, "grp", c("age", "nodes")),
    contk(6, simB, "grp", c("x", "y")))
ct <- rbind(
    cat_ref(1, pbcd, "grp", c("sex", "ascites", "hepato", "spiders", "edema", "stage")),
    cat_ref(2, colond, "grp", c("sex", "obstruct", "perfor", "adhere", "differ", "extent",
                                "surg", "node4")),
    cat_ref(3, ovd, "grp", c("ecog", "resid")),
    cat_ref(4, lungd, "grp", c("ph_ecog")),
    cat_ref(6, simB, "grp", c("b", "k")))

# ---- contingency tables: random small ones and the paper's ------------------
tables <- list(matrix(c(25, 59, 2, 27), 2),          # prior brain surgery, Chun et al.
               matrix(c(74, 10, 25, 4), 2),          # HER2 status
               matrix(c(1, 2, 1, 0, 3, 3, 6, 1, 10, 10, 14, 9, 6, 7, 12, 11), 4, 4),
               matrix(c(0, 5, 7, 0), 2), matrix(c(3, 0, 0, 3), 2), matrix(c(10, 0, 7, 3), 2),
               # beyond fisher.test's default workspace (R needs workspace = 2e7)
               matrix(c(5, 9, 1, 5, 19, 5, 12, 15, 20, 0, 1, 3, 25, 12, 6, 5), 4, 4, byrow = TRUE))
# random tables that fisher.test solves with its default workspace
set.seed(42)
while (length(tables) < 150) {
    nr <- sample(2:5, 1); nc <- sample(2:4, 1); n <- sample(6:150, 1)
    t <- matrix(rmultinom(1, n, runif(nr * nc)^2), nr, nc)
    if (any(rowSums(t) == 0) || any(colSums(t) == 0)) next
    if (is.na(fisher_default(t))) next
    tables[[length(tables) + 1]] <- t
}
# 2 x 2 tables at the ends of the odds ratio's support and with large counts
tables <- c(tables, list(matrix(c(0, 12, 9, 4), 2), matrix(c(7, 0, 3, 5), 2),
                         matrix(c(1, 30, 29, 1), 2), matrix(c(250, 180, 160, 240), 2),
                         matrix(c(2, 1, 1, 2), 2), matrix(c(12, 5, 3, 0), 2)))
tab_rows <- do.call(rbind, lapply(tables, function(t) {
    cells <- rep(NA, 25); cells[seq_along(t)] <- as.vector(t(t))
    cs <- suppressWarnings(chisq.test(t, correct = FALSE))
    ys <- if (all(dim(t) == 2)) suppressWarnings(chisq.test(t, correct = TRUE)) else NULL
    r <- data.frame(nr = nrow(t), nc = ncol(t))
    for (i in 1:25) r[[paste0("c", i)]] <- cells[i]
    r$chisq_stat <- unname(cs$statistic); r$chisq_p <- cs$p.value
    r$yates_stat <- if (is.null(ys)) NA else unname(ys$statistic)
    r$yates_p <- if (is.null(ys)) NA else ys$p.value
    r$fisher_p <- fisher_p(t)
    r$fisher_default <- fisher_default(t)
    fo <- fisher_or(t)
    r$fisher_or <- fo[1]; r$fisher_lo <- fo[2]; r$fisher_hi <- fo[3]
    r
}))

writeLines(c(section("cont2", c2), section("contk", ck), section("cat", ct),
             section("tables", tab_rows), section("expected", do.call(rbind, expected_rows))),
           file.path(outdir, "table1_ref.txt"))

# ---- describe: lung by sex ----------------------------------------------------
write_data(lungd, "describe_lung_data.txt")
num_vars <- c("age", "ph_karno", "pat_karno", "meal_cal", "wt_loss")
groups <- list(`0` = rep(TRUE, nrow(lungd)), `1` = lungd$grp == 1, `2` = lungd$grp == 2)
num <- do.call(rbind, lapply(num_vars, function(v) do.call(rbind, lapply(names(groups), function(g) {
    x <- lungd[[v]][groups[[g]]]; y <- x[!is.na(x)]
    q <- quantile(y, c(0.25, 0.5, 0.75), type = 7)
    data.frame(var = col_index(lungd, v), group = as.numeric(g), n = length(y),
               missing = sum(is.na(x)), mean = mean(y), sd = sd(y), median = unname(q[2]),
               q1 = unname(q[1]), q3 = unname(q[3]), min = min(y), max = max(y))
}))))
cnt <- do.call(rbind, lapply(c("ph_ecog", "inst"), function(v) do.call(rbind, lapply(names(groups), function(g) {
    x <- lungd[[v]][groups[[g]]]
    lev <- sort(unique(lungd[[v]][!is.na(lungd[[v]])]))
    n <- sum(!is.na(x))
    data.frame(var = col_index(lungd, v), group = as.numeric(g), level = lev,
               count = sapply(lev, function(l) sum(x == l, na.rm = TRUE)),
               pct = sapply(lev, function(l) sum(x == l, na.rm = TRUE)) / n,
               missing = sum(is.na(x)))
}))))
writeLines(c(section("numeric", num), section("counts", cnt)),
           file.path(outdir, "describe_ref.txt"))
