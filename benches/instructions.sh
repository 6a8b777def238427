#!/usr/bin/env bash
# Counts the instructions per record of bench variants with callgrind: a count that does
# not depend on the load of the machine, unlike the times.
#
# Usage: benches/instructions.sh BENCH SCENARIO/VARIANT...
# Example: benches/instructions.sh single_record c_statement_import/plain_loop c_statement_import/pipeline
#
# Each variant runs twice under `valgrind --tool=callgrind`, for SMALL and for LARGE calls
# of the timed loop (environment variables, 1000 and 11000 unless set). The difference
# leaves out the setup, and is divided by the calls and the records per call.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 2 ]; then
    echo "usage: $0 BENCH SCENARIO/VARIANT..." >&2
    exit 2
fi
bench=$1
shift
small=${SMALL:-1000}
large=${LARGE:-11000}

binary=$(cargo bench --no-run --bench "$bench" 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -n 1)
if [ -z "$binary" ]; then
    echo "no executable found for bench \`$bench\`" >&2
    exit 1
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Prints the instructions of one run of `$1` with `$2` calls. valgrind names the process it
# started in its log; a child process, if one is forked, writes another file.
instructions() {
    CHOREOGRAPH_BENCH_CALLS="$1=$2" valgrind --tool=callgrind \
        --callgrind-out-file="$out/cg.%p" "$binary" >"$out/stdout" 2>"$out/log"
    local pid
    pid=$(sed -n 's/^==\([0-9]*\)== Command:.*/\1/p' "$out/log" | head -n 1)
    sed -n 's/^summary: //p' "$out/cg.$pid"
}

printf '| variant | instructions per record |\n|---|---:|\n'
for variant in "$@"; do
    few=$(instructions "$variant" "$small")
    many=$(instructions "$variant" "$large")
    records=$(sed -n 's/^records per call: //p' "$out/stdout")
    if [ -z "$records" ]; then
        echo "no variant \`$variant\` in bench \`$bench\`" >&2
        exit 1
    fi
    printf '| %s | %s |\n' "$variant" "$(( (many - few) / ((large - small) * records) ))"
done
