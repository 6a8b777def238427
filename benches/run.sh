#!/usr/bin/env bash
# Produces the figures of BENCHMARKS.md: criterion's medians with the allocations per
# record for every scenario, then callgrind's instructions per record for the scenarios
# that run on one thread.
#
# Usage: benches/run.sh [criterion options], for example `benches/run.sh c_statement_import`
# to time one scenario. Logs go to target/bench-<name>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target

for bench in single_record concurrent; do
    cargo bench --bench "$bench" -- --warm-up-time 1 --measurement-time 3 "$@" \
        | tee "target/bench-$bench.log"
done

# Threads that wait on each other make instruction counts of scenario d depend on timing,
# so only the single-record scenarios are counted.
echo
echo "Instructions per record (callgrind):"
variants=$(cargo bench --bench single_record -- --list 2>/dev/null | sed -n 's/: benchmark$//p')
# shellcheck disable=SC2086 # one argument per variant
benches/instructions.sh single_record $variants | tee target/bench-instructions.log
