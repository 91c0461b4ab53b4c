#!/bin/sh
# bench/extern.sh: the cost per row of an extern call (libffi) next to the
# same expression written in the language, on 1,000,000 lesion rows.
# Three studies differ only in one let, which a criterion forces for every
# row:  base  b = dose_gy
#       ext   b = bed(dose_gy, fractions, 10.0)   (radbio through libffi)
#       lang  b = dose_gy * (1 + dose_gy / fractions / 10.0)
# Each is run REPS times with --timing; the fastest evaluation time of each
# is kept and the base is subtracted, so the numbers are the cost of the
# expression alone, per row.
# Usage: bench/extern.sh [BUILD_DIR]   (default: build)
# Environment: BENCH_DIR (work directory, default /tmp/cohort-bench),
# ROWS (default 1000000), PATIENTS (simulated, default 200000: about 6.2
# lesions per patient), REPS (default 5).
set -e
. "$(dirname "$0")/preamble.sh"
rows=${ROWS:-1000000}
patients=${PATIENTS:-200000}
reps=${REPS:-5}
[ -x "$cohort" ] || { echo "extern.sh: no cohort binary at $cohort" >&2; exit 1; }
[ -f "$plugins/radbio.so" ] || { echo "extern.sh: no radbio.so in $plugins" >&2; exit 1; }

sim="$work/extern_sim$patients"
data="$work/extern_rows$rows"
mkdir -p "$work"
if [ ! -f "$sim/lesions.csv" ]; then
    "$cohort" simulate --patients "$patients" --seed 11 --out "$sim"
fi
if [ ! -f "$data/lesions.csv" ]; then
    have=$(($(wc -l <"$sim/lesions.csv") - 1))
    if [ "$have" -lt "$rows" ]; then
        echo "extern.sh: $patients patients give only $have lesions; raise PATIENTS" >&2
        exit 1
    fi
    mkdir -p "$data"
    head -n $((rows + 1)) "$sim/lesions.csv" >"$data/lesions.csv.tmp"
    mv "$data/lesions.csv.tmp" "$data/lesions.csv"
fi

# one study per variant; only the let differs
study() {
    cat <<EOF
study "extern benchmark: $1";
data csv "$data" {
  table lesions key lesion_id;
}
unit lesions;
extern real bed(real dose, integer fractions, real ab) from "radbio";
let b = $2;
include "evaluated": not missing(b) or missing(b);
EOF
}
study base 'dose_gy' >"$work/extern_base.rules"
study ext 'bed(dose_gy, fractions, 10.0)' >"$work/extern_ext.rules"
study lang 'dose_gy * (1 + dose_gy / fractions / 10.0)' >"$work/extern_lang.rules"

# fastest evaluation time (s) of REPS runs
best() {
    t=""
    i=0
    while [ $i -lt "$reps" ]; do
        line=$("$cohort" run "$work/extern_$1.rules" --plugin-path "$plugins" --timing --no-cache 2>&1 >/dev/null | grep '^timing:')
        e=$(echo "$line" | sed 's/.*evaluation \([0-9.]*\) s.*/\1/')
        if [ -z "$t" ] || [ "$(echo "$e < $t" | bc)" = 1 ]; then t=$e; fi
        i=$((i + 1))
    done
    echo "$t"
}
# the two variants must agree before their speed means anything
"$cohort" export "$work/extern_ext.rules" --plugin-path "$plugins" -o "$work/extern_ext.csv"
"$cohort" export "$work/extern_lang.rules" --plugin-path "$plugins" -o "$work/extern_lang.csv"
if ! cmp -s "$work/extern_ext.csv" "$work/extern_lang.csv"; then
    echo "extern.sh: bed() through extern and the formula in the language disagree" >&2
    exit 1
fi
base=$(best base)
ext=$(best ext)
lang=$(best lang)
per() { echo "scale=1; ($1 - $base) * 1000000000 / $rows" | bc; }
echo "rows $rows; evaluation (best of $reps): base $base s, extern $ext s, language $lang s"
echo "per row: extern bed() $(per "$ext") ns, same formula in the language $(per "$lang") ns"
