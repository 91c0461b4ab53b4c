#!/bin/sh
# tests/report/browser.sh: open report.html in headless Chromium as a
# reader would.  The page must load with no console message at all (it has
# no script, so any message is an error: a blocked load, a bad image, a
# Content-Security-Policy violation), and every figure must be decoded and
# drawn.  For the second check a copy of the page gets a small script
# (allowed by a relaxed policy in the copy only) that counts the images
# with a natural width after the load event and writes the count into the
# title, which --dump-dom shows.  Skipped (77) when chromium is absent;
# scripts/deps.sh installs it.  Set CHROMIUM to use another binary.
set -u
: "${COHORT:?COHORT must name the cohort binary}"
: "${srcdir:=.}"
COHORT_PLUGIN_PATH="${COHORT_TEST_PLUGINS:-}"
export COHORT_PLUGIN_PATH
browser=${CHROMIUM:-}
[ -n "$browser" ] || browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "SKIP: chromium is not installed (scripts/deps.sh installs it)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; }

# headless, offline, no profile of the user's, nothing in the background
chrome() {
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-default-apps --disable-extensions --user-data-dir="$tmp/profile" \
        --enable-logging=stderr --v=0 --virtual-time-budget=10000 "$@"
}

for min_cell in 0 5; do
    out="$tmp/out$min_cell"
    opt=""
    [ "$min_cell" = 0 ] || opt="--min-cell $min_cell"
    # shellcheck disable=SC2086
    if ! "$COHORT" run "$srcdir/tests/report/study.rules" --out "$out" $opt >/dev/null 2>"$tmp/run.err" ||
        [ ! -s "$out/report.html" ]; then
        bad "cohort run --out writes report.html (min_cell $min_cell)"
        cat "$tmp/run.err"
        continue
    fi
    nfig=$(ls "$out" | grep -c '\.svg$')

    # 1. the page as written: it loads, and the console stays silent
    chrome --dump-dom "file://$out/report.html" >"$tmp/dom.html" 2>"$tmp/console.txt"
    if grep -q 'Report test: radionecrosis after SRS' "$tmp/dom.html"; then
        ok "report.html loads (min_cell $min_cell)"
    else
        bad "report.html loads (min_cell $min_cell)"
        tail -20 "$tmp/console.txt"
    fi
    if grep -q ':CONSOLE' "$tmp/console.txt"; then
        bad "no console messages (min_cell $min_cell)"
        grep ':CONSOLE' "$tmp/console.txt" | head -20
    else
        ok "no console messages (min_cell $min_cell)"
    fi
    n=$(grep -o '<img class="figure"' "$tmp/dom.html" | wc -l)
    if [ "$n" = "$nfig" ]; then ok "every figure is in the page ($n of $nfig, min_cell $min_cell)"
    else bad "every figure is in the page ($n of $nfig, min_cell $min_cell)"; fi

    # 2. a copy that reports how many figures were decoded and drawn
    sed -e "s#default-src 'none'; img-src data:; style-src 'unsafe-inline'#default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'#" \
        -e 's#</body>#<script>window.addEventListener("load", function () { var i = document.querySelectorAll("img.figure"), n = 0; for (var k = 0; k < i.length; k++) if (i[k].complete \&\& i[k].naturalWidth > 100 \&\& i[k].getBoundingClientRect().width > 100) n++; document.title = "FIGURES " + n + " OF " + i.length; });</script></body>#' \
        "$out/report.html" >"$out/check.html"
    chrome --dump-dom "file://$out/check.html" >"$tmp/dom2.html" 2>"$tmp/console2.txt"
    if grep -q "<title>FIGURES $nfig OF $nfig</title>" "$tmp/dom2.html"; then
        ok "every figure is decoded and drawn ($nfig, min_cell $min_cell)"
    else
        bad "every figure is decoded and drawn (min_cell $min_cell): $(grep -o '<title>[^<]*</title>' "$tmp/dom2.html")"
        grep ':CONSOLE' "$tmp/console2.txt" | head
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
