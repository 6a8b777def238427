#!/usr/bin/env bash
# Counts the instructions per call of one bench variant with callgrind: a count that does
# not depend on the load of the machine, unlike the times.
#
# Usage: benches/instructions.sh BENCH SCENARIO/VARIANT...
# Example: benches/instructions.sh single_record c_statement_import/plain_loop c_statement_import/pipeline
#
# Each variant runs twice under `valgrind --tool=callgrind`, for 1,000 and for 11,000
# calls of the timed loop; the difference divided by 10,000 leaves out the setup.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 2 ]; then
    echo "usage: $0 BENCH SCENARIO/VARIANT..." >&2
    exit 2
fi
bench=$1
shift

binary=$(cargo bench --no-run --bench "$bench" 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -n 1)
if [ -z "$binary" ]; then
    echo "no executable found for bench \`$bench\`" >&2
    exit 1
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

instructions() {
    # The process that valgrind started writes `out/main.<calls>`; a child it forks, if
    # any, writes another file, which is ignored.
    CHOREOGRAPH_BENCH_CALLS="$1=$2" valgrind --tool=callgrind \
        --callgrind-out-file="$out/cg.%p" "$binary" >/dev/null 2>"$out/log.$2"
    local pid
    pid=$(sed -n 's/^==\([0-9]*\)== Command:.*/\1/p' "$out/log.$2" | head -n 1)
    sed -n 's/^summary: //p' "$out/cg.$pid"
}

printf '| variant | instructions per call |\n|---|---:|\n'
for variant in "$@"; do
    small=$(instructions "$variant" 1000)
    large=$(instructions "$variant" 11000)
    printf '| %s | %s |\n' "$variant" "$(( (large - small) / 10000 ))"
done
