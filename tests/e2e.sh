#!/bin/sh
# tests/e2e.sh: end-to-end cases as files.  Each directory under
# tests/e2e/cases/ holds `cmd` (the arguments to cohort, one line; $TMP is a
# fresh temporary directory), the rules and data it needs, and the expected
# `expected.out` (stdout), `expected.err` (stderr, exact diagnostics) and
# `expected.status` (exit code, default 0).  A file `expected.files` lists
# files under $TMP to compare with expected/<name> (after the same
# replacement of paths as the output).  SOURCE_DATE_EPOCH is fixed, so the
# run date in results.json is too.  Prints one line per case
# and "N passed, M failed".  E2E_CASES names another folder of cases
# (tests/pg.sh: tests/pg/cases, with $PGPORT written for the server's port).
# A file `setup` is run by sh in the case's folder before `cmd`, with TMP
# set (to put files in place, e.g. an earlier output folder); a file
# `expected.tree` lists every path under $TMP after the run, sorted (hidden
# files included), to show what was left behind.  A file `env` holds
# NAME=VALUE words set in cmd's environment (e.g. a testing hook).
set -u
: "${COHORT:?COHORT must name the cohort binary}"
: "${srcdir:=.}"
COHORT_PLUGIN_PATH="${COHORT_TEST_PLUGINS:-}"
# results.json records the run's date: a fixed one (2026-01-01T00:00:00Z)
SOURCE_DATE_EPOCH=1767225600
export COHORT_PLUGIN_PATH SOURCE_DATE_EPOCH
# imports may come from the shared test data and the examples' library
COHORT_RULES_PATH="$(cd "$srcdir/tests/e2e/data" && pwd):$(cd "$srcdir/examples/lib" && pwd)"
export COHORT_RULES_PATH
# paths that differ between machines are replaced by names
normalize() {
    sed -e "s#$tmp#\$TMP#g" \
        -e "s#${COHORT_BAD_PLUGINS:-/nonexistent-bad}#\$BADPLUGINS#g" \
        -e "s#${COHORT_TEST_PLUGINS:-/nonexistent-test}#\$PLUGINS#g" \
        -e "s#${COHORT_INSTALLED_PLUGINS:-/nonexistent-installed}#\$PLUGINDIR#g" \
        -e "s#port ${PGPORT:-nonexistent-port}#port \$PGPORT#g" \
        -e "s#${PGPASSFILE:-/nonexistent-pgpass}#\$PGPASSFILE#g"
}
pass=0
fail=0
failed=""
for dir in "${E2E_CASES:-$srcdir/tests/e2e/cases}"/*/; do
    name=$(basename "$dir")
    [ -f "$dir/cmd" ] || continue
    tmp=$(mktemp -d)
    want_status=0
    [ -f "$dir/expected.status" ] && want_status=$(cat "$dir/expected.status")
    args=$(sed "s#\$TMP#$tmp#g; s#\$BADPLUGINS#${COHORT_BAD_PLUGINS:-}#g" "$dir/cmd")
    ok=1
    why=""
    if [ -f "$dir/setup" ] && ! (cd "$dir" && TMP="$tmp" sh ./setup) >/dev/null 2>&1; then
        ok=0
        why="setup failed"
    fi
    envs=""
    [ -f "$dir/env" ] && envs=$(tr '\n' ' ' <"$dir/env")
    (cd "$dir" && eval "$envs \"\$COHORT\" $args") >"$tmp/.stdout" 2>"$tmp/.stderr"
    status=$?
    if [ "$status" != "$want_status" ]; then ok=0; why="exit status $status, expected $want_status"; fi
    for stream in out err; do
        if [ -f "$dir/expected.$stream" ]; then
            normalize <"$tmp/.std$stream" >"$tmp/.std$stream.norm"
            if ! cmp -s "$dir/expected.$stream" "$tmp/.std$stream.norm"; then
                ok=0
                why="$why${why:+; }std$stream differs"
                diff -u "$dir/expected.$stream" "$tmp/.std$stream.norm" | head -40 >&2
            fi
        elif [ "$stream" = err ] && [ -s "$tmp/.stderr" ] && [ "$want_status" = 0 ]; then
            ok=0
            why="$why${why:+; }unexpected stderr"
            head -20 "$tmp/.stderr" >&2
        fi
    done
    if [ -f "$dir/expected.files" ]; then
        while read -r f; do
            [ -n "$f" ] || continue
            # the files name $TMP too (results.json records the command line)
            if [ ! -f "$tmp/$f" ] || ! normalize <"$tmp/$f" | cmp -s "$dir/expected/$f" -; then
                ok=0
                why="$why${why:+; }$f differs"
                normalize <"$tmp/$f" 2>/dev/null | diff -u "$dir/expected/$f" - 2>&1 | head -40 >&2
            fi
        done <"$dir/expected.files"
    fi
    if [ -f "$dir/expected.tree" ]; then
        (cd "$tmp" && find . -mindepth 1 ! -name '.std*' | sed 's#^\./##' | LC_ALL=C sort) >"$tmp/.stdtree"
        if ! cmp -s "$dir/expected.tree" "$tmp/.stdtree"; then
            ok=0
            why="$why${why:+; }files under \$TMP differ"
            diff -u "$dir/expected.tree" "$tmp/.stdtree" | head -40 >&2
        fi
    fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1))
        echo "PASS: $name"
    else
        fail=$((fail + 1))
        failed="$failed $name"
        echo "FAIL: $name ($why)"
    fi
    rm -rf "$tmp"
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
