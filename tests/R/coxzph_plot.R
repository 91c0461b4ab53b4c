# tests/R/coxzph_plot.R: writes the reference values of plot.cox.zph's
# smooth (run from the top of the source tree: Rscript tests/R/coxzph_plot.R;
# R with survival 3.5-3 and splines).  For each right-censored case of
# tests/R/regression.R that has a cox.zph section it refits the same model
# and writes tests/ref/NAME_zphplot.txt:
#   [resid]   cox.zph(fit)'s time, x and y (one column per term): the points
#   [var]     cox.zph(fit)$var, the nterm x nterm matrix
#   [smooth]  per term (term, 0-based) and point of pred.x: x, the fit and
#             the +/- 2 SE limits, computed exactly as survival:::plot.cox.zph
#             does (ns(c(pred.x, x), df = 4, intercept = TRUE), nsmo = 40,
#             qr of the kept rows, seval from the R factor)
#   [axis]    its 8 x-axis ticks: at (xaxisval) and label (the rounded times)
# tests/unit/test_cox.c compares them with plugins/cox/zphsmooth.c without R.
suppressMessages({
  library(survival)
  library(splines)
})
stopifnot(packageVersion("survival") >= "3.5.0")
source("tests/R/refio.R")
outdir <- "tests/ref"

# the body of plot.cox.zph for one cox.zph object, returning its numbers
# instead of drawing them (defaults: df = 4, nsmo = 40, se = TRUE)
zph_plot_numbers <- function(x, df = 4, nsmo = 40) {
  xx <- x$x
  yy <- x$y
  pred.x <- seq(from = min(xx), to = max(xx), length = nsmo)
  lmat <- ns(c(pred.x, xx), df = df, intercept = TRUE)
  pmat <- lmat[1:nsmo, ]
  xmat <- lmat[-(1:nsmo), ]
  smooth <- NULL
  for (i in seq_len(ncol(yy))) {
    y <- yy[, i]
    keep <- !is.na(y)
    y <- y[keep]
    qmat <- qr(xmat[keep, ])
    stopifnot(qmat$rank == df)
    yhat <- drop(pmat %*% qr.coef(qmat, y))
    bk <- backsolve(qmat$qr[1:df, 1:df], diag(df))
    xtx <- bk %*% t(bk)
    seval <- drop(((pmat %*% xtx) * pmat) %*% rep(1, df))
    temp <- 2 * sqrt(x$var[i, i] * seval)
    smooth <- rbind(smooth, data.frame(term = i - 1, x = pred.x, fit = yhat,
                                       lower = yhat - temp, upper = yhat + temp))
  }
  xtime <- x$time
  indx <- !duplicated(xx)
  apr1 <- approx(xx[indx], xtime[indx], seq(min(xx), max(xx), length = 17)[2 * (1:8)])
  temp <- signif(apr1$y, 2)
  apr2 <- approx(xtime[indx], xx[indx], temp)
  list(resid = data.frame(time = x$time, x = xx, unname(as.data.frame(unclass(yy)))),
       var = as.data.frame(unname(x$var)), smooth = smooth,
       axis = data.frame(at = apr2$y, label = temp))
}

zph_case <- function(name, formula, data) {
  z <- cox.zph(coxph(formula, data = data, model = TRUE, x = TRUE))
  r <- zph_plot_numbers(z)
  writeLines(c(section("resid", r$resid), section("var", r$var), section("smooth", r$smooth), section("axis", r$axis)),
             file.path(outdir, paste0(name, "_zphplot.txt")))
}

# the same models as tests/R/regression.R
lung2 <- na.omit(lung[, c("time", "status", "age", "sex", "ph.ecog", "ph.karno", "wt.loss", "inst")])
zph_case("cox_lung", Surv(time, status) ~ age + sex + ph.ecog + wt.loss, lung2)
zph_case("cox_lung_strata", Surv(time, status) ~ age + ph.ecog + ph.karno + strata(sex), lung2)
zph_case("cox_ovarian", Surv(futime, fustat) ~ age + ecog.ps + rx, ovarian)
zph_case("cox_veteran", Surv(time, status) ~ trt + celltype + karno + age + prior, veteran)
