#!/bin/sh
# tests/rmst_plugin.sh: builds the out-of-tree example plugin
# examples/plugins/rmst/ the way its README says (make && make install with
# its Makefile and pkg-config; the header from the source tree), runs it through `cohort run` on
# the lung and veteran data of tests/ref, and compares every RMST, standard
# error, confidence limit, contrast and test with R's values in
# tests/ref/rmst_ref.txt (written by tests/R/rmst.R): relative difference
# <= 1e-6, p-values below 1e-10 on the log scale.  Also checks the
# plugin's warnings and errors.  Prints one line per check that fails and
# "N passed, M failed"; exits non-zero if any failed.
set -u
: "${COHORT:?COHORT must name the cohort binary}"
: "${srcdir:=.}"
ref="$srcdir/tests/ref/rmst_ref.txt"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# --- the plugin, built as its README says: `make && make install` with its
# Makefile, pkg-config finding a cohort.pc that points at this source tree's
# header (as an installed one points at the installed header) ------------
mkdir "$tmp/plugins" "$tmp/pc" "$tmp/rmst"
cp "$srcdir/examples/plugins/rmst/Makefile" "$srcdir/examples/plugins/rmst/rmst.c" "$tmp/rmst/"
cat >"$tmp/pc/cohort.pc" <<EOF
includedir=$srcdir/include
plugindir=$tmp/plugins

Name: cohort
Description: plugin ABI of the cohort study-rules interpreter (test)
Version: 0
Cflags: -I\${includedir}
Libs:
EOF
if ! PKG_CONFIG_PATH="$tmp/pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" ${MAKE:-make} -s -C "$tmp/rmst" \
        CC="${CC:-cc}" all install >"$tmp/make.log" 2>&1 || [ ! -f "$tmp/plugins/rmst.so" ]; then
    bad "make && make install in examples/plugins/rmst"
    cat "$tmp/make.log"
    echo "$pass passed, $fail failed"
    exit 1
fi
ok
# one exported symbol, as the README says
if nm -D --defined-only "$tmp/plugins/rmst.so" 2>/dev/null | awk '{print $3}' | grep -v '^_' | grep -qvx cohort_plugin_entry; then
    bad "rmst.so exports more than cohort_plugin_entry"
else
    ok
fi

# --- data: one patients.csv per data set, times as dates from one origin ---
for d in lung veteran; do
    mkdir "$tmp/$d"
    awk 'NR == 1 { printf "patient_id,start_date"; for (i = 1; i <= NF; i++) printf ",%s", $i; print ""; next }
         { printf "%d,2000-01-01", NR - 1; for (i = 1; i <= NF; i++) printf ",%s", $i; print "" }' \
        "$srcdir/tests/ref/km_${d}_data.txt" >"$tmp/$d/patients.csv"
done

# write_rules NAME DATA ARGS: a study with endpoint os and `estimate rmst(os, ARGS)`
write_rules() {
    cat >"$tmp/$1.rules" <<EOF
study "rmst $1";
data csv "$2" { table patients key patient_id; }
timescale days;
endpoint os {
  origin start_date;
  event case when status == 1 then start_date + time * 1 day end;
  censor start_date + time * 1 day;
}
estimate rmst(os$3);
EOF
}

# run NAME: cohort run in JSON; sets $status
run() {
    "$COHORT" run "$tmp/$1.rules" --plugin-path "$tmp/plugins" --format json \
        >"$tmp/$1.json" 2>"$tmp/$1.err"
    status=$?
}

# The rows of the plugin's tables in JSON, as lines in the reference format
# without the case name: group LABEL n events tau rmst se lower upper / diff
# CMP ... / ratio CMP RMST|RMTL ... / test chisq df p.  Cells are null when
# missing.  (The host writes one table per line.)
json_rows() {
    awk '
    function emit(id, row,   n, f, i, out) {
        n = split(row, f, /, /)
        for (i = 1; i <= n; i++) {
            gsub(/"/, "", f[i])
            gsub(/ ratio$/, "", f[i])
            gsub(/ /, "", f[i])
        }
        if (id == "rmst") {
            out = "group " f[1] " " f[2] " " f[3] " " f[4] " " f[5] " " f[6] " " f[7] " " f[8]
        } else if (id == "difference") {
            out = "diff"
            for (i = 1; i <= 6; i++) out = out " " f[i]
        } else if (id == "ratio") {
            out = "ratio"
            for (i = 1; i <= 6; i++) out = out " " f[i]
        } else if (id == "test") {
            out = "test " f[1] " " f[2] " " f[3]
        } else return
        print out
    }
    /\{"id": "/ {
        id = $0; sub(/.*\{"id": "/, "", id); sub(/".*/, "", id)
        rows = $0
        if (!sub(/.*"rows": \[\[/, "", rows)) next
        sub(/\]\]\}.*/, "", rows)
        while ((k = index(rows, "], [")) > 0) {
            emit(id, substr(rows, 1, k - 1))
            rows = substr(rows, k + 4)
        }
        emit(id, rows)
    }' "$1"
}

# compare NAME: reference lines of case NAME against the plugin's rows;
# prints "ok KEY WORST" (the largest relative difference) or "FAIL KEY: why"
# per reference line and per extra row.
compare() {
    grep -E "^(group|diff|ratio|test) $1 " "$ref" | awk '{ $2 = ""; print }' |
        awk -v got="$tmp/$1.rows" '
    function keyof(line,   f) {
        split(line, f, " ")
        if (f[1] == "test") return "test"
        if (f[1] == "ratio") return f[1] " " f[2] " " f[3]
        return f[1] " " f[2]
    }
    function first(f) {
        if (f[1] == "test") return 2
        if (f[1] == "ratio") return 4
        return 3
    }
    function colname(kind, i,   c) { split(cols[kind], c, " "); return c[i] }
    function abs(x) { return x < 0 ? -x : x }
    # relative 1e-6; values below 1e-10 (p-values) on the log scale
    function reldiff(a, b,   m) {
        if (a == b) return 0
        if (a > 0 && b > 0 && a < 1e-10 && b < 1e-10) return abs(log(a) - log(b)) / abs(log(b))
        m = abs(a) > abs(b) ? abs(a) : abs(b)
        return abs(a - b) / m
    }
    BEGIN {
        cols["group"] = "- - n events tau rmst se lower upper"
        cols["diff"] = "- - difference se lower upper p"
        cols["ratio"] = "- - - ratio lower upper p"
        cols["test"] = "- chisq df p"
        while ((getline line < got) > 0) { rows[keyof(line)] = line; used[keyof(line)] = 0 } }
    {
        k = keyof($0)
        if (!(k in rows)) { print "FAIL " k ": no such row in the output"; next }
        used[k] = 1
        n = split($0, want, " "); split(rows[k], have, " ")
        why = ""
        worst = 0
        for (i = first(want); i <= n; i++) {
            if (have[i] == "null" || have[i] == "") { why = why " " colname(want[1], i) " missing"; continue }
            r = reldiff(have[i] + 0, want[i] + 0)
            if (r > worst) worst = r
            if (r > 1e-6) why = why sprintf(" %s %s, R %s;", colname(want[1], i), have[i], want[i])
        }
        print (why == "" ? "ok " k " " worst : "FAIL " k ":" why)
    }
    END { for (k in used) if (!used[k]) print "FAIL " k ": row not in the reference" }'
}

# --- the reference cases ------------------------------------------------------
ncases=0
while read -r kind name data by tau level refgrp; do
    [ "$kind" = case ] || continue
    ncases=$((ncases + 1))
    args=""
    [ "$by" != - ] && args="$args, by: $by"
    [ "$tau" != - ] && args="$args, tau: $tau days"
    [ "$refgrp" != - ] && args="$args, ref: \"$refgrp\""
    args="$args, conf_level: $level"
    write_rules "$name" "$data" "$args"
    run "$name"
    if [ "$status" != 0 ]; then
        bad "$name: cohort exited with $status"
        cat "$tmp/$name.err"
        continue
    fi
    json_rows "$tmp/$name.json" >"$tmp/$name.rows"
    if ! compare "$name" >"$tmp/$name.cmp"; then
        bad "$name: comparison failed"
        continue
    fi
    nref=$(grep -cE "^(group|diff|ratio|test) $name " "$ref")
    nok=$(grep -c '^ok ' "$tmp/$name.cmp")
    while read -r verdict rest; do
        if [ "$verdict" = ok ]; then ok; else bad "$name: $rest"; fi
    done <"$tmp/$name.cmp"
    [ "$nok" = "$nref" ] || bad "$name: $nok of $nref reference rows matched"
done <"$ref"
[ "$ncases" -gt 0 ] || bad "no cases in $ref"
cat "$tmp"/*.cmp 2>/dev/null |
    awk '$1 == "ok" && $NF + 0 > worst { worst = $NF + 0 } END { printf "largest relative difference from R: %.3g\n", worst }'

# expect_err NAME TEXT: the run of NAME wrote TEXT (a fixed string) to stderr
expect_err() {
    if grep -qF -- "$2" "$tmp/$1.err"; then ok; else bad "$1: stderr lacks: $2"; cat "$tmp/$1.err"; fi
}
expect_err lung_sex_beyond "tau is after the last follow-up (965 days) of sex = 2"
expect_err lung_ecog "1 of 228 rows dropped for missing values of os or ecog"
expect_err lung_ecog "no test of equal RMSTs: ecog = 3 has no variance up to tau"

# --- errors: exit status 4 (an estimate failed) and the message -------------
# expect_fail NAME DATA ARGS TEXT
expect_fail() {
    write_rules "$1" "$2" "$3"
    run "$1"
    if [ "$status" = 4 ] && grep -qF -- "$4" "$tmp/$1.err"; then ok
    else bad "$1: exit status $status, stderr:"; cat "$tmp/$1.err"; fi
}
expect_fail err_tau lung ", by: sex, tau: 0 days" "tau: the horizon must be a positive duration"
expect_fail err_ref lung ", by: sex, ref: \"9\"" "ref: \"9\" is not a value of sex"
expect_fail err_level lung ", conf_level: 1.5" "conf_level 1.5 is not between 0 and 1"
expect_fail err_ref_no_by lung ", ref: \"1\"" "ref: give \`by\` to compare groups"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
