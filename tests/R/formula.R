# tests/R/formula.R: writes the R reference results for formulas with
# interactions (a * b, a:b), as R's model.matrix codes and names them, and
# the fits of coxph, glm(binomial) and cmprsk::crr on them, into tests/ref/
# (run from the top of the source tree: Rscript tests/R/formula.R).  Read by
# tests/unit/test_formula.c, which parses the same formula with cohort's
# parser, builds the columns with the host's coding (src/formula.c,
# src/interact.c) and the plugins' design (plugins/common/design.c), fits
# with the plugins' cores and compares.  Needs survival (>= 3.5), cmprsk.
#
# For each case NAME:
#   tests/ref/formula_NAME_data.txt  the variables, one row per unit (NA missing);
#                                    factors as integer codes (see each case)
#   tests/ref/formula_NAME_ref.txt   [formula] the formula's right side as
#                                    the test writes it, as a comment line;
#                                    [mm] model.matrix without the intercept, the
#                                    header is R's column names;
#                                    [coef] coef and se in that column order
suppressMessages({
  library(survival)
  library(cmprsk)
})
stopifnot(packageVersion("survival") >= "3.5.0")
outdir <- "tests/ref"
fmt <- function(v) {
  v <- as.numeric(v)
  ifelse(is.na(v), "NA", sprintf("%.17g", v))
}
table_lines <- function(df, header = names(df)) {
  c(paste(header, collapse = " "),
    apply(as.matrix(df), 1, function(r) paste(fmt(r), collapse = " ")))
}
write_case <- function(name, data, mm, coef, se) {
  writeLines(table_lines(data), file.path(outdir, paste0("formula_", name, "_data.txt")))
  stopifnot(!any(grepl("[[:space:]]", colnames(mm))))
  lines <- c("[mm]", table_lines(as.data.frame(unname(mm)), colnames(mm)),
             "[coef]", table_lines(data.frame(coef = coef, se = se)))
  writeLines(lines, file.path(outdir, paste0("formula_", name, "_ref.txt")))
}

## lung: sexf (1 male, 2 female), ecog (ph.ecog 0, 1, 2 or 3 -> "0", "1", "2+")
lung2 <- lung[, c("time", "status", "age", "sex", "ph.ecog", "ph.karno")]
names(lung2)[5:6] <- c("ecog", "karno")
lung2$ecog <- pmin(lung2$ecog, 2)
lf <- lung2
lf$sexf <- factor(ifelse(lf$sex == 2, "female", "male"))
lf$ecog <- factor(c("0", "1", "2+")[lf$ecog + 1])
lf$dead <- as.integer(lf$status == 2)

# Cox: numeric x factor (contrasts) and factor x factor (sexf fully coded:
# the term without it, ecog, is not in the formula)
fc <- coxph(Surv(time, status) ~ age * sexf + ecog:sexf, data = lf, x = TRUE)
stopifnot(!any(is.na(coef(fc))))
write_case("cox_lung", lung2[as.integer(rownames(fc$x)), ], fc$x, coef(fc), sqrt(diag(fc$var)))

# logistic: numeric x numeric and factor x factor with both main effects
fl <- glm(dead ~ age * karno + sexf * ecog, family = binomial, data = lf)
ml <- model.matrix(fl)
write_case("logit_lung", lung2[as.integer(rownames(ml)), ], ml[, -1, drop = FALSE], coef(fl),
           sqrt(diag(vcov(fl))))

## mgus2 (Fine-Gray): sex (1 F, 2 M); progression (pstat) with death before it competing
m <- na.omit(mgus2[, c("age", "sex", "hgb", "mspike", "ptime", "pstat", "futime", "death")])
mtime <- ifelse(m$pstat == 1, m$ptime, m$futime)
mstat <- ifelse(m$pstat == 1, 1, 2 * m$death)
# numeric x factor with and without the factor's main effect
mx <- model.matrix(~ age * sex + hgb:sex, m)[, -1]
fg <- crr(mtime, mstat, mx, failcode = 1, cencode = 0)
stopifnot(fg$converged)
md <- data.frame(time = mtime, status = mstat, age = m$age, sex = as.integer(m$sex), hgb = m$hgb)
write_case("crr_mgus2", md, mx, fg$coef, sqrt(diag(fg$var)))
