#!/bin/sh
# tests/csv_parts.sh: a CSV file read in parts on several threads gives the
# tables, the outputs and the diagnostics of one pass, for any number of
# threads (issue 11).  COHORT_CSV_PART_BYTES (data.c's test hook) cuts even
# these small files into parts of 1, 61 and 4096 bytes, so part boundaries
# fall inside quoted fields that hold newlines, commas and "" escapes,
# inside CRLF line ends and blank lines; each is run with --threads 1, 2 and
# 7 and compared byte for byte with the one-pass reading (no hook, one
# thread): `run` (stdout, stderr, exit status) and `export` (the file).  The
# data is generated here: 400 patients whose kps turns real at patient 350
# and whose site turns text at patient 300 (the types of the parts join, the
# earlier rows are read again as text), 600 courses ordered by date within
# each patient.  Then broken copies: 25 impossible dates (the limit of 20
# errors and its note), an unterminated quote at the end, a duplicate key,
# an unknown parent, 32 key and link problems in courses (the first 20 of
# one pass, wherever the slices linking the rows begin) and a ragged row
# after multi-line fields (errors located by reading again), and a partial
# date in a declared date column.  Each is also read without the fast
# paths of the tokenizer and the cells (COHORT_CSV_SLOW=1), which must
# change nothing.
. "${srcdir:-.}/tests/preamble.sh"

gen() {
    mkdir -p "$1/data"
    awk -v dir="$1/data" 'BEGIN {
        p = dir "/patients.csv"; c = dir "/courses.csv"
        print "patient_id,note,kps,site,birth_date,flag" > p
        print "course_id,patient_id,start_date,dose_gy" > c
        cid = 1
        for (i = 1; i <= 400; i++) {
            r = i % 7; note = "plain"
            if (r == 1) note = "\"two\nlines, with a comma\""
            else if (r == 2) note = "\"quote \"\"x\"\" and\n\nthree newlines\n\""
            else if (r == 3) note = "\"\""
            else if (r == 4) note = ""
            kps = i == 350 ? "72.5" : 60 + i % 5 * 10
            site = i == 300 ? "C3" : i % 3
            bd = sprintf("19%02d-%02d-%02d", 40 + i % 50, 1 + i % 12, 1 + i % 28)
            flag = i % 2 ? "true" : "false"
            eol = i % 11 == 0 ? "\r\n" : "\n"
            printf "%d,%s,%s,%s,%s,%s%s", i, note, kps, site, bd, flag, eol > p
            if (i % 13 == 0) printf "\n" > p
            for (k = 0; k < i % 4; k++) {
                d = sprintf("2019-%02d-%02d", 1 + (i * 7 + k * 5) % 12, 1 + (i + k * 3) % 28)
                if ((i + k) % 17 == 0) d = ""
                printf "%d,%d,%s,%s\n", cid++, i, d, k == 2 ? "" : 18 + k > c
            }
        }
    }'
    cat >"$1/study.rules" <<'RULES'
study "parts";
data csv "data" {
  table patients key patient_id;
  table courses key course_id in patients order by start_date;
}
unit courses;
let kps = patient.kps;
let site = patient.site;
let note = patient.note;
let born = patient.birth_date;
let n_before = count courses c: c.start_date before start_date;
estimate describe(vars: [kps, dose_gy, site, n_before]);
RULES
}

# compare `run` (and `export` when $2 is 1) of the study in $1 read in parts
# with the one-pass reading
check() {
    dir=$1
    (cd "$dir" && "$COHORT" run --threads 1 study.rules) >"$dir/ref.out" 2>"$dir/ref.err"
    echo $? >"$dir/ref.status"
    if [ "$2" = 1 ]; then
        (cd "$dir" && "$COHORT" export study.rules -o ref.csv) >/dev/null 2>&1 ||
            fail "$dir: export failed"
    fi
    # the tokenizer's and the cells' general paths alone (data.c's test
    # hook COHORT_CSV_SLOW): the same, so the fast paths change nothing
    (cd "$dir" && COHORT_CSV_SLOW=1 "$COHORT" run --threads 1 study.rules) >"$dir/p.out" 2>"$dir/p.err"
    echo $? >"$dir/p.status"
    for s in out err status; do
        cmp -s "$dir/ref.$s" "$dir/p.$s" || fail "$(basename "$dir"): without the fast paths: $s differs"
    done
    for bytes in 1 61 4096; do
        for th in 1 2 7; do
            (cd "$dir" && COHORT_CSV_PART_BYTES=$bytes "$COHORT" run --threads $th study.rules) \
                >"$dir/p.out" 2>"$dir/p.err"
            echo $? >"$dir/p.status"
            for s in out err status; do
                cmp -s "$dir/ref.$s" "$dir/p.$s" ||
                    fail "$(basename "$dir"): parts of $bytes bytes, $th threads: $s differs"
            done
        done
        if [ "$2" = 1 ]; then
            (cd "$dir" && COHORT_CSV_PART_BYTES=$bytes "$COHORT" export study.rules -o p.csv) \
                >/dev/null 2>&1
            cmp -s "$dir/ref.csv" "$dir/p.csv" ||
                fail "$(basename "$dir"): export with parts of $bytes bytes differs"
        fi
    done
}

# the good study: it runs, and text from the promoted column is there
gen "$tmp/good"
check "$tmp/good" 1
grep -q 'C3' "$tmp/good/ref.csv" && fail "good: patient 300 has no course, C3 must not be exported"
grep -q 'site      0, n (%)' "$tmp/good/ref.out" || fail "good: site is not text"
[ "$(cat "$tmp/good/ref.status")" = 0 ] || fail "good: exit status $(cat "$tmp/good/ref.status")"

# columns the rules never read left unchecked, and a default order found
# by checking them after the pass (data.c type_unchecked): the same in parts
cp -R "${srcdir:-.}/tests/e2e/cases/data_unread_unchecked" "$tmp/unread"
check "$tmp/unread" 1
[ "$(cat "$tmp/unread/ref.status")" = 0 ] || fail "unread: exit status $(cat "$tmp/unread/ref.status")"
grep -q '^1,radionecrosis$' "$tmp/unread/ref.csv" || fail "unread: patient 1's first event is not radionecrosis"

# a broken copy: `broken NAME PATTERN` checks the study in $tmp/NAME (made
# with gen and then broken) and that the one-pass reading reports PATTERN
broken() {
    check "$tmp/$1" 0
    grep -q "$2" "$tmp/$1/ref.err" || fail "$1: no '$2' in the diagnostics"
}

# 25 impossible dates spread over the file: 20 errors and the note
gen "$tmp/limit"
awk '/^[0-9]+,/ && n < 25 && int($0) % 5 == 0 { if (sub(/,19[0-9][0-9]-[0-9][0-9]-[0-9][0-9],/, ",1999-02-30,")) n++ } { print }' \
    "$tmp/limit/data/patients.csv" >"$tmp/limit/x" && mv "$tmp/limit/x" "$tmp/limit/data/patients.csv"
broken limit 'too many errors'
[ "$(grep -c 'error: column .birth_date. has an impossible date' "$tmp/limit/ref.err")" = 20 ] ||
    fail "limit: not 20 errors"

# an unterminated quote in the last record
gen "$tmp/quote"
printf '401,"no end,70,1,1950-01-01,true\n402,x,70,1,1950-01-01,true\n' >>"$tmp/quote/data/patients.csv"
broken quote 'unterminated quoted field'

# a duplicate key after multi-line fields
gen "$tmp/links"
printf '401,"a\nb",70,1,1950-01-01,true\n15,plain,70,1,1950-01-01,true\n' \
    >>"$tmp/links/data/patients.csv"
broken links 'duplicate key patient_id 15 (first at line'

# an unknown parent
gen "$tmp/orphan"
sed -i '300s/^\([0-9]*\),[0-9]*,/\1,999,/' "$tmp/orphan/data/courses.csv"
broken orphan 'patient_id 999 not found in patients'

# 25 link problems (unknown and missing parents), 6 duplicate keys and a
# missing one spread over the courses (the key hash: filled again in one pass): linked in slices of 1, 61 and 4096 rows (the
# hook), the problems kept are those of one pass, in the same order
gen "$tmp/links25"
awk -F, -v OFS=, 'NR > 1 && NR % 23 == 0 && n < 25 { $2 = n % 2 ? "" : 900 + n; n++ }
    NR > 1 && NR % 97 == 0 { $1 = 1 } NR == 250 { $1 = "" } { print }' \
    "$tmp/links25/data/courses.csv" >"$tmp/links25/x" && mv "$tmp/links25/x" "$tmp/links25/data/courses.csv"
broken links25 'too many errors'
for p in 'duplicate key course_id 1 (first at line 2)' 'patient_id 900 not found in patients' \
    "missing value in key column 'course_id'" \
    'missing patient_id: every row of courses'; do
    grep -q "$p" "$tmp/links25/ref.err" || fail "links25: no '$p'"
done
[ "$(grep -c 'error:' "$tmp/links25/ref.err")" = 20 ] || fail "links25: not 20 errors"

# a ragged row after multi-line fields
gen "$tmp/ragged"
printf '401,"a\nb",70,1,1950-01-01,true\n402,"c\n",70\n' >>"$tmp/ragged/data/patients.csv"
broken ragged 'expected 6 fields'

# a declared date column with a partial date in a late part
gen "$tmp/declared"
sed -i 's/table patients key patient_id;/table patients key patient_id { birth_date: date; }/' \
    "$tmp/declared/study.rules"
sed -i '600s/,19[0-9][0-9]-[0-9][0-9]-[0-9][0-9],/,1960-05,/' "$tmp/declared/data/patients.csv"
broken declared "has a partial date '1960-05'"

[ $fails = 0 ] && echo "PASS: csv_parts"
[ $fails = 0 ]
