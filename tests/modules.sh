#!/bin/sh
# tests/modules.sh: cohort's own modules (src/module.h) are loaded only
# when needed, and a missing or wrong module is a clear error.  Watches the
# dynamic loader (LD_DEBUG=files) on the Mills study: `run` without --out
# maps neither the figure module (render.so, cairo) nor the PostgreSQL one
# (pg.so, libpq), and `check` and `run` load only the plugins the rules
# name; `run --out` loads render.so and cairo.  Then $COHORT_MODULE_DIR
# points at a folder whose render.so is another module or a plugin, or is
# relative: exit 3 and the message of cohort(1).  Prints one line per
# check and "N passed, M failed".
# Environment: COHORT (the cohort binary, in its build tree),
# COHORT_TEST_PLUGINS, srcdir.
set -u
: "${COHORT:?COHORT must name the cohort binary}"
srcdir=${srcdir:-.}
COHORT_PLUGIN_PATH=${COHORT_TEST_PLUGINS:-}
export COHORT_PLUGIN_PATH
modules=$(dirname "$COHORT")/modules/.libs
study="$srcdir/examples/studies/mills2021.rules"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cohort-modules.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# the files the dynamic loader opened (LD_DEBUG=files), one base name a line
opened() {
    sed -n 's/.*file=\([^ ]*\) \[0\];  *needed by.*/\1/p; s/.*file=\([^ ]*\) \[0\];  *dynamically loaded by.*/\1/p' \
        "$1" | sed 's#.*/##' | sort -u
}

# $1: a name; $2: the output of opened; 0 when a line starts with $1
has() { grep -q "^$1" "$2"; }

for cmd in check run; do
    LD_DEBUG=files "$COHORT" "$cmd" "$study" >/dev/null 2>"$tmp/$cmd.err"
    rc=$?
    opened "$tmp/$cmd.err" >"$tmp/$cmd.files"
    if [ "$rc" != 0 ]; then
        bad "$cmd: exit status $rc"
        continue
    fi
    # the plugins loaded: exactly those the rules name (describe, km, logrank)
    plugins=$(grep '^[a-z0-9_]*\.so$' "$tmp/$cmd.files" | grep -v '^lib' | tr '\n' ' ')
    if [ "$plugins" = "describe.so km.so logrank.so " ]; then
        ok "$cmd loads only the plugins the rules name"
    else
        bad "$cmd loaded the plugins: $plugins(expected describe.so km.so logrank.so)"
    fi
    heavy=""
    for lib in render.so pg.so libcairo libpq libfontconfig libX11 libssl libgssapi; do
        has "$lib" "$tmp/$cmd.files" && heavy="$heavy $lib"
    done
    if [ -z "$heavy" ]; then ok "$cmd without --out loads no module"; else bad "$cmd loaded:$heavy"; fi
done

LD_DEBUG=files "$COHORT" run "$study" --out "$tmp/out" >/dev/null 2>"$tmp/out.err"
rc=$?
opened "$tmp/out.err" >"$tmp/out.files"
if [ "$rc" = 0 ] && has render.so "$tmp/out.files" && has libcairo "$tmp/out.files" \
        && ! has pg.so "$tmp/out.files" && ! has libpq "$tmp/out.files" && [ -f "$tmp/out/report.html" ]; then
    ok "run --out loads the figure module and cairo, not the PostgreSQL module"
else
    bad "run --out: exit status $rc, loaded: $(tr '\n' ' ' <"$tmp/out.files")"
fi

# $1: what; $2: COHORT_MODULE_DIR; $3: the expected error line (exit 3, no output folder)
refused() {
    rm -rf "$tmp/refused"
    COHORT_MODULE_DIR="$2" "$COHORT" run "$study" --out "$tmp/refused" >/dev/null 2>"$tmp/refused.err"
    rc=$?
    if [ "$rc" = 3 ] && [ "$(cat "$tmp/refused.err")" = "$3" ] && [ ! -e "$tmp/refused" ]; then
        ok "$1"
    else
        bad "$1: exit status $rc, said: $(cat "$tmp/refused.err")"
    fi
}
mkdir "$tmp/wrong" "$tmp/plugin"
cp "$modules/pg.so" "$tmp/wrong/render.so"
refused "another module in render.so's place" "$tmp/wrong" \
    "error: cannot load the figure module: $tmp/wrong/render.so is the module 'pg', not 'render'"
cp "$COHORT_PLUGIN_PATH/km.so" "$tmp/plugin/render.so"
refused "a plugin in render.so's place" "$tmp/plugin" \
    "error: cannot load the figure module: $tmp/plugin/render.so has no cohort_module_entry: $tmp/plugin/render.so: undefined symbol: cohort_module_entry"
refused "a relative COHORT_MODULE_DIR" "modules" \
    "error: cannot load the figure module: COHORT_MODULE_DIR must be an absolute folder, not 'modules'"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
