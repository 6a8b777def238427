#!/usr/bin/env bash
# Measures `cargo check` and debug `cargo build` time and peak memory of generated pipelines
# of 8, 16, 32 and 64 steps.
#
# Each generated crate depends on this crate by path. In the `chain` shape, step k's job reads
# the outcome of step k-1. In the `deep` shape, step k also has a pre-check that reads step 0,
# the deepest bag lookup, so each step adds a second closure and a lookup whose index grows
# with k. Dependencies are built once before the measurements;
# each measurement then rebuilds only the generated crate, without incremental compilation.
# Prints a Markdown table: the median of RUNS runs (default 3) for time, and the largest peak
# resident set size of the compiler over those runs. KEEP_DIR keeps the generated crates.
#
# Usage: scripts/compile_time.sh [step counts...]   (default: 8 16 32 64)
# SHAPES selects the shapes (default: "chain deep").
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-3}
shapes=(${SHAPES:-chain deep})
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(8 16 32 64)
work=${KEEP_DIR:-$(mktemp -d)}
[ -n "${KEEP_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="$work/target" CARGO_INCREMENTAL=0

# Writes a crate with a pipeline of $1 steps of shape $3 into the folder $2.
generate() {
    local steps=$1 dir=$2 shape=$3
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<TOML
[package]
name = "pipeline-$steps"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
choreograph = { path = "$root" }
TOML
    {
        echo "#![allow(unused_imports)]"
        echo "use choreograph::{Check, Outcome, Pipeline, markers};"
        echo
        echo "markers! {"
        for ((k = 0; k < steps; k++)); do
            echo "    /// Step $k."
            echo "    pub S$k = \"step $k\";"
        done
        echo "}"
        echo
        echo "fn main() {"
        echo "    let pipeline = Pipeline::<u64>::new()"
        echo "        .job(S0, |cx| Ok(*cx.input()))"
        for ((k = 1; k < steps; k++)); do
            if [ "$shape" = deep ]; then
                echo "        .step("
                echo "            S$k,"
                echo "            |cx| Check::Pass(cx.bag().get(S0).output().copied()),"
            else
                echo "        .job("
                echo "            S$k,"
            fi
            echo "            |cx| match cx.bag().get(S$((k - 1))) {"
            echo "                Outcome::Ran { output, .. } => Ok(*output + 1),"
            echo "                Outcome::Skipped { .. } => Ok(0),"
            echo "            },"
            echo "        )"
        done
        echo "        ;"
        echo "    let report = pipeline.run(&1, &());"
        echo "    println!(\"{:?}\", report.bag().get(S$((steps - 1))).output());"
        echo "}"
    } >"$dir/src/main.rs"
}

# Prints the seconds and peak KiB of `cargo $1` on the crate in $2.
measure() {
    local command=$1 dir=$2
    touch "$dir/src/main.rs"
    /usr/bin/time -f "%e %M" -o "$work/time.txt" \
        cargo "$command" -q --manifest-path "$dir/Cargo.toml"
    cat "$work/time.txt"
}

# Prints "median-seconds peak-MiB" of RUNS runs of `cargo $1` on the crate in $2.
summarize() {
    local command=$1 dir=$2 elapsed kib peak_kib=0 seconds=()
    for ((run = 0; run < runs; run++)); do
        read -r elapsed kib < <(measure "$command" "$dir")
        seconds+=("$elapsed")
        if ((kib > peak_kib)); then peak_kib=$kib; fi
    done
    echo "$(printf '%s\n' "${seconds[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p") $((peak_kib / 1024))"
}

generate 2 "$work/warm" deep
cargo check -q --manifest-path "$work/warm/Cargo.toml"
cargo build -q --manifest-path "$work/warm/Cargo.toml"

echo "| shape | steps | check (s) | check peak (MiB) | debug build (s) | build peak (MiB) |"
echo "|---|---:|---:|---:|---:|---:|"
for shape in "${shapes[@]}"; do
    for steps in "${counts[@]}"; do
        dir="$work/$shape-$steps"
        generate "$steps" "$dir" "$shape"
        read -r check_seconds check_mib < <(summarize check "$dir")
        read -r build_seconds build_mib < <(summarize build "$dir")
        echo "| $shape | $steps | $check_seconds | $check_mib | $build_seconds | $build_mib |"
    done
done
