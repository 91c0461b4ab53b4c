#!/bin/sh
# bench/indb_server.sh: bench/indb.sh against a PostgreSQL server of its
# own, started for the run and removed after it (tests/pg/server.sh: initdb
# in a temporary folder under $TMPDIR, a free port, password
# authentication; run as an unprivileged user when root), with settings for
# loading and querying large tables on a disposable server: no fsync, no
# WAL beyond the minimum, 2 GB of shared buffers.  The database of 10M
# patients takes about 42 GB under $TMPDIR, the CSV files 16 GB under
# $BENCH_DIR.
# Usage: bench/indb_server.sh [BUILD_DIR] [N...]   (BENCH_ONLY=indb as indb.sh)
set -e
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
[ $# -gt 0 ] && shift
COHORT="$build/cohort"
srcdir="$here/.."
. "$here/../tests/pg/server.sh"
pg_init
pg_start bench fsync=off synchronous_commit=off full_page_writes=off wal_level=minimal max_wal_senders=0 \
    max_wal_size=20GB checkpoint_timeout=1h maintenance_work_mem=1GB shared_buffers=2GB work_mem=256MB
for v in PGSERVICE PGSERVICEFILE PGPASSWORD PGOPTIONS PGSSLMODE PGHOSTADDR; do unset "$v"; done
PGHOST=127.0.0.1 PGPORT=$port PGUSER=cohort PGDATABASE=cohort PGPASSFILE=$tmp/pgpass
printf '127.0.0.1:%s:*:cohort:%s\n' "$port" "$password" >"$PGPASSFILE"
chmod 600 "$PGPASSFILE"
export PGHOST PGPORT PGUSER PGDATABASE PGPASSFILE
"$psql" -X -q -d postgres -c "CREATE DATABASE cohort"
echo "PostgreSQL server on port $port; load average $(cut -d' ' -f1-3 /proc/loadavg)"
sh "$here/indb.sh" "$build" "$@"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
