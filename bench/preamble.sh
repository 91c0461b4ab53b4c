# bench/preamble.sh: the opening the benchmarks share, sourced with
# `. "$(dirname "$0")/preamble.sh"` (after `set -e`): the build folder
# (the script's first argument, default build/ beside bench/) as an
# absolute path, the cohort binary and its plugins, the work folder
# ($BENCH_DIR, default /tmp/cohort-bench), and `median` (of the numbers
# on standard input, one per line).
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
cohort="$build/cohort"
plugins="$build/plugins/.libs"
work=${BENCH_DIR:-/tmp/cohort-bench}
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
