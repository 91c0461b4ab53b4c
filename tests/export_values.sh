#!/bin/sh
# tests/export_values.sh: export --unit-values against R and against run.
# The colon data of tests/ref (psm_colon, iptw_colon: R's glm propensity
# model, tests/R/regression.R and tests/R/iptw.R) are written as CSV tables
# with a row number as key; export --unit-values must give
#   psm: each unit's score and logit as glm's fitted values and linear
#        predictor (relative difference <= 1e-6, the tolerance of the unit
#        tests), matched as R's matching rule (tests/R/matching.R: 1 when
#        R's row has a control), weight 1 matched and 0 not (1:1 without
#        replacement), and every value exactly as the units table that
#        run --out writes for the same rules;
#   iptw: the score and the ATE and the stabilised ATT weights of R's
#        reference (the same tolerance).
# Python's standard library reads the files.  Prints the largest relative
# differences and "N passed, M failed".
. "${srcdir:=.}/tests/preamble.sh"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is not installed"; exit 77; }
ref="$srcdir/tests/ref"

# the reference data as CSV: id (the row, 1..n), then the data file's columns
mkdir -p "$tmp/psm/data" "$tmp/iptw/data"
awk 'NR == 1 { gsub(/ /, ","); print "id," $0; next } { gsub(/ /, ","); print NR - 1 "," $0 }' \
    "$ref/psm_colon_data.txt" >"$tmp/psm/data/colon.csv"
awk 'NR == 1 { gsub(/ /, ","); print "id," $0; next } { gsub(/ /, ","); print NR - 1 "," $0 }' \
    "$ref/iptw_colon_data.txt" >"$tmp/iptw/data/colon.csv"
cat >"$tmp/psm/study.rules" <<'EOF'
study "psm, colon";
data csv "data" { table colon key id; }
estimate m = psm(treat ~ age + sex + obstruct + nodes + differ, id: id);
EOF
cat >"$tmp/iptw/study.rules" <<'EOF'
study "iptw, colon";
data csv "data" { table colon key id; }
estimate ate = iptw(treat ~ age + sex + obstruct + nodes + differ2 + differ3, estimand: "ATE");
estimate att_s = iptw(treat ~ age + sex + obstruct + nodes + differ2 + differ3, estimand: "ATT",
                      stabilized: true);
EOF
for s in psm iptw; do
    (cd "$tmp/$s" && "$COHORT" export study.rules -o out.csv --unit-values --no-cache) 2>"$tmp/$s/err" ||
        fail "$s: export --unit-values failed: $(head -3 "$tmp/$s/err")"
done
(cd "$tmp/psm" && "$COHORT" run study.rules --out res --no-cache >/dev/null 2>&1) || fail "psm: run --out failed"

python3 - "$tmp" "$ref" <<'EOF' || fails=$((fails + 1))
import csv, math, sys
tmp, ref = sys.argv[1], sys.argv[2]
bad = 0
def fail(msg):
    global bad
    bad += 1
    print("FAIL: " + msg)
def section(path, name):
    rows, on = [], False
    for line in open(path):
        line = line.strip()
        if line.startswith("["):
            on = line == "[" + name + "]"
            continue
        if on and line:
            rows.append(line.split())
    return [dict(zip(rows[0], r)) for r in rows[1:]]
def num(s):
    return math.nan if s in ("", "NA") else float(s)
def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)
worst = {}
def close(what, got, want, tol=1e-6):
    d = rel(num(got), want)
    worst[what] = max(worst.get(what, 0), d)
    if not d <= tol:
        fail("%s: %s, R %r" % (what, got, want))

def pair(what, outfile, reffile):
    out = list(csv.DictReader(open(outfile)))
    rr = section(reffile, "rows")
    if len(out) != len(rr):
        fail("%s: %d rows, R %d" % (what, len(out), len(rr)))
    return out, rr

# psm against R
out, rr = pair("psm", tmp + "/psm/out.csv", ref + "/psm_colon_ref.txt")
for u, r in zip(out, rr):
    close("psm ps", u["m_ps"], float(r["ps"]))
    close("psm logit", u["m_logit"], float(r["eta"]))
    if u["m_matched"] not in ("0", "1"):
        fail("psm matched %r" % u["m_matched"])
# a treated row names its control (0-based), -1 when unmatched
matched_r = set()
for i, r in enumerate(rr):
    if int(r["match"]) >= 0:
        matched_r.add(i + 1)
        matched_r.add(int(r["match"]) + 1)
for u in out:
    want = 1 if int(u["id"]) in matched_r else 0
    if int(u["m_matched"]) != want:
        fail("psm unit %s: matched %s, R %d" % (u["id"], u["m_matched"], want))
    if num(u["m_weight"]) != want:
        fail("psm unit %s: weight %s, expected %d" % (u["id"], u["m_weight"], want))

# psm against run --out's units table (the same numbers, exactly)
import glob
units = glob.glob(tmp + "/psm/res/*m-units.csv")
if len(units) != 1:
    fail("run --out wrote no m-units.csv")
else:
    byid = {r["unit"]: r for r in csv.DictReader(open(units[0]))}
    if len(byid) != len(out):
        fail("units table: %d rows, export %d" % (len(byid), len(out)))
    for u in out:
        t = byid.get(u["id"])
        if t is None:
            fail("unit %s not in the units table" % u["id"])
            continue
        for a, b in (("m_ps", "ps"), ("m_logit", "logit"), ("m_matched", "matched"), ("m_weight", "weight")):
            if num(u[a]) != num(t[b]):
                fail("unit %s: %s %s, units table %s %s" % (u["id"], a, u[a], b, t[b]))

# iptw against R
out, rr = pair("iptw", tmp + "/iptw/out.csv", ref + "/iptw_colon_ref.txt")
for u, r in zip(out, rr):
    close("iptw ps", u["ate_ps"], float(r["ps"]))
    close("iptw ps", u["att_s_ps"], float(r["ps"]))
    close("iptw ATE weight", u["ate_weight"], float(r["w_ate"]))
    close("iptw stabilised ATT weight", u["att_s_weight"], float(r["w_att_s"]))
for k in sorted(worst):
    print("largest relative difference, %s: %.3g" % (k, worst[k]))
sys.exit(1 if bad else 0)
EOF
echo "$((1 - (fails > 0))) passed, $((fails > 0)) failed"
[ "$fails" = 0 ]
