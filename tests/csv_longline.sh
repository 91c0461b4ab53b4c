#!/bin/sh
# tests/csv_longline.sh: a CSV syntax error in a file over 16 MB quotes its
# whole line, also when the line crosses the 16 MiB mark (the size of the
# tokenizer's read buffer, where it used to be cut; issue 12).  The file is
# generated here: rows of padding up to 40 bytes before the mark, then a row
# with a bad quote whose line runs 80 bytes past it.
. "${srcdir:-.}/tests/preamble.sh"
mkdir "$tmp/data"
cat >"$tmp/study.rules" <<'RULES'
study "a syntax error across the 16 MiB mark";
data csv "data" { table patients key patient_id; }
unit patients;
estimate describe(vars: [kps]);
RULES
tail=$(printf '%0100d' 0 | tr 0 y)
awk -v limit=$((16 * 1048576 - 40)) -v tail="$tail" 'BEGIN {
    pad = sprintf("%080d", 0); gsub(/0/, "x", pad)
    print "patient_id,note,kps"; pos = 20
    for (i = 1; ; i++) {
        line = i "," pad ",70"
        if (pos + length(line) + 1 > limit) break
        print line; pos += length(line) + 1
    }
    bad = i ",\"ab\"c" tail ",70"
    print bad
    for (j = i + 1; j < i + 100; j++) print j "," pad ",70"
    # the line number and the bad line, for the expected message
    printf "%d\n%s\n", i + 1, bad > "/dev/stderr"
}' >"$tmp/data/patients.csv" 2>"$tmp/bad"
size=$(wc -c <"$tmp/data/patients.csv")
if [ "$size" -le $((16 * 1048576)) ]; then
    echo "FAIL: the generated file has $size bytes, not more than 16 MiB"
    exit 1
fi
lineno=$(sed -n 1p "$tmp/bad")
badline=$(sed -n 2p "$tmp/bad")
{
    printf 'data/patients.csv:%d:12: error: unexpected character after a closing quote\n' "$lineno"
    printf '%5d | %s\n' "$lineno" "$badline"
    printf '      |            ^\n'
} >"$tmp/expected.err"
(cd "$tmp" && "$COHORT" run study.rules) >"$tmp/out" 2>"$tmp/err"
status=$?
ok=1
if [ "$status" != 2 ]; then
    echo "FAIL: exit status $status, expected 2"
    ok=0
fi
if ! cmp -s "$tmp/expected.err" "$tmp/err"; then
    echo "FAIL: the diagnostic differs"
    diff -u "$tmp/expected.err" "$tmp/err" | cut -c1-200
    ok=0
fi
[ $ok = 1 ] && echo "PASS: csv_longline"
[ $ok = 1 ]
