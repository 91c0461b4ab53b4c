#!/bin/sh
# tests/loaders.sh: the R and Python snippets of README.md ("Reading
# results.json from R and Python") are run as they are written on the
# results.json of a real run (Kaplan-Meier, cumulative incidence and Cox on
# tests/e2e/data/est, one estimate named, counts below 5 hidden), and each
# table they load is compared cell by cell with the CSV file cohort wrote
# for it (same rows, same numbers, "<5" and missing where the CSV has them);
# every time column (kind time_days) has a name ending in _days, no other does.
# Python's standard library is required; the R snippet runs when Rscript
# and jsonlite are installed (scripts/deps.sh installs them) and is
# otherwise reported as skipped.  Prints "N passed, M failed".
set -u
: "${COHORT:?COHORT must name the cohort binary}"
: "${srcdir:=.}"
COHORT_PLUGIN_PATH="${COHORT_TEST_PLUGINS:-}"
export COHORT_PLUGIN_PATH
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# snippet LANG: the code block after <!-- loader:LANG --> in README.md
snippet() {
    awk -v tag="<!-- loader:$1 -->" '
        $0 == tag { on = 1; next }
        on && /^```/ { if (inside) exit; inside = 1; next }
        on && inside { print }' "$srcdir/README.md"
}

cat >"$tmp/study.rules" <<EOF
study "loaders";
import "$srcdir/tests/e2e/data/est/est.rules";
privacy min_cell = 5;
estimate km(os, by: tdxd, at: [12 months, 24 months]);
estimate rn_cif = cif(rn, by: tdxd, at: [12 months]);
estimate cox(os ~ tdxd + age);
EOF
if ! (cd "$tmp" && "$COHORT" run study.rules --allow-import-path "$srcdir/tests/e2e/data" --out results >/dev/null 2>"$tmp/err"); then
    bad "cohort run failed"
    cat "$tmp/err"
    echo "$pass passed, $fail failed"
    exit 1
fi
ok

# --- Python -------------------------------------------------------------------
snippet python >"$tmp/load.py"
if [ ! -s "$tmp/load.py" ]; then
    bad "no <!-- loader:python --> snippet in README.md"
else
    cat >>"$tmp/load.py" <<'EOF'

# the test: every table equals its CSV file
import csv, sys
problems = 0
for key, rows in tables.items():
    with open("results/" + key + ".csv", newline="") as f:
        r = list(csv.reader(f))
    head, body = r[0], r[1:]
    if len(body) != len(rows) or any(list(row.keys()) != head for row in rows):
        print("table", key, ": rows or columns differ from the CSV"); problems += 1; continue
    for row, line in zip(rows, body):
        for (name, v), text in zip(row.items(), line):
            if v is None: same = text == ""
            elif isinstance(v, str): same = text == v
            else: same = float(text) == float(v)
            if not same:
                print("table", key, "column", name, ":", repr(v), "in JSON,", repr(text), "in CSV"); problems += 1
want = {"01-km-survival", "rn_cif-cif", "rn_cif-test", "03-cox-coef"}
if not want <= set(tables):
    print("tables missing:", sorted(want - set(tables))); problems += 1
# a time column (values in days) says so in its name, and only a time column
ntime = 0
for e in res["estimates"]:
    for t in e["tables"]:
        for c in t["columns"]:
            ntime += c["kind"] == "time_days"
            if (c["kind"] == "time_days") != c["name"].endswith("_days"):
                print("table", e["name"] + "-" + t["id"], "column", c["name"], "of kind", c["kind"]); problems += 1
if ntime < 8:   # km: time, median and its limits; cif: time (twice); cox's zph: none asked
    print("only", ntime, "time columns"); problems += 1
print("python:", len(tables), "tables")
sys.exit(1 if problems else 0)
EOF
    if (cd "$tmp" && python3 load.py) >"$tmp/py.out" 2>&1; then ok; else bad "the Python snippet"; cat "$tmp/py.out"; fi
fi

# --- R ------------------------------------------------------------------------
if command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(jsonlite)' >/dev/null 2>&1; then
    snippet R >"$tmp/load.R"
    if [ ! -s "$tmp/load.R" ]; then
        bad "no <!-- loader:R --> snippet in README.md"
    else
        cat >>"$tmp/load.R" <<'EOF'

# the test: every table equals its CSV file (read.csv as a user would)
problems <- 0
for (key in names(tables)) {
  df <- tables[[key]]
  csv <- read.csv(file.path("results", paste0(key, ".csv")), check.names = FALSE,
                  stringsAsFactors = FALSE, na.strings = "")
  if (!identical(dim(df), dim(csv)) || !identical(names(df), names(csv))) {
    cat("table", key, ": shape or names differ from the CSV\n"); problems <- problems + 1; next
  }
  for (j in seq_along(df)) {
    a <- df[[j]]; b <- csv[[j]]
    # a column with "<5" is text: its numbers compare as numbers (R turns a
    # number into text with 15 significant digits)
    na <- suppressWarnings(as.numeric(a)); nb <- suppressWarnings(as.numeric(b))
    num <- !is.na(na) & !is.na(nb)
    same <- identical(is.na(a), is.na(b)) &&
            all(abs(na[num] - nb[num]) <= 1e-14 * pmax(1, abs(nb[num]))) &&
            all(as.character(a)[!num & !is.na(a)] == as.character(b)[!num & !is.na(b)])
    if (!same) { cat("table", key, "column", names(df)[j], "differs\n"); problems <- problems + 1 }
  }
}
want <- c("01-km-survival", "rn_cif-cif", "rn_cif-test", "03-cox-coef")
if (!all(want %in% names(tables))) { cat("tables missing\n"); problems <- problems + 1 }
cat("R:", length(tables), "tables\n")
quit(status = if (problems) 1 else 0)
EOF
        if (cd "$tmp" && Rscript load.R) >"$tmp/r.out" 2>&1; then ok; else bad "the R snippet"; cat "$tmp/r.out"; fi
    fi
else
    echo "SKIP: the R snippet (no Rscript with jsonlite; scripts/deps.sh installs r-base-core r-cran-jsonlite)"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
