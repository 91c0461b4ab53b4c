# refio.R: writing reference tables for the unit tests (tests/unit/refdata.h
# reads them): numbers as %.17g, NA missing; a section is "[name]", a
# header line, then rows.  Sourced by iptw.R and matching.R.
fmt <- function(x) {
    x <- as.numeric(x)
    ifelse(is.na(x), "NA", sprintf("%.17g", x))
}
lines_of <- function(df) {
    m <- sapply(df, fmt)
    if (!is.matrix(m)) m <- matrix(m, nrow = 1)
    c(paste(names(df), collapse = " "), apply(m, 1, paste, collapse = " "))
}
section <- function(name, df) c(paste0("[", name, "]"), lines_of(df))
