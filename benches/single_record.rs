//! One record per iteration: scenarios a (2 trivial steps), b (10 trivial steps) and c
//! (statement import), each variant timed in one criterion group per scenario.
//!
//! Run with `benches/run.sh`, or `cargo bench --bench single_record`.

mod support;

use std::hint::black_box;
use std::time::SystemTime;

use choreograph::{AnyEntries, Chain, Coordinator, Entries, Pipeline, markers};
use criterion::Criterion;

use support::harness::{self, PLAIN_LOOP, Scenario};
use support::naive::run_naive;
use support::statements::{self, ADD_LINE, AddLine, IMPORT_STATEMENT, statement_pipeline};
use support::trivial::{self, done, pass};

markers! {
    /// Trivial step 0.
    pub Step0 = "step 0";
    /// Trivial step 1.
    pub Step1 = "step 1";
    /// Trivial step 2.
    pub Step2 = "step 2";
    /// Trivial step 3.
    pub Step3 = "step 3";
    /// Trivial step 4.
    pub Step4 = "step 4";
    /// Trivial step 5.
    pub Step5 = "step 5";
    /// Trivial step 6.
    pub Step6 = "step 6";
    /// Trivial step 7.
    pub Step7 = "step 7";
    /// Trivial step 8.
    pub Step8 = "step 8";
    /// Trivial step 9.
    pub Step9 = "step 9";
}

fn two_trivial_steps(criterion: &mut Criterion) {
    let pipeline = Pipeline::<()>::new()
        .step(Step0, |_| pass(), |_| Ok(done()?))
        .step(Step1, |_| pass(), |_| Ok(done()?));
    time_trivial_steps::<2, _, _>(criterion, "a_two_trivial_steps", pipeline);
}

fn ten_trivial_steps(criterion: &mut Criterion) {
    let pipeline = Pipeline::<()>::new()
        .step(Step0, |_| pass(), |_| Ok(done()?))
        .step(Step1, |_| pass(), |_| Ok(done()?))
        .step(Step2, |_| pass(), |_| Ok(done()?))
        .step(Step3, |_| pass(), |_| Ok(done()?))
        .step(Step4, |_| pass(), |_| Ok(done()?))
        .step(Step5, |_| pass(), |_| Ok(done()?))
        .step(Step6, |_| pass(), |_| Ok(done()?))
        .step(Step7, |_| pass(), |_| Ok(done()?))
        .step(Step8, |_| pass(), |_| Ok(done()?))
        .step(Step9, |_| pass(), |_| Ok(done()?));
    time_trivial_steps::<10, _, _>(criterion, "b_ten_trivial_steps", pipeline);
}

/// Times `STEPS` trivial steps in every variant, with `pipeline` as the typed one.
fn time_trivial_steps<const STEPS: usize, C, L>(
    criterion: &mut Criterion,
    group: &'static str,
    pipeline: Pipeline<(), (), C, L>,
) where
    C: Chain<(), (), L> + Clone + Send + Sync + 'static,
    L: Entries + AnyEntries + Send + Sync + 'static,
{
    let coordinator = trivial::coordinator(STEPS);
    let wrapping = Coordinator::from_pipeline(pipeline.clone()).unwrap();
    let naive = trivial::naive_steps(STEPS);
    assert!(pipeline.run(&(), &()).is_ok());
    assert!(coordinator.run(&(), &()).is_ok());
    assert!(wrapping.run(&(), &()).is_ok());
    assert!(run_naive(&naive, &(), &()).stopped.is_none());

    let mut scenario = Scenario::new(criterion, group, 1);
    scenario.variant(PLAIN_LOOP, || trivial::run_by_hand::<STEPS>().is_ok());
    scenario.variant("pipeline", || pipeline.run(black_box(&()), &()).is_ok());
    scenario.variant("coordinator", || {
        coordinator.run(black_box(&()), &()).is_ok()
    });
    scenario.variant("coordinator_pipeline", || {
        wrapping.run(black_box(&()), &()).is_ok()
    });
    scenario.variant("naive_dyn", || {
        run_naive(&naive, black_box(&()), &()).stopped.is_none()
    });
    scenario.finish();
}

fn statement_import(criterion: &mut Criterion) {
    let lines = statements::lines();
    let pipeline = statement_pipeline!();
    let coordinator = statements::coordinator();
    let wrapping = Coordinator::from_pipeline(statement_pipeline!()).unwrap();
    let naive = statements::naive_steps();

    // Every variant does the same work: same totals, same statements created.
    let ledgers = [(); 5].map(|()| statements::ledger());
    let mut created = [0; 5];
    for line in &lines {
        let (_, _, by_hand) = statements::import_by_hand(line, &ledgers[0]).unwrap();
        created[0] += usize::from(by_hand);
        let report = pipeline.run(line, &ledgers[1]);
        created[1] += usize::from(*report.bag().get(AddLine).output().unwrap());
        let report = coordinator.run(line, &ledgers[2]);
        created[2] += usize::from(statements::read_coordinator_report(&report).2.unwrap());
        let report = wrapping.run(line, &ledgers[3]);
        created[3] += usize::from(statements::read_coordinator_report(&report).2.unwrap());
        let run = run_naive(&naive, line, &ledgers[4]);
        created[4] += usize::from(*run.output::<bool>(ADD_LINE).unwrap());
    }
    let expected_total: f64 = lines.iter().map(|line| line.amount).sum();
    let expected_created = statements::LINES - statements::KNOWN_STATEMENTS;
    assert_eq!(created, [expected_created; 5]);
    for ledger in &ledgers {
        assert_eq!(ledger.total(), expected_total);
    }

    let ledger = statements::ledger();
    let mut scenario = Scenario::new(criterion, "c_statement_import", 1);
    let mut next = lines.iter().cycle();
    scenario.variant(PLAIN_LOOP, || {
        let result = statements::import_by_hand(black_box(next.next().unwrap()), &ledger);
        match &result {
            Ok((_, record_id, created)) => consume(true, record_id.as_deref(), Some(*created)),
            Err(_) => consume(false, None, None),
        }
    });
    let mut next = lines.iter().cycle();
    scenario.variant("pipeline", || {
        let report = pipeline.run(black_box(next.next().unwrap()), &ledger);
        let (ok, record_id, created) = statements::read_pipeline_report(&report);
        consume(ok, record_id, created);
    });
    let mut next = lines.iter().cycle();
    scenario.variant("coordinator", || {
        let report = coordinator.run(black_box(next.next().unwrap()), &ledger);
        let (ok, record_id, created) = statements::read_coordinator_report(&report);
        consume(ok, record_id, created);
    });
    let mut next = lines.iter().cycle();
    scenario.variant("coordinator_pipeline", || {
        let report = wrapping.run(black_box(next.next().unwrap()), &ledger);
        let (ok, record_id, created) = statements::read_coordinator_report(&report);
        consume(ok, record_id, created);
    });
    let mut next = lines.iter().cycle();
    scenario.variant("naive_dyn", || {
        let run = run_naive(&naive, black_box(next.next().unwrap()), &ledger);
        consume(
            run.stopped.is_none(),
            run.output::<String>(IMPORT_STATEMENT).map(String::as_str),
            run.output::<bool>(ADD_LINE).copied(),
        );
    });
    scenario.finish();
}

/// Passes what a caller reads from one import to `black_box`: whether it succeeded, the new
/// record id and step 2's output. Every variant of scenario c reads these three values.
#[inline(always)]
fn consume(ok: bool, record_id: Option<&str>, created: Option<bool>) {
    black_box(ok);
    black_box(record_id);
    black_box(created);
}

fn main() {
    let started = SystemTime::now();
    let mut criterion = harness::criterion();
    two_trivial_steps(&mut criterion);
    ten_trivial_steps(&mut criterion);
    statement_import(&mut criterion);
    criterion.final_summary();
    harness::print_summary(started);
}
