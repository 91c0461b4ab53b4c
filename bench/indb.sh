#!/bin/sh
# bench/indb.sh: export --in-database against the in-memory engine.
# For each size N (default: 1000000; the issue's scale is 10000000):
# simulate N patients, load them into the PostgreSQL server of the
# environment (PGHOST, PGPORT, PGUSER, PGDATABASE, a password file) as
# schema simN with an index on each link column, then export the benchmark
# study (bench/course_study.rules with its data statement rewritten to data
# postgres) three ways, printing wall time and cohort's own peak RSS:
#   csv   export from the CSV files (in memory)
#   pg    export from PostgreSQL, per-unit phase in memory
#   indb  export --in-database (the per-unit phase in PostgreSQL)
# and whether the three files are identical; then runs the study (attrition
# and the describe estimate) from the CSV files and with run --in-database
# and whether the two outputs are identical.
# With BENCH_ONLY=indb, only the database engine runs (at 10,000,000
# patients the in-memory engine needs about 15 GB for the tables):
# export --in-database, printing how many units it wrote, then run
# --in-database (not compared with the other engine).
# Usage: bench/indb.sh [BUILD_DIR] [N...]   (BENCH_DIR: where the CSV go)
set -e
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
[ $# -gt 0 ] && shift
sizes=${*:-1000000}
cohort="$build/cohort"
csvddl="$build/tests/pg/csvddl"
work=${BENCH_DIR:-/tmp/cohort-bench}
COHORT_PLUGIN_PATH="$build/plugins/.libs"
export COHORT_PLUGIN_PATH
[ -x "$csvddl" ] || (cd "$build" && make tests/pg/csvddl >/dev/null)
mkdir -p "$work/pg"   # the rules read from PostgreSQL, under the same file name
measure() {   # label, then the command: wall seconds and peak RSS of the command
    label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt" ||
        { cat "$work/err.txt"; exit 1; }
    set -- $(cat "$work/time.txt")
    echo "  $label: $1 s, peak RSS $(echo "scale=1; $2 / 1024" | bc) MB"
}
for n in $sizes; do
    dir="$work/sim$n"
    [ -f "$dir/events.csv" ] || "$cohort" simulate --patients "$n" --seed 7 --out "$dir" >/dev/null
    schema="sim$n"
    echo "$n patients:"
    if ! psql -X -q -At -c "SELECT 1 FROM $schema.events LIMIT 1" >/dev/null 2>&1; then
        start=$(date +%s)
        psql -X -q -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
        # the five tables at once (COPY is bound by the server's parsing, one core each)
        pids=""
        for t in patients courses lesions drugs events; do
            psql -X -q -v ON_ERROR_STOP=1 -c "$("$csvddl" "$schema.$t" "$dir/$t.csv")" \
                 -c "\\copy $schema.$t FROM '$dir/$t.csv' WITH (FORMAT csv, HEADER true)" &
            pids="$pids $!"
        done
        for p in $pids; do wait "$p" || { echo "loading $schema failed"; exit 1; }; done
        pids=""
        for t in courses drugs events; do psql -X -q -c "CREATE INDEX ON $schema.$t (patient_id)" & pids="$pids $!"; done
        psql -X -q -c "CREATE INDEX ON $schema.lesions (course_id)" &
        for p in $pids $!; do wait "$p" || { echo "indexing $schema failed"; exit 1; }; done
        psql -X -q -c "ANALYZE"
        echo "  loaded into PostgreSQL in $(($(date +%s) - start)) s ($(psql -X -At -c "SELECT pg_size_pretty(pg_database_size(current_database()))"))"
    fi
    sed "s#^data csv \"data\"#data postgres \"\"#; s#^\\(  table \\([a-z]*\\)\\)#\\1 from \"$schema.\\2\"#" \
        "$here/course_study.rules" >"$work/pg/course_study.rules"
    if [ "${BENCH_ONLY:-}" = indb ]; then
        measure indb "$cohort" export "$work/pg/course_study.rules" --in-database -o "$work/indb.csv"
        echo "  $(($(wc -l <"$work/indb.csv") - 1)) units exported"
        measure "run indb" "$cohort" run "$work/pg/course_study.rules" --in-database
        continue
    fi
    measure csv "$cohort" export "$here/course_study.rules" --data "$dir" -o "$work/csv.csv"
    measure pg "$cohort" export "$work/pg/course_study.rules" -o "$work/pg.csv"
    measure indb "$cohort" export "$work/pg/course_study.rules" --in-database -o "$work/indb.csv"
    if cmp -s "$work/csv.csv" "$work/indb.csv" && cmp -s "$work/pg.csv" "$work/indb.csv"; then
        echo "  the three exports are identical ($(($(wc -l <"$work/indb.csv") - 1)) units)"
    else
        echo "  the exports DIFFER"
        exit 1
    fi
    measure "run csv" "$cohort" run "$here/course_study.rules" --data "$dir"
    cp "$work/out.txt" "$work/run_csv.txt"
    measure "run indb" "$cohort" run "$work/pg/course_study.rules" --in-database
    # (the estimates name their place in the rules: the same file name, in another folder)
    for f in out run_csv; do
        sed 's#  \[[^]]*/course_study\.rules:#  [course_study.rules:#' "$work/$f.txt" >"$work/$f.cmp"
    done
    if cmp -s "$work/out.cmp" "$work/run_csv.cmp"; then
        echo "  the two runs print the same"
    else
        echo "  the runs DIFFER"
        exit 1
    fi
done
