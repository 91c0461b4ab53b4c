# tests/preamble.sh: sourced by the shell tests (". "$srcdir/tests/preamble.sh"):
# the cohort binary and the test plugins from the environment the test
# harness sets, a temporary folder $tmp removed on exit, and fail() that
# prints one failure and counts it in $fails.
set -u
: "${COHORT:?COHORT must name the cohort binary}"
COHORT_PLUGIN_PATH="${COHORT_TEST_PLUGINS:-}"
export COHORT_PLUGIN_PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
