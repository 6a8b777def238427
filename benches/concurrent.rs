//! Many records per iteration: scenario d, the statement import of scenario c over 100,000
//! records on worker threads. It runs once with the fast callbacks of scenario c, and once
//! with about 2 µs of CPU work in step 2's job to show how the worker pool scales.
//!
//! Run with `benches/run.sh`, or `cargo bench --bench concurrent`.

mod support;

use std::hint::black_box;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, SystemTime};

use choreograph::Coordinator;
use criterion::{Criterion, SamplingMode};

use support::harness::{self, PLAIN_LOOP, Scenario};
use support::statements::{self, AddLine, Line, add_line, add_line_after_work, statement_pipeline};

/// The records of one iteration: the 1,000 lines of scenario c, cycled.
const RECORDS: usize = 100_000;

/// Passes what a caller reads from one import to `black_box`, as in scenario c.
#[inline(always)]
fn consume(ok: bool, record_id: Option<&str>, created: Option<bool>) {
    black_box(ok);
    black_box(record_id);
    black_box(created);
}

/// Times one scenario: the hand-written loop on one thread and on two, and `Pipeline::run`
/// in a loop. Then the concurrent runs on one worker and on two: the pipeline's with the
/// default buffer and with a buffer of 256 records, and both coordinators'.
///
/// A macro, because the pipeline's type names closures; `$add` is step 2's job.
macro_rules! concurrent_scenario {
    ($criterion:expr, $name:expr, $lines:expr, $add:path) => {{
        let lines: &'static [Line] = $lines;
        let pipeline = Arc::new(statement_pipeline!(&'static Line, $add));
        let coordinator = Arc::new(statements::coordinator_for::<&'static Line>($add));
        let wrapping = Coordinator::from_pipeline(statement_pipeline!(&'static Line, $add));
        let wrapping = Arc::new(wrapping.expect("step names are distinct"));
        let ledger = Arc::new(statements::ledger());
        let inputs = || lines.iter().cycle().take(RECORDS);

        // Every concurrent runner does the work of scenario c: every run succeeds, and
        // step 1 creates the statements the ledger lacks.
        let expected_created = statements::LINES - statements::KNOWN_STATEMENTS;
        let check = statements::ledger();
        let created = pipeline
            .concurrent()
            .workers(2)
            .run(lines.iter(), Arc::new(check))
            .expect("worker threads start")
            .filter(|record| *record.report().bag().get(AddLine).output().unwrap())
            .count();
        assert_eq!(created, expected_created);
        for coordinator in [&coordinator, &wrapping] {
            let created = coordinator
                .concurrent()
                .workers(2)
                .run(lines.iter(), Arc::new(statements::ledger()))
                .expect("worker threads start")
                .filter(|record| {
                    statements::read_coordinator_report(record.report())
                        .2
                        .unwrap()
                })
                .count();
            assert_eq!(created, expected_created);
        }

        let mut scenario = Scenario::new($criterion, $name, RECORDS as u64);
        scenario.group().sampling_mode(SamplingMode::Flat);
        scenario.group().sample_size(10);
        scenario.group().measurement_time(Duration::from_secs(5));

        scenario.variant(PLAIN_LOOP, || {
            for line in inputs() {
                let result = statements::import_by_hand_with(black_box(line), &ledger, $add);
                match &result {
                    Ok((_, record_id, created)) => {
                        consume(true, record_id.as_deref(), Some(*created))
                    }
                    Err(_) => consume(false, None, None),
                }
            }
        });
        scenario.variant("plain_threads_2", || {
            thread::scope(|scope| {
                for half in [0, 1] {
                    let ledger = &ledger;
                    scope.spawn(move || {
                        for line in inputs().skip(half).step_by(2) {
                            let line = black_box(line);
                            let result = statements::import_by_hand_with(line, ledger, $add);
                            match &result {
                                Ok((_, record_id, created)) => {
                                    consume(true, record_id.as_deref(), Some(*created))
                                }
                                Err(_) => consume(false, None, None),
                            }
                        }
                    });
                }
            });
        });
        scenario.variant("pipeline_run_loop", || {
            for line in inputs() {
                let report = pipeline.run(black_box(&line), &ledger);
                let (ok, record_id, created) = statements::read_pipeline_report(&report);
                consume(ok, record_id, created);
            }
        });
        // `None` keeps the default buffer: as many queued records as workers.
        let runs = [
            ("run_concurrent_1", 1, None),
            ("run_concurrent_2", 2, None),
            ("run_concurrent_1_buffer_256", 1, Some(256)),
            ("run_concurrent_2_buffer_256", 2, Some(256)),
        ];
        for (variant, workers, buffer) in runs {
            scenario.variant(variant, || {
                let mut concurrent = pipeline.concurrent().workers(workers);
                if let Some(buffer) = buffer {
                    concurrent = concurrent.buffer(buffer);
                }
                let results = concurrent
                    .run(inputs(), Arc::clone(&ledger))
                    .expect("worker threads start");
                for record in results {
                    let report = record.report();
                    let (ok, record_id, created) = statements::read_pipeline_report(&report);
                    consume(ok, record_id, created);
                }
            });
        }
        let coordinators = [
            ("coordinator_concurrent_1", &coordinator, 1),
            ("coordinator_concurrent_2", &coordinator, 2),
            ("coordinator_pipeline_concurrent_1", &wrapping, 1),
            ("coordinator_pipeline_concurrent_2", &wrapping, 2),
        ];
        for (variant, coordinator, workers) in coordinators {
            scenario.variant(variant, || {
                let results = coordinator
                    .concurrent()
                    .workers(workers)
                    .run(inputs(), Arc::clone(&ledger))
                    .expect("worker threads start");
                for record in results {
                    let (ok, record_id, created) =
                        statements::read_coordinator_report(record.report());
                    consume(ok, record_id, created);
                }
            });
        }
        scenario.finish();
        Arc::clone(&ledger)
    }};
}

fn fast_callbacks(criterion: &mut Criterion, lines: &'static [Line]) {
    let ledger = concurrent_scenario!(criterion, "d_concurrent_import", lines, add_line);
    black_box(ledger.total());
}

fn cpu_bound_callbacks(criterion: &mut Criterion, lines: &'static [Line]) {
    let ledger = concurrent_scenario!(
        criterion,
        "d_concurrent_import_cpu_bound",
        lines,
        add_line_after_work
    );
    black_box(ledger.total());
}

fn main() {
    let started = SystemTime::now();
    // The worker threads need `'static` inputs, and the lines live as long as the process.
    let lines: &'static [Line] = Vec::leak(statements::lines());
    let mut criterion = harness::criterion();
    fast_callbacks(&mut criterion, lines);
    cpu_bound_callbacks(&mut criterion, lines);
    criterion.final_summary();
    harness::print_summary(started);
}
