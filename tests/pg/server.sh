# tests/pg/server.sh: PostgreSQL servers of a test's own, sourced by
# tests/pg.sh and tests/pg_fdw.sh.  pg_init finds the server binaries (or
# skips: exit 77, a failure when COHORT_REQUIRE_PG is set), makes the
# temporary folder $tmp, the server's unprivileged user when run as root and
# one password ($password, in $tmp/run/pw); pg_start NAME runs initdb in
# $tmp/NAME (password authentication only) and starts the server on a free
# port, set in $port; every server started is stopped, and $tmp removed, on
# exit.  Sets bindir, psql, tmp, password, port; as_server runs a command as
# the servers' user; COHORT_SKIP_PG skips the test (an error when
# COHORT_REQUIRE_PG is set too).  pg_examples copies the examples for a comparison of
# CSV and PostgreSQL, ok and bad count passes and failures.  CSVDDL defaults to tests/pg/csvddl beside $COHORT.
CSVDDL=${CSVDDL:-$(dirname "$COHORT")/tests/pg/csvddl}
LC_ALL=C
export LC_ALL

skip() {
    echo "SKIP: $*"
    if [ -n "${COHORT_REQUIRE_PG:-}" ]; then echo "FAIL: COHORT_REQUIRE_PG is set"; exit 1; fi
    exit 77
}

pg_init() {
    # a quicker local check (never in CI, which sets COHORT_REQUIRE_PG)
    [ -n "${COHORT_SKIP_PG:-}" ] && skip "COHORT_SKIP_PG is set"
    bindir=""
    for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && { bindir=$d; break; }
    done
    [ -z "$bindir" ] && command -v pg_ctl >/dev/null 2>&1 && bindir=$(dirname "$(command -v pg_ctl)")
    [ -n "$bindir" ] || skip "no PostgreSQL server binaries (sh scripts/deps.sh installs postgresql)"
    psql="$bindir/psql"
    [ -x "$psql" ] || psql=psql
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/cohort-pg.XXXXXX") || exit 99
    chmod 755 "$tmp"
    mkdir "$tmp/run"
    pg_servers=""
    # the servers run as an unprivileged user when we are root
    as_server() { "$@"; }
    if [ "$(id -u)" = 0 ]; then
        pg_user=postgres
        if ! id "$pg_user" >/dev/null 2>&1; then
            pg_user=cohortpg
            id "$pg_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /bin/false "$pg_user" ||
                { echo "FAIL: cannot create user $pg_user"; exit 99; }
        fi
        as_server() { runuser -u "$pg_user" -- "$@"; }
        chown "$pg_user" "$tmp/run"
    fi
    trap pg_cleanup EXIT
    trap 'exit 1' INT TERM
    password=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$password" >"$tmp/run/pw"
    [ "$(id -u)" = 0 ] && chown "$pg_user" "$tmp/run/pw"
    pg_base=$(( ($$ % 5000) * 4 + 20000 ))
}

pg_cleanup() {
    for d in $pg_servers; do
        as_server "$bindir/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1
    done
    rm -rf "$tmp"
}

# pg_start NAME [SETTING...]: a new server in $tmp/NAME (the superuser
# cohort, $password), its port in $port; extra -c settings as arguments
pg_start() {
    db=$tmp/$1
    log=$tmp/run/$1.log
    shift
    mkdir "$db" || exit 99
    [ "$(id -u)" = 0 ] && chown "$pg_user" "$db"
    if ! as_server "$bindir/initdb" -D "$db" -U cohort --pwfile="$tmp/run/pw" \
            --auth=scram-sha-256 -E UTF8 --locale=C >"$tmp/initdb.log" 2>&1; then
        cat "$tmp/initdb.log"
        echo "FAIL: initdb"
        exit 99
    fi
    opts="-k $tmp/run -c listen_addresses=127.0.0.1 -c fsync=off"
    for o in "$@"; do opts="$opts -c $o"; done
    # a free port: try from a pseudo-random base until the server starts
    port=""
    for k in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
        p=$((pg_base + k * 37))
        pg_base=$((pg_base + 1))
        if as_server "$bindir/pg_ctl" -D "$db" -l "$log" -w -t 30 -o "-p $p $opts" start >/dev/null 2>&1; then
            port=$p
            pg_servers="$pg_servers $db"
            break
        fi
    done
    if [ -z "$port" ]; then
        cat "$log" 2>/dev/null
        echo "FAIL: the PostgreSQL server did not start"
        exit 99
    fi
}

# pg_examples [RULES...]: the examples tree copied twice ($tmp/csv with the
# given extra studies, $tmp/pg with the library only, for the rewritten
# studies: both runs name their rules files with the same text); the
# plugin path and the rules path (the studies import ../lib/*.rules)
pg_examples() {
    mkdir -p "$tmp/csv" "$tmp/pg/examples/studies"
    cp -R "$srcdir/examples" "$tmp/csv/"
    chmod -R u+w "$tmp/csv"
    [ $# = 0 ] || cp "$@" "$tmp/csv/examples/studies/"
    cp -R "$srcdir/examples/lib" "$tmp/pg/examples/"
    chmod -R u+w "$tmp/csv" "$tmp/pg"
    COHORT_PLUGIN_PATH="${COHORT_TEST_PLUGINS:-}"
    COHORT_RULES_PATH="$tmp/csv/examples/lib:$tmp/pg/examples/lib"
    export COHORT_PLUGIN_PATH COHORT_RULES_PATH
}

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
