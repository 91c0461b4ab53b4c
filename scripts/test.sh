#!/bin/sh
# scripts/test.sh: install what is missing, then build and run the whole
# test suite: `make check` in a normal build and in an ASan+UBSan build, and
# `make distcheck`.
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
jobs=$(nproc)
# tests/pg.sh must run here (it would skip without a PostgreSQL server)
COHORT_REQUIRE_PG=1
export COHORT_REQUIRE_PG

echo "== build and test"
rm -rf build-test && mkdir build-test && cd build-test
../configure -q
make -j"$jobs" >/dev/null
make -j"$jobs" check || { cat test-suite.log; exit 1; }
cd ..

echo "== sanitizers (ASan + UBSan)"
rm -rf build-san && mkdir build-san && cd build-san
../configure -q --enable-sanitizers
make -j"$jobs" >/dev/null
ASAN_OPTIONS=detect_leaks=1 make -j"$jobs" check || { cat test-suite.log; exit 1; }
cd ..

if command -v clang >/dev/null 2>&1; then
    echo "== fuzz smoke run (libFuzzer, 60 s per target)"
    rm -rf build-fuzz && mkdir build-fuzz && cd build-fuzz
    CC=clang ../configure -q --enable-fuzz
    make -j"$jobs" >/dev/null
    make fuzz FUZZ_SECONDS=60
    cd ..
fi

echo "== distcheck"
cd build-test
make -j"$jobs" distcheck >/dev/null 2>distcheck.log || { tail -50 distcheck.log; exit 1; }
echo "distcheck ok"
