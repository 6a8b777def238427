//! Registers each variant of a scenario with criterion, counts its allocations, and prints
//! the tables of `BENCHMARKS.md` from criterion's estimates.
//!
//! Setting `CHOREOGRAPH_BENCH_CALLS=<scenario>/<variant>=<calls>` runs only that variant,
//! `<calls>` times, without criterion, so that `valgrind --tool=callgrind` can count its
//! instructions (see `benches/instructions.sh`).

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput};

use super::allocations::count_allocations;

/// The variant every other variant of a scenario is compared with.
pub const PLAIN_LOOP: &str = "plain_loop";

/// The environment variable that selects one variant for instruction counting.
const CALLS_VARIABLE: &str = "CHOREOGRAPH_BENCH_CALLS";

/// The variants registered in this process, in order, for the summary.
static ROWS: Mutex<Vec<Row>> = Mutex::new(Vec::new());

struct Row {
    scenario: &'static str,
    variant: &'static str,
    records_per_call: u64,
    allocations_per_record: f64,
}

/// Creates the criterion instance every bench binary uses: 1 s of warm-up and 3 s of
/// measurement per variant, unless command-line options set other times.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

/// One scenario: a criterion group whose variants do the same work, so their times compare
/// within one run.
pub struct Scenario<'a> {
    group: BenchmarkGroup<'a, WallTime>,
    name: &'static str,
    records_per_call: u64,
    calls_for_allocations: u64,
}

impl<'a> Scenario<'a> {
    /// Starts the scenario `name`, whose routines process `records_per_call` records per
    /// call.
    pub fn new(criterion: &'a mut Criterion, name: &'static str, records_per_call: u64) -> Self {
        let mut group = criterion.benchmark_group(name);
        group.throughput(Throughput::Elements(records_per_call));
        Scenario {
            group,
            name,
            records_per_call,
            calls_for_allocations: (10_000 / records_per_call).max(1),
        }
    }

    /// Returns the criterion group, to change its settings.
    pub fn group(&mut self) -> &mut BenchmarkGroup<'a, WallTime> {
        &mut self.group
    }

    /// Counts the allocations of `routine`, then times it.
    ///
    /// Each call of `routine` processes the scenario's records and returns what they
    /// produced. The timed loop passes the result to `black_box` and drops it, so every
    /// variant pays for dropping its own results.
    pub fn variant<R>(&mut self, variant: &'static str, mut routine: impl FnMut() -> R) {
        if let Some(selected) = selected_for_instructions() {
            if selected.scenario == self.name && selected.variant == variant {
                println!("records per call: {}", self.records_per_call);
                call_repeatedly(&mut routine, selected.calls);
                std::process::exit(0);
            }
            return;
        }

        call_repeatedly(&mut routine, self.calls_for_allocations.div_ceil(10));
        let allocations = count_allocations(|| {
            call_repeatedly(&mut routine, self.calls_for_allocations);
        });
        ROWS.lock().unwrap().push(Row {
            scenario: self.name,
            variant,
            records_per_call: self.records_per_call,
            allocations_per_record: allocations as f64
                / (self.calls_for_allocations * self.records_per_call) as f64,
        });
        self.group.bench_function(variant, |bencher| {
            bencher.iter_custom(|calls| {
                let start = Instant::now();
                call_repeatedly(&mut routine, calls);
                start.elapsed()
            });
        });
    }

    /// Ends the scenario.
    pub fn finish(self) {
        self.group.finish();
    }
}

/// Calls `routine` `calls` times, passing each result to `black_box` and dropping it.
///
/// The timed loop, the allocation count and the instruction count all run this one
/// function, so they measure the same machine code: inlining decisions can differ between
/// two loops that look alike.
#[inline(never)]
fn call_repeatedly<R>(routine: &mut impl FnMut() -> R, calls: u64) {
    for _ in 0..calls {
        black_box(routine());
    }
}

struct Selected {
    scenario: String,
    variant: String,
    calls: u64,
}

fn selected_for_instructions() -> Option<Selected> {
    let value = env::var(CALLS_VARIABLE).ok()?;
    let parsed = value.split_once('=').and_then(|(id, calls)| {
        let (scenario, variant) = id.split_once('/')?;
        let calls = calls.parse().ok()?;
        Some(Selected {
            scenario: scenario.to_owned(),
            variant: variant.to_owned(),
            calls,
        })
    });
    match parsed {
        Some(selected) => Some(selected),
        None => {
            eprintln!(
                "invalid `{CALLS_VARIABLE}` value `{value}`: expected `<scenario>/<variant>=<calls>`"
            );
            std::process::exit(2);
        }
    }
}

/// Prints, for each scenario timed in this process, a Markdown table: variant, median ns
/// per record, ratio to the plain loop, and allocations per record.
///
/// It reads criterion's median estimates from `$CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else `target/criterion`, and leaves out variants whose
/// estimates were not written after `started` (for example when a filter skipped them).
pub fn print_summary(started: SystemTime) {
    let rows = ROWS.lock().unwrap();
    let mut output = String::new();
    let mut scenario = "";
    let mut plain_loop_ns = None;
    for row in rows.iter() {
        let Some(median_ns) = median_ns_per_call(row.scenario, row.variant, started) else {
            continue;
        };
        let ns_per_record = median_ns / row.records_per_call as f64;
        if row.scenario != scenario {
            scenario = row.scenario;
            plain_loop_ns = None;
            let _ = write!(
                output,
                "\n{scenario}\n\n\
                 | variant | median ns per record | ratio to plain loop | allocations per record |\n\
                 |---|---:|---:|---:|\n"
            );
        }
        if row.variant == PLAIN_LOOP {
            plain_loop_ns = Some(ns_per_record);
        }
        let ratio = match plain_loop_ns {
            Some(plain) => format!("{:.2}", ns_per_record / plain),
            None => String::from("-"),
        };
        let _ = writeln!(
            output,
            "| {} | {} | {ratio} | {:.2} |",
            row.variant,
            format_ns(ns_per_record),
            row.allocations_per_record,
        );
    }
    if !output.is_empty() {
        println!("\nSummary (medians of this run):\n{output}");
    }
}

fn format_ns(ns: f64) -> String {
    if ns < 10.0 {
        format!("{ns:.2}")
    } else if ns < 100.0 {
        format!("{ns:.1}")
    } else {
        format!("{ns:.0}")
    }
}

fn criterion_home() -> PathBuf {
    if let Some(home) = env::var_os("CRITERION_HOME") {
        PathBuf::from(home)
    } else if let Some(target) = env::var_os("CARGO_TARGET_DIR") {
        PathBuf::from(target).join("criterion")
    } else {
        PathBuf::from("target/criterion")
    }
}

fn median_ns_per_call(scenario: &str, variant: &str, started: SystemTime) -> Option<f64> {
    let path = criterion_home()
        .join(scenario)
        .join(variant)
        .join("new/estimates.json");
    let modified = fs::metadata(&path).and_then(|meta| meta.modified()).ok()?;
    if modified < started {
        return None;
    }
    let estimates: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).ok()?).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}
