# rmst.R: writes R's reference results for the out-of-tree example plugin
# examples/plugins/rmst (checked by tests/rmst_plugin.sh without R).
# Run from the top of the source tree, after tests/R/survival.R has written
# the input data:  Rscript tests/R/rmst.R
# Input:  tests/ref/km_lung_data.txt, tests/ref/km_veteran_data.txt (checked
#         here to equal survival::lung and survival::veteran).
# Output: tests/ref/rmst_ref.txt, whitespace-separated lines:
#   case  NAME DATA BY TAU LEVEL REF        (BY, TAU, REF "-" when not given)
#   group NAME LABEL n events tau rmean se lower upper
#   diff  NAME COMPARISON difference se lower upper p   (COMPARISON "2-1")
#   ratio NAME COMPARISON MEASURE ratio lower upper p   ("2/1"; MEASURE RMST or RMTL)
#   test  NAME chisq df p
# rmean and se are survival's summary(survfit(...), rmean = tau)$table
# columns "rmean" and "se(rmean)" (what print.survfit shows); the
# confidence limits, contrasts and test are computed from them as survRM2
# does (normal limits; ratios on the log scale; chi-square test of equal
# means of independent groups with weights 1 / se^2).
suppressPackageStartupMessages(library(survival))

refdir <- "tests/ref"
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", as.numeric(x)))
read_ref_data <- function(file)
    read.table(file.path(refdir, file), header = TRUE, na.strings = "NA")

lung_d <- read_ref_data("km_lung_data.txt")
vet_d <- read_ref_data("km_veteran_data.txt")
stopifnot(isTRUE(all.equal(lung_d$time, lung$time)),
          isTRUE(all.equal(lung_d$status, as.integer(lung$status == 2))),
          isTRUE(all.equal(lung_d$sex, lung$sex)),
          isTRUE(all.equal(lung_d$ecog, lung$ph.ecog)),
          isTRUE(all.equal(vet_d$time, veteran$time)),
          isTRUE(all.equal(vet_d$status, veteran$status)),
          isTRUE(all.equal(vet_d$trt, veteran$trt)),
          isTRUE(all.equal(vet_d$celltype, as.integer(veteran$celltype))))
datasets <- list(lung = lung_d, veteran = vet_d)

# One case: data set, grouping column (or NA), tau (NA: the smallest of the
# groups' last follow-up times, survRM2's default), level, reference group.
rmst_case <- function(name, data, by, tau, level, ref) {
    d <- datasets[[data]]
    if (!is.na(by)) d <- d[!is.na(d[[by]]), ]
    g <- if (is.na(by)) rep("all", nrow(d)) else d[[by]]
    levs <- if (is.na(by)) "all" else sort(unique(g))
    if (!is.na(ref)) levs <- c(ref, setdiff(levs, ref))
    tau_used <- if (is.na(tau)) min(tapply(d$time, g, max)) else tau
    z <- qnorm(1 - (1 - level) / 2)
    out <- paste("case", name, data, ifelse(is.na(by), "-", by),
                 ifelse(is.na(tau), "-", format(tau, digits = 15)), format(level, digits = 15),
                 ifelse(is.na(ref), "-", ref))
    est <- NULL
    for (k in seq_along(levs)) {
        dk <- d[g == levs[k], ]
        fit <- survfit(Surv(time, status) ~ 1, data = dk)
        tab <- summary(fit, rmean = tau_used)$table
        r <- tab[["rmean"]]
        se <- tab[["se(rmean)"]]
        est <- rbind(est, data.frame(label = as.character(levs[k]), rmean = r, se = se))
        out <- c(out, paste("group", name, levs[k], nrow(dk), sum(dk$status == 1),
                            fmt(tau_used), fmt(r), fmt(se), fmt(r - z * se), fmt(r + z * se)))
    }
    if (length(levs) >= 2) {
        r0 <- est[1, ]
        for (k in 2:nrow(est)) {
            rk <- est[k, ]
            cmp <- paste0(rk$label, "-", r0$label)
            dif <- rk$rmean - r0$rmean
            sed <- sqrt(rk$se^2 + r0$se^2)
            out <- c(out, paste("diff", name, cmp, fmt(dif), fmt(sed), fmt(dif - z * sed),
                                fmt(dif + z * sed), fmt(2 * pnorm(-abs(dif / sed)))))
            for (m in c("RMST", "RMTL")) {
                x1 <- if (m == "RMST") rk$rmean else tau_used - rk$rmean
                x0 <- if (m == "RMST") r0$rmean else tau_used - r0$rmean
                lr <- log(x1 / x0)
                sel <- sqrt(rk$se^2 / x1^2 + r0$se^2 / x0^2)
                out <- c(out, paste("ratio", name, sub("-", "/", cmp, fixed = TRUE), m, fmt(exp(lr)), fmt(exp(lr - z * sel)),
                                    fmt(exp(lr + z * sel)), fmt(2 * pnorm(-abs(lr / sel)))))
            }
        }
        if (nrow(est) >= 3 && all(est$se > 0)) {
            w <- 1 / est$se^2
            chisq <- sum(w * (est$rmean - sum(w * est$rmean) / sum(w))^2)
            df <- nrow(est) - 1
            out <- c(out, paste("test", name, fmt(chisq), df,
                                fmt(pchisq(chisq, df, lower.tail = FALSE))))
        }
    }
    out
}

lines <- c(
    rmst_case("lung_sex_1y", "lung", "sex", 365.25, 0.95, NA),
    rmst_case("lung_sex_2y", "lung", "sex", 730.5, 0.90, NA),
    # tau after the last follow-up of sex 2 (965): the curve is extended flat
    rmst_case("lung_sex_beyond", "lung", "sex", 1000, 0.95, NA),
    rmst_case("lung_sex_default", "lung", "sex", NA, 0.95, NA),
    rmst_case("lung_all", "lung", NA, 500, 0.95, NA),
    # tau at the first event time: area tau, se 0
    rmst_case("lung_first", "lung", NA, 5, 0.95, NA),
    # one missing ecog dropped; ecog 3 is a single patient (se 0, no test)
    rmst_case("lung_ecog", "lung", "ecog", 365, 0.95, NA),
    rmst_case("veteran_trt_ref2", "veteran", "trt", 180, 0.95, "2"),
    rmst_case("veteran_cell", "veteran", "celltype", NA, 0.95, NA),
    rmst_case("veteran_cell_90", "veteran", "celltype", 90, 0.99, NA))

writeLines(c(paste("# rmst_ref.txt: written by tests/R/rmst.R with survival",
                   packageVersion("survival"), "- see that script for the format"),
             lines),
           file.path(refdir, "rmst_ref.txt"))
