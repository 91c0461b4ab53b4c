# bench/course_study.R: bench/course_study.rules written as a careful R
# programmer would (data.table: fread of the used columns only, keyed and
# non-equi joins), for bench/vs_r.sh.  The same attrition, units, exposures
# (w7_21, w3m, overlap), endpoint times and statuses (rn with death as a
# competing event, os) and the same describe() statistics.
#
# Usage: Rscript course_study.R DATA_DIR THREADS [CHECK_DIR]
# Prints the attrition table and the statistics.  With CHECK_DIR it also
# writes CHECK_DIR/{attrition,units,stats}.csv for vs_r.sh to compare with
# cohort's output (not done in timed runs).
#
# The language's semantics, as doc/cohort-rules.5 gives them:
# - a missing value ("" or NA) makes comparisons unknown (Kleene logic, as
#   R's own & | and any()); a criterion that is unknown drops the unit into
#   the attrition table's unknown column;
# - `any drugs d: cond` is TRUE if cond is TRUE for some linked row, else
#   unknown if unknown for some, else FALSE;
# - `x within [A, B] of t` is t + A <= x <= t + B; `within 3 months` is
#   +-91.3125 days (a month is 30.4375 days), so whole days 91 in, 92 out;
# - `[s, e] overlaps [a, b]` is s <= b and a <= e;
# - `first events e where C: e.date` is the date of the first row (by date,
#   missing dates last) for which C is TRUE (unknown rows skipped);
# - an endpoint ends at the earliest event or competing date present and
#   not after the censoring date (on a tie the event wins), else at the
#   censoring date with status 0; a missing origin, an end before the
#   origin or no end at all gives a missing time and status;
# - describe: n, missing, mean, SD, type-7 quartiles, range; durations in
#   months; booleans as counts and proportions of the non-missing values.
suppressPackageStartupMessages(library(data.table))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2) stop("usage: Rscript course_study.R DATA_DIR THREADS [CHECK_DIR]")
dir <- args[1]
setDTthreads(as.integer(args[2]))
check_dir <- if (length(args) >= 3) args[3] else NA

month <- 30.4375
na <- c("", "NA")
rd <- function(f, cols) fread(file.path(dir, f), select = cols, na.strings = na, showProgress = FALSE)
P <- rd("patients.csv", c("patient_id", "her2", "death_date", "last_followup"))
C <- rd("courses.csv", c("course_id", "patient_id", "start_date", "dose_gy", "volume_cc"))
D <- rd("drugs.csv", c("patient_id", "agent", "start_date", "end_date"))
E <- rd("events.csv", c("patient_id", "date", "type", "course_id"))

# ---- attrition ----------------------------------------------------------
C[P, on = "patient_id", `:=`(her2 = i.her2, death = i.death_date, lfu = i.last_followup)]
attr_row <- function(step, before, excluded, unknown, after)
    data.table(step = step, before = nrow(before), excluded = excluded, unknown = unknown,
               after = nrow(after), patients = uniqueN(after$patient_id))
crit1 <- C$her2 %chin% c("positive", "low")
crit1[is.na(C$her2)] <- NA
U1 <- C[crit1 %in% TRUE]
crit2 <- is.na(U1$dose_gy) | is.na(U1$volume_cc)      # missing() is never unknown
U <- U1[!crit2]
attrition <- rbind(
    attr_row("all courses", C, 0L, 0L, C),
    attr_row("include \"HER2-positive or HER2-low\"", C, sum(crit1 %in% FALSE), sum(is.na(crit1)), U1),
    attr_row("exclude \"no dosimetry\"", U1, sum(crit2), 0L, U))

# ---- exposures: any drugs d: ... ----------------------------------------
# TRUE from a non-equi join over the rows without missing values (two-valued
# there); the rows with a missing value on either side are joined by patient
# and evaluated with R's Kleene logic, then OR-ed in (FALSE | NA is NA).
U[, row := .I]
any_drug <- function(agent_ok, lo, hi, on_clean, cond) {
    res <- logical(nrow(U))
    W <- U[!is.na(start_date), .(row, patient_id, lo = as.numeric(start_date) + lo,
                                 hi = as.numeric(start_date) + hi)]
    Dk <- D[agent_ok(agent) %in% TRUE & !is.na(start_date),
            .(patient_id, s = as.numeric(start_date), e = as.numeric(fcoalesce(end_date, start_date)))]
    res[W$row[W[Dk, on = on_clean, which = TRUE, nomatch = NULL]]] <- TRUE
    # rows with a missing value that may matter: evaluated one by one
    Dn <- D[!(agent_ok(agent) %in% FALSE) & (is.na(agent) | is.na(start_date))]
    Un <- U[is.na(start_date)]
    if (nrow(Dn) || nrow(Un)) {
        J <- rbind(U[, .(row, patient_id, cs = start_date)][Dn, on = "patient_id", nomatch = NULL,
                                                              .(row, agent, start_date, end_date, cs)],
                   D[Un[, .(row, patient_id, cs = start_date)], on = "patient_id", nomatch = NULL,
                     .(row, agent, start_date, end_date, cs)])
        if (nrow(J)) {
            v <- J[, .(v = any(cond(agent, start_date, end_date, cs))), by = row]
            res[v$row] <- res[v$row] | v$v
        }
    }
    res
}
her2_directed <- c("T-DM1", "T-DXd", "trastuzumab", "pertuzumab", "lapatinib", "tucatinib")
in_set <- function(set) function(a) { r <- a %chin% set; r[is.na(a)] <- NA; r }
within <- function(x, t, a, b) t + a <= x & x <= t + b
U[, w7_21 := any_drug(in_set(her2_directed), -7L, 21L,
                      c("patient_id", "lo<=s", "hi>=s"),
                      function(a, s, e, cs) in_set(her2_directed)(a) & within(s, cs, -7, 21))]
U[, w3m := any_drug(in_set("T-DXd"), -3 * month, 3 * month,
                    c("patient_id", "lo<=s", "hi>=s"),
                    function(a, s, e, cs) in_set("T-DXd")(a) & within(s, cs, -3 * month, 3 * month))]
U[, overlap := any_drug(in_set("T-DM1"), -28L, 28L,
                        c("patient_id", "hi>=s", "lo<=e"),
                        function(a, s, e, cs) in_set("T-DM1")(a) & s <= cs + 28 &
                            cs - 28 <= fcoalesce(e, s))]

# ---- endpoints ----------------------------------------------------------
# first events e where e.type == "radionecrosis" and e.course_id == course_id: e.date
rn_ev <- E[type == "radionecrosis" & !is.na(course_id) & !is.na(date),
           .(ev = min(date)), by = .(patient_id, course_id)]
U[rn_ev, on = c("patient_id", "course_id"), rn_event := i.ev]
endpoint <- function(origin, event, competing, censor) {
    if (length(competing) == 1) competing <- rep(competing, length(origin))
    ev_ok <- !is.na(event) & (is.na(censor) | event <= censor)
    cp_ok <- !is.na(competing) & (is.na(censor) | competing <= censor)
    is_ev <- ev_ok & (!cp_ok | event <= competing)
    end <- fifelse(is_ev, event, fifelse(cp_ok, competing, censor))
    status <- fifelse(is_ev, 1L, fifelse(cp_ok, 2L, 0L))
    time <- as.numeric(end - origin)
    bad <- is.na(time) | time < 0
    time[bad] <- NA
    status[bad] <- NA
    list(time / month, status)
}
U[, c("rn_time", "rn_status") := endpoint(start_date, rn_event, death, lfu)]
U[, c("os_time", "os_status") := endpoint(start_date, death, as.IDate(NA), lfu)]

# ---- describe -----------------------------------------------------------
num_stats <- function(name, x, unit = "") {
    m <- sum(is.na(x))
    x <- x[!is.na(x)]
    q <- if (length(x)) quantile(x, c(0.25, 0.5, 0.75), type = 7, names = FALSE) else rep(NA_real_, 3)
    data.table(variable = name, level = "", unit = unit, n = length(x), missing = m,
               count = NA_real_, percent = NA_real_,
               mean = if (length(x)) mean(x) else NA_real_,
               sd = if (length(x) > 1) sd(x) else NA_real_,
               median = q[2], q1 = q[1], q3 = q[3],
               min = if (length(x)) min(x) else NA_real_, max = if (length(x)) max(x) else NA_real_)
}
cat_stats <- function(name, x) {
    m <- sum(is.na(x))
    tab <- table(x, useNA = "no")
    tab <- tab[tab > 0]
    n <- length(x) - m
    data.table(variable = name, level = tolower(names(tab)), unit = "", n = n, missing = m,
               count = as.numeric(tab), percent = as.numeric(tab) / n,
               mean = NA_real_, sd = NA_real_, median = NA_real_, q1 = NA_real_, q3 = NA_real_,
               min = NA_real_, max = NA_real_)
}
stats <- rbind(cat_stats("w7_21", U$w7_21), cat_stats("w3m", U$w3m), cat_stats("overlap", U$overlap),
               num_stats("rn.time", U$rn_time, "months"), num_stats("rn.status", U$rn_status),
               num_stats("os.time", U$os_time, "months"), num_stats("os.status", U$os_status),
               num_stats("dose_gy", U$dose_gy))

print(attrition)
print(stats)
if (!is.na(check_dir)) {
    dir.create(check_dir, showWarnings = FALSE, recursive = TRUE)
    fwrite(attrition, file.path(check_dir, "attrition.csv"))
    fwrite(U[, .(course_id, patient_id, w7_21, w3m, overlap, rn_time, rn_status, os_time, os_status)],
           file.path(check_dir, "units.csv"))
    fwrite(stats, file.path(check_dir, "stats.csv"))
}
