#!/bin/sh
# tests/pg.sh: data postgres against a real PostgreSQL server.  Starts a
# server of its own (initdb + pg_ctl in a temporary folder, on a free port,
# as an unprivileged user when run as root, password authentication only),
# loads the example data (examples/data/*, one schema per folder, column
# types as cohort's CSV loader infers them: tests/pg/csvddl), then:
#  - loads the OMOP CDM example (examples/data/omop400) with the CDM DDL
#    (examples/omop/ddl.sql) and COPY, read through lib/omop.rules with the
#    schema on the search path (koide2024_omop.rules);
#  - runs every example study (examples/studies/*.rules, and
#    tests/pg/studies/*.rules for features they do not use) and exports its
#    analysis dataset (of each analysis block) from the CSV files and from
#    PostgreSQL (the data
#    statement rewritten to `data postgres "" { table T from "SCHEMA.T" ... }`)
#    and requires byte-identical output, status and diagnostics;
#  - exports each analysis again with --in-database (the query of cohort
#    sql run by PostgreSQL) and requires the same file, or a located
#    "cannot be evaluated in the database" error;
#  - runs each study with run --in-database (attrition and the estimates'
#    columns computed by PostgreSQL) and requires the in-memory run's
#    output (text and JSON), warnings and status, or that located error;
#  - runs the differential test of the two engines (tests/pg/difftest.py)
#    and replays the minimised cases it found (tests/pg/diff/);
#  - runs the cases of tests/pg/cases/ with tests/e2e.sh (exact output and
#    diagnostics: type mapping, connection refused, bad password, password
#    in the rules, missing table and column, unmappable type, a query
#    cancelled part-way, a duplicate key found by the loader).
# Without a PostgreSQL server installed it skips (exit 77), unless
# COHORT_REQUIRE_PG is set (scripts/test.sh sets it): then it fails.
# Environment: COHORT (the cohort binary), CSVDDL (tests/pg/csvddl), srcdir.
set -u
: "${COHORT:?COHORT must name the cohort binary}"
: "${srcdir:=.}"
. "$srcdir/tests/pg/server.sh"
pg_init
pg_start db

# credentials: the environment and a password file, as the manual says
for v in PGSERVICE PGSERVICEFILE PGPASSWORD PGOPTIONS PGSSLMODE PGHOSTADDR; do unset "$v"; done
PGHOST=127.0.0.1 PGPORT=$port PGUSER=cohort PGDATABASE=cohort PGPASSFILE=$tmp/pgpass
PGCONNECT_TIMEOUT=10
export PGHOST PGPORT PGUSER PGDATABASE PGPASSFILE PGCONNECT_TIMEOUT
{
    echo "127.0.0.1:$port:*:cohort:$password"
    echo "127.0.0.1:$port:*:intruder:not-the-password"
} >"$tmp/pgpass"
chmod 600 "$tmp/pgpass"
sql() { "$psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
sql -d postgres -c "CREATE DATABASE cohort" || { echo "FAIL: createdb"; exit 99; }

# the example data: one schema per folder; the OMOP CDM tables
# (examples/data/omop400) with the CDM's DDL, examples/omop/ddl.sql
for dir in "$srcdir"/examples/data/*/; do
    schema=$(basename "$dir")
    sql -c "CREATE SCHEMA \"$schema\"" || exit 99
    if [ -f "$dir/concept_ancestor.csv" ]; then
        sql -c "SET search_path = \"$schema\"" -f "$srcdir/examples/omop/ddl.sql" ||
            { echo "FAIL: examples/omop/ddl.sql"; exit 99; }
    fi
    for f in "$dir"*.csv; do
        t=$(basename "$f" .csv)
        if [ ! -f "$dir/concept_ancestor.csv" ]; then
            ddl=$("$CSVDDL" "$schema.$t" "$f") || { echo "FAIL: csvddl $f"; exit 99; }
            sql -c "$ddl" || { echo "FAIL: creating $schema.$t"; exit 99; }
        fi
        sql -c "\\copy \"$schema\".\"$t\" FROM '$f' WITH (FORMAT csv, HEADER true)" ||
            { echo "FAIL: loading $f"; exit 99; }
    done
done
# the fixtures of tests/pg/cases
sql -f "$srcdir/tests/pg/fixtures.sql" || { echo "FAIL: tests/pg/fixtures.sql"; exit 99; }

# Every example study from CSV and from PostgreSQL.
pg_examples "$srcdir"/tests/pg/studies/*.rules
for rules in "$tmp"/csv/examples/studies/*.rules; do
    name=$(basename "$rules" .rules)
    awk -f "$srcdir/tests/pg/topg.awk" "$rules" >"$tmp/pg/examples/studies/$name.rules"
    if ! grep -q '^data postgres "' "$tmp/pg/examples/studies/$name.rules"; then
        bad "$name: no data csv statement to rewrite"
        continue
    fi
    same=1
    # export: once per analysis block, or once
    analyses=$(sed -n 's/^analysis \([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' "$rules")
    exports=""
    for a in $analyses; do exports="$exports export:$a"; done
    [ -n "$exports" ] || exports=export
    for cmd in run $exports; do
        for src in csv pg; do
            if [ $cmd = run ]; then
                (cd "$tmp/$src/examples/studies" && "$COHORT" run "$name.rules") \
                    >"$tmp/$src.out" 2>"$tmp/$src.err"
            elif [ $cmd = export ]; then
                (cd "$tmp/$src/examples/studies" && "$COHORT" export "$name.rules" -o "$tmp/$src.out") \
                    >/dev/null 2>"$tmp/$src.err"
            else
                (cd "$tmp/$src/examples/studies" &&
                    "$COHORT" export "$name.rules" --analysis "${cmd#export:}" -o "$tmp/$src.out") \
                    >/dev/null 2>"$tmp/$src.err"
            fi
            echo $? >"$tmp/$src.status"
        done
        if [ "$(cat "$tmp/csv.status")" != 0 ] || [ ! -s "$tmp/csv.out" ]; then
            bad "$name: $cmd from CSV failed"
            cat "$tmp/csv.err"
            same=0
        fi
        for part in out err status; do
            if ! cmp -s "$tmp/csv.$part" "$tmp/pg.$part"; then
                same=0
                bad "$name: $cmd: std$part differs between CSV and PostgreSQL"
                diff -u "$tmp/csv.$part" "$tmp/pg.$part" | head -30
            fi
        done
    done
    [ $same = 1 ] && ok "$name: run and export identical from CSV and PostgreSQL"
done

# export --in-database: the analysis dataset computed by PostgreSQL from
# the query of `cohort sql` must equal the in-memory engine's, byte for
# byte; a study using what the database cannot evaluate (extern functions,
# endpoints given by rows)
# must say so at its place in the rules, exit 1 and write nothing.  Each
# analysis is exported twice: as it is, and with --status-labels and
# --booleans 01 (columns both engines write).
# Indexes on the link columns (as a database would have them) keep the
# correlated sub-selects fast; they change no row order.
sql -At -c "SELECT format('CREATE INDEX ON %I.%I (%I);', table_schema, table_name, column_name)
            FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
            AND column_name IN ('patient_id', 'course_id', 'lesion_id')" >"$tmp/idx.sql" &&
    sql -f "$tmp/idx.sql" && sql -c "ANALYZE" || { echo "FAIL: indexes"; exit 99; }
indb_same=0 indb_refused=0
for rules in "$tmp"/pg/examples/studies/*.rules; do
    name=$(basename "$rules" .rules)
    analyses=$(sed -n 's/^analysis \([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' "$rules")
    [ -n "$analyses" ] || analyses=-
    for a in $analyses; do
      for xo in plain labels; do
        set --
        [ "$a" = - ] || set -- --analysis "$a"
        [ $xo = plain ] || set -- "$@" --status-labels --booleans 01
        (cd "$tmp/csv/examples/studies" && "$COHORT" export "$name.rules" "$@" -o "$tmp/mem.csv") >/dev/null 2>&1
        rm -f "$tmp/db.csv"
        (cd "$tmp/pg/examples/studies" && "$COHORT" export "$name.rules" "$@" --in-database -o "$tmp/db.csv") \
            >/dev/null 2>"$tmp/db.err"
        st=$?
        if [ $st = 0 ] && cmp -s "$tmp/mem.csv" "$tmp/db.csv"; then
            indb_same=$((indb_same + 1))
        elif [ $st = 1 ] && [ ! -e "$tmp/db.csv" ] &&
                grep -q '^[^ ]*:[0-9]*:[0-9]*: error: .* cannot be evaluated in the database$' "$tmp/db.err"; then
            indb_refused=$((indb_refused + 1))
        else
            bad "$name $a $xo: export --in-database (status $st) differs from the in-memory export"
            cat "$tmp/db.err"
            [ -e "$tmp/db.csv" ] && diff "$tmp/mem.csv" "$tmp/db.csv" | head -20
        fi
      done
    done
done
if [ $indb_same -ge 20 ]; then
    ok "export --in-database: $indb_same exports identical to the in-memory export, $indb_refused refused with a located error"
else
    bad "export --in-database: only $indb_same exports identical"
fi

# run --in-database: the attrition counts and the estimates' columns
# computed by PostgreSQL (the query of sqlgen_run), the estimators run on
# them: the same output (the text report and the JSON document), the same
# warnings and status as the in-memory run of the same rules, or a located
# "cannot be evaluated in the database" error and nothing printed.
run_same=0 run_refused=0
SOURCE_DATE_EPOCH=1700000000   # the same run date in both documents
export SOURCE_DATE_EPOCH
for rules in "$tmp"/pg/examples/studies/*.rules; do
    name=$(basename "$rules" .rules)
    for fmt in text json; do
        (cd "$tmp/pg/examples/studies" && "$COHORT" run "$name.rules" --format $fmt) >"$tmp/mem.out" 2>"$tmp/mem.err"
        echo $? >"$tmp/mem.status"
        (cd "$tmp/pg/examples/studies" && "$COHORT" run "$name.rules" --format $fmt --in-database) \
            >"$tmp/db.out" 2>"$tmp/db.err"
        echo $? >"$tmp/db.status"
        # in the database, check reads a sample of the rows and its warnings say so
        sed 's/ in the rows read by check (its values/ (its values/' "$tmp/db.err" >"$tmp/db.err2" &&
            mv "$tmp/db.err2" "$tmp/db.err"
        if [ $fmt = json ]; then
            # the data's hashes (in the database cohort reads no rows) and the command line
            for f in mem db; do
                sed -e 's/"sha256": "[0-9a-f]*"/"sha256": null/g' -e 's/, "--in-database"\]/]/' \
                    -e 's/ in the rows read by check (its values/ (its values/' "$tmp/$f.out" \
                    >"$tmp/$f.json" && mv "$tmp/$f.json" "$tmp/$f.out"
            done
        fi
        if cmp -s "$tmp/mem.out" "$tmp/db.out" && cmp -s "$tmp/mem.err" "$tmp/db.err" &&
                cmp -s "$tmp/mem.status" "$tmp/db.status"; then
            [ $fmt = text ] && run_same=$((run_same + 1))
        elif [ "$(cat "$tmp/db.status")" = 1 ] && [ ! -s "$tmp/db.out" ] &&
                grep -q '^[^ ]*:[0-9]*:[0-9]*: error: .* cannot be evaluated in the database$' "$tmp/db.err"; then
            [ $fmt = text ] && run_refused=$((run_refused + 1))
            # these use only what the database evaluates (concept sets: koide2024_omop,
            # eras: park2022, included(): mills2021, chun2026)
            case " tdxd_srs koide2024_omop park2022 mills2021 chun2026 " in
            *" $name "*) bad "$name: run --in-database refused"; cat "$tmp/db.err" ;;
            esac
        else
            bad "$name: run --in-database --format $fmt (status $(cat "$tmp/db.status")) differs from the in-memory run"
            diff "$tmp/mem.out" "$tmp/db.out" | head -20
            diff "$tmp/mem.err" "$tmp/db.err" | head -20
        fi
    done
done
if [ $run_same -ge 10 ]; then
    ok "run --in-database: $run_same studies print the same as in memory, $run_refused refused with a located error"
else
    bad "run --in-database: only $run_same studies print the same as in memory"
fi
unset SOURCE_DATE_EPOCH

# the differential test: random cohorts and random valid rules, exported by
# both engines (tests/pg/difftest.py; a short pass here, DIFFTEST_PROGRAMS
# and DIFFTEST_SEED for longer ones), then the minimised cases it found
if command -v python3 >/dev/null 2>&1; then
    PSQL=$psql
    export PSQL
    if python3 "$srcdir/tests/pg/difftest.py" --cohort "$COHORT" --programs "${DIFFTEST_PROGRAMS:-40}" \
            --seed "${DIFFTEST_SEED:-1}" >"$tmp/diff.log" 2>&1; then
        ok "differential test: $(tail -n 1 "$tmp/diff.log")"
    else
        cat "$tmp/diff.log"
        bad "differential test"
    fi
    set -- "$srcdir"/tests/pg/diff/*/
    if [ -d "$1" ]; then
        if python3 "$srcdir/tests/pg/difftest.py" --cohort "$COHORT" --replay "$@" >"$tmp/diff.log" 2>&1; then
            ok "differential test: $(tail -n 1 "$tmp/diff.log")"
        else
            cat "$tmp/diff.log"
            bad "differential test regression cases"
        fi
    fi
else
    bad "the differential test needs python3"
fi

# the comparison can fail: SRS one day later in the database changes the
# PostgreSQL run of the main example
sql -c "UPDATE sim400.courses SET start_date = start_date + 1" || exit 99
(cd "$tmp/csv/examples/studies" && "$COHORT" export tdxd_srs.rules -o "$tmp/csv.out") >/dev/null 2>&1
(cd "$tmp/pg/examples/studies" && "$COHORT" export tdxd_srs.rules -o "$tmp/pg.out") >/dev/null 2>&1
if [ -s "$tmp/pg.out" ] && ! cmp -s "$tmp/csv.out" "$tmp/pg.out"; then
    ok "courses moved by a day in PostgreSQL change the exported dataset"
else
    bad "courses moved by a day in PostgreSQL did not change the exported dataset"
fi
# ... and the database engine sees the change as the in-memory one does (an
# UPDATE also moves the rows: both engines read the courses in key order)
(cd "$tmp/pg/examples/studies" && "$COHORT" export tdxd_srs.rules --in-database -o "$tmp/db.out") >/dev/null 2>&1
if [ -s "$tmp/db.out" ] && cmp -s "$tmp/pg.out" "$tmp/db.out" && ! cmp -s "$tmp/csv.out" "$tmp/db.out"; then
    ok "courses moved by a day: export --in-database changes as the in-memory export does"
else
    bad "courses moved by a day: export --in-database differs from the in-memory export"
fi
(cd "$tmp/csv/examples/studies" && "$COHORT" run tdxd_srs.rules) >"$tmp/csv.out" 2>/dev/null
(cd "$tmp/pg/examples/studies" && "$COHORT" run tdxd_srs.rules) >"$tmp/pg.out" 2>/dev/null
(cd "$tmp/pg/examples/studies" && "$COHORT" run tdxd_srs.rules --in-database) >"$tmp/db.out" 2>/dev/null
if [ -s "$tmp/db.out" ] && cmp -s "$tmp/pg.out" "$tmp/db.out" && ! cmp -s "$tmp/csv.out" "$tmp/db.out"; then
    ok "courses moved by a day: run --in-database changes as the in-memory run does"
else
    bad "courses moved by a day: run --in-database differs from the in-memory run"
fi

# the cases with exact diagnostics
if E2E_CASES="$srcdir/tests/pg/cases" sh "$srcdir/tests/e2e.sh" >"$tmp/cases.log" 2>&1; then
    ok "tests/pg/cases: $(tail -n 1 "$tmp/cases.log")"
else
    cat "$tmp/cases.log"
    bad "tests/pg/cases"
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
