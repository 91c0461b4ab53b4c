#!/bin/sh
# tests/pg_fdw.sh: the query of `cohort sql` on a sharded PostgreSQL.
# Starts three servers of its own (tests/pg/server.sh): two shards, each
# holding the example cohort's rows (examples/data/sim400) of half of the
# patients, and a coordinator whose tables are partitioned by patient, each
# partition a postgres_fdw foreign table on a shard (lesions, which have no
# patient column, by ranges of course_id that follow the patients').  Each
# example study on sim400 (and tests/pg/studies/features.rules) is then
# read through the coordinator and must give, byte for byte, what it gives
# from the CSV files:
#  - export --in-database (every analysis): the generated SQL, unchanged;
#  - export in memory (the coordinator's partitioned tables read by COPY);
#  - run --in-database (the text report) and its exit status;
# or, for what the database cannot evaluate, the located "cannot be
# evaluated in the database" error (as tests/pg.sh requires).
# Skips (77) without PostgreSQL unless COHORT_REQUIRE_PG is set.
# Environment: COHORT (the cohort binary), CSVDDL (tests/pg/csvddl), srcdir.
set -u
: "${COHORT:?COHORT must name the cohort binary}"
: "${srcdir:=.}"
. "$srcdir/tests/pg/server.sh"
pg_init
pg_start shard1
port1=$port
pg_start shard2
port2=$port
pg_start coord
port0=$port

for v in PGSERVICE PGSERVICEFILE PGPASSWORD PGOPTIONS PGSSLMODE PGHOSTADDR PGHOST PGPORT; do unset "$v"; done
PGUSER=cohort PGDATABASE=cohort PGPASSFILE=$tmp/pgpass PGCONNECT_TIMEOUT=10
export PGUSER PGDATABASE PGPASSFILE PGCONNECT_TIMEOUT
echo "127.0.0.1:*:*:cohort:$password" >"$tmp/pgpass"
chmod 600 "$tmp/pgpass"
sql() { p=$1; shift; "$psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$p" "$@"; }
for p in $port1 $port2 $port0; do
    sql $p -d postgres -c "CREATE DATABASE cohort" || { echo "FAIL: createdb"; exit 99; }
    sql $p -c "CREATE SCHEMA sim400" || exit 99
done

# the split: patients 1..half on shard 1, the others on shard 2; lesions
# by course_id, whose ranges follow the patients' (checked)
data=$srcdir/examples/data/sim400
half=$(awk -F, 'NR > 1 { n++ } END { print int(n / 2) }' "$data/patients.csv")
cut=$(awk -F, -v h="$half" 'NR > 1 && $2 > h && (c == "" || $1 + 0 < c) { c = $1 + 0 }
        NR > 1 && $2 <= h && $1 + 0 > m { m = $1 + 0 }
        END { if (c == "" || m >= c) print "none"; else print c }' "$data/courses.csv")
[ "$cut" != none ] || { echo "FAIL: the course ids of sim400 do not follow its patients"; exit 99; }
sql $port0 -c "CREATE EXTENSION postgres_fdw" || { echo "FAIL: postgres_fdw is not installed"; exit 99; }
for s in 1 2; do
    eval "p=\$port$s"
    sql $port0 -c "CREATE SERVER shard$s FOREIGN DATA WRAPPER postgres_fdw
                     OPTIONS (host '127.0.0.1', port '$p', dbname 'cohort');
                   CREATE USER MAPPING FOR cohort SERVER shard$s OPTIONS (user 'cohort', password '$password')" ||
        exit 99
done
for f in "$data"/*.csv; do
    t=$(basename "$f" .csv)
    ddl=$("$CSVDDL" "sim400.$t" "$f") || { echo "FAIL: csvddl $f"; exit 99; }
    if [ "$t" = lesions ]; then
        key=course_id lo=$cut
    else
        key=patient_id lo=$((half + 1))
    fi
    sql $port1 -c "$ddl" -c "\\copy sim400.$t FROM '$f' WITH (FORMAT csv, HEADER true) WHERE $key < $lo" &&
        sql $port2 -c "$ddl" -c "\\copy sim400.$t FROM '$f' WITH (FORMAT csv, HEADER true) WHERE $key >= $lo" &&
        sql $port0 -c "${ddl%;} PARTITION BY RANGE ($key)" \
            -c "CREATE FOREIGN TABLE sim400.${t}_1 PARTITION OF sim400.$t FOR VALUES FROM (MINVALUE) TO ($lo)
                SERVER shard1 OPTIONS (schema_name 'sim400', table_name '$t')" \
            -c "CREATE FOREIGN TABLE sim400.${t}_2 PARTITION OF sim400.$t FOR VALUES FROM ($lo) TO (MAXVALUE)
                SERVER shard2 OPTIONS (schema_name 'sim400', table_name '$t')" ||
        { echo "FAIL: sharding $t"; exit 99; }
    # the link columns indexed on the shards, as pg.sh does
    for c in patient_id course_id; do
        if head -n 1 "$f" | tr ',' '\n' | grep -qx $c; then
            sql $port1 -c "CREATE INDEX ON sim400.$t ($c)" && sql $port2 -c "CREATE INDEX ON sim400.$t ($c)" || exit 99
        fi
    done
done
n1=$(sql $port1 -At -c "SELECT count(*) FROM sim400.patients")
n2=$(sql $port2 -At -c "SELECT count(*) FROM sim400.patients")
n0=$(sql $port0 -At -c "SELECT count(*) FROM sim400.patients")
if [ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] && [ "$n0" = $((n1 + n2)) ]; then
    echo "PASS: the coordinator reads $n0 patients, $n1 on one shard and $n2 on the other"
else
    echo "FAIL: sharded patients: $n1 + $n2 on the shards, $n0 through the coordinator"
    exit 1
fi
PGHOST=127.0.0.1 PGPORT=$port0
export PGHOST PGPORT

pg_examples "$srcdir/tests/pg/studies/features.rules"
refused() {
    [ "$1" = 1 ] && [ ! -s "$2.out" ] &&
        grep -q '^[^ ]*:[0-9]*:[0-9]*: error: .* cannot be evaluated in the database$' "$2.err"
}
same=0 refusals=0
# through postgres_fdw every correlated sub-select is a remote query: a
# few studies that use most of the language (PG_FDW_STUDIES for others)
studies=${PG_FDW_STUDIES:-tdxd_srs geraud2017 carlson2014 features}
nstudies=0
for name in $studies; do
    nstudies=$((nstudies + 1))
    rules=$tmp/csv/examples/studies/$name.rules
    awk -f "$srcdir/tests/pg/topg.awk" "$rules" >"$tmp/pg/examples/studies/$name.rules"
    analyses=$(sed -n 's/^analysis \([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' "$rules")
    [ -n "$analyses" ] || analyses=-
    good=1
    for a in $analyses; do
        set --
        [ "$a" = - ] || set -- --analysis "$a"
        (cd "$tmp/csv/examples/studies" && "$COHORT" export "$name.rules" "$@" -o "$tmp/csv.out") >/dev/null 2>&1
        for how in mem db; do
            rm -f "$tmp/$how.out"
            [ $how = db ] && set -- "$@" --in-database
            (cd "$tmp/pg/examples/studies" && "$COHORT" export "$name.rules" "$@" -o "$tmp/$how.out") \
                >/dev/null 2>"$tmp/$how.err"
            st=$?
            if [ $st = 0 ] && [ -s "$tmp/csv.out" ] && cmp -s "$tmp/csv.out" "$tmp/$how.out"; then
                :
            elif [ $how = db ] && refused $st "$tmp/$how"; then
                refusals=$((refusals + 1))
            else
                good=0
                bad "$name $a: export ($how, status $st) through the coordinator differs from the CSV export"
                head -n 5 "$tmp/$how.err"
                [ -e "$tmp/$how.out" ] && diff "$tmp/csv.out" "$tmp/$how.out" | head -n 10
            fi
        done
    done
    (cd "$tmp/csv/examples/studies" && "$COHORT" run "$name.rules") >"$tmp/csv.out" 2>/dev/null
    st0=$?
    (cd "$tmp/pg/examples/studies" && "$COHORT" run "$name.rules" --in-database) >"$tmp/db.out" 2>"$tmp/db.err"
    st=$?
    if [ $st = $st0 ] && [ -s "$tmp/csv.out" ] && cmp -s "$tmp/csv.out" "$tmp/db.out"; then
        :
    elif refused $st "$tmp/db"; then
        refusals=$((refusals + 1))
    else
        good=0
        bad "$name: run --in-database through the coordinator (status $st, from CSV $st0) differs from the CSV run"
        head -n 5 "$tmp/db.err"
        diff "$tmp/csv.out" "$tmp/db.out" | head -n 10
    fi
    [ $good = 1 ] && same=$((same + 1))
done
if [ $same = $nstudies ]; then
    ok "$same studies ($studies): export (in memory and in the database) and run --in-database through the shards as from CSV ($refusals refused with a located error)"
else
    bad "only $same of $nstudies studies give through the shards what they give from CSV"
fi
# the test can fail: the first study's query ordered by ctid (which orders
# the rows of one partition only: the shards' ctids interleave) gives the
# units in another order
set -- $studies
(cd "$tmp/pg/examples/studies" && "$COHORT" sql "$1.rules") >"$tmp/q.sql" 2>/dev/null
sed 's/^ORDER BY t\([0-9]*\)\..*;$/ORDER BY t\1.ctid;/' "$tmp/q.sql" >"$tmp/q_ctid.sql"
sql $port0 -At -F, -f "$tmp/q.sql" >"$tmp/q.out" 2>&1
sql $port0 -At -F, -f "$tmp/q_ctid.sql" >"$tmp/q_ctid.out" 2>&1
if ! cmp -s "$tmp/q.sql" "$tmp/q_ctid.sql" && [ -s "$tmp/q.out" ] && ! cmp -s "$tmp/q.out" "$tmp/q_ctid.out" &&
        [ "$(sort "$tmp/q.out")" = "$(sort "$tmp/q_ctid.out")" ]; then
    ok "ordered by ctid, the same query gives the same rows through the shards in another order"
else
    bad "ordered by ctid, the query gave the same order through the shards (or other rows)"
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
