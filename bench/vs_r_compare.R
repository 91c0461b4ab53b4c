# bench/vs_r_compare.R: proves that cohort and bench/course_study.R did the
# same work before vs_r.sh times them: the same attrition table, the same
# units (course ids) with the same exposures, endpoint times and statuses,
# and the same describe() statistics, numbers equal to 1e-9 (relative).
# Usage: Rscript vs_r_compare.R COHORT_OUT_DIR COHORT_EXPORT.csv R_CHECK_DIR
# Exits 1 and says what differs when anything does.
suppressPackageStartupMessages(library(data.table))
a <- commandArgs(trailingOnly = TRUE)
out <- a[1]; export <- a[2]; rdir <- a[3]
bad <- 0L
fail <- function(...) { cat("DIFFERENT:", ..., "\n"); bad <<- bad + 1L }
close_num <- function(x, y) {
    both_na <- is.na(x) & is.na(y)
    ok <- both_na | (!is.na(x) & !is.na(y) & abs(x - y) <= 1e-9 * pmax(1, abs(x), abs(y)))
    all(ok)
}
na <- c("", "NA")
# attrition: every count
ca <- fread(file.path(out, "attrition.csv"), na.strings = na)
ra <- fread(file.path(rdir, "attrition.csv"), na.strings = na)
if (!isTRUE(all.equal(as.data.frame(ca), as.data.frame(ra), check.attributes = FALSE)))
    fail("attrition tables\n", capture.output(print(ca)), capture.output(print(ra)))
# units: the analysis set, one row per course
cu <- fread(export, na.strings = na)
ru <- fread(file.path(rdir, "units.csv"), na.strings = na)
setnames(cu, c("rn_time_months", "os_time_months"), c("rn_time", "os_time"))
setkey(cu, course_id); setkey(ru, course_id)
if (nrow(cu) != nrow(ru) || !identical(cu$course_id, ru$course_id)) {
    fail("unit sets:", nrow(cu), "courses in cohort's export,", nrow(ru), "in R's")
} else {
    for (v in c("patient_id", "w7_21", "w3m", "overlap", "rn_status", "os_status"))
        if (!identical(as.character(cu[[v]]), as.character(ru[[v]])))
            fail(v, ":", sum(as.character(cu[[v]]) != as.character(ru[[v]]), na.rm = TRUE), "units differ")
    for (v in c("rn_time", "os_time"))
        if (!close_num(cu[[v]], ru[[v]])) fail(v, ": times differ")
}
# statistics of describe()
cs <- fread(list.files(out, pattern = "describe-stats[.]csv$", full.names = TRUE)[1], na.strings = na)
rs <- fread(file.path(rdir, "stats.csv"), na.strings = na)
if (nrow(cs) != nrow(rs)) {
    fail("stats rows:", nrow(cs), "against", nrow(rs))
} else {
    txt <- function(x) fcoalesce(as.character(x), "")
    for (v in c("variable", "level", "unit"))
        if (!identical(txt(cs[[v]]), txt(rs[[v]]))) fail("stats column", v)
    for (v in c("n", "missing", "count", "percent", "mean", "sd", "median", "q1", "q3", "min", "max"))
        if (!close_num(as.numeric(cs[[v]]), as.numeric(rs[[v]]))) fail("stats column", v)
}
if (bad) quit(status = 1)
cat(sprintf("same work: attrition (%d steps), %d units (exposures, endpoint times and statuses), %d statistics\n",
            nrow(ca), nrow(cu), nrow(cs)))
