#!/bin/sh
# scripts/example.sh: install what is missing, build cohort, and run the
# main example study on the bundled data, printing its results.
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh
[ -x configure ] || autoreconf -fi
mkdir -p build
cd build
[ -f Makefile ] || ../configure -q
make -j"$(nproc)" >/dev/null
./cohort run ../examples/studies/tdxd_srs.rules --plugin-path plugins/.libs
