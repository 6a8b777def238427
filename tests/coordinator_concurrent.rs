//! Many records at once through the coordinator: counts, isolation, ordering, dropping,
//! cancellation, per-worker environments, worker counts, wrapped pipelines and dynamic
//! input types.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use choreograph::{
    AnyInput, Callback, CancelCause, CancelToken, Check, Concurrent, Context, Coordinator,
    DynReport, DynStep, Error, MAX_WORKERS, Pipeline, Processed, Reason, Results, SkipReason, Step,
    markers,
};
use static_assertions::{assert_impl_all, assert_not_impl_any};

assert_impl_all!(Concurrent<Coordinator<()>>: Send, Sync, Clone);
assert_impl_all!(Results<std::ops::Range<u64>, DynReport>: Send);
assert_impl_all!(Processed<u64, DynReport>: Send, Sync);
assert_impl_all!(AnyInput: Send);
assert_not_impl_any!(AnyInput: Sync);
// The coordinator contains no environment, so a non-`Sync` one still lets it be shared.
assert_impl_all!(Coordinator<RefCell<u8>>: Send, Sync);

/// Calls of each callback of a two-step coordinator.
#[derive(Default)]
struct Calls {
    first_check: AtomicUsize,
    first_job: AtomicUsize,
    second_check: AtomicUsize,
    second_job: AtomicUsize,
}

impl Calls {
    fn counts(&self) -> [usize; 4] {
        [
            self.first_check.load(Ordering::SeqCst),
            self.first_job.load(Ordering::SeqCst),
            self.second_check.load(Ordering::SeqCst),
            self.second_job.load(Ordering::SeqCst),
        ]
    }
}

/// Returns a deterministic pseudo-random number below `bound` for `seed` (SplitMix64).
fn scatter(seed: u64, bound: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) % bound
}

/// Reads the job output of `step` as a `u64`, failing the test when it is missing.
fn job_u64(report: &DynReport, step: &str) -> u64 {
    *report
        .bag()
        .job_data::<u64>(step)
        .unwrap()
        .unwrap_or_else(|| panic!("step `{step}` stored no job output: {report:?}"))
}

/// Builds a coordinator whose single step `double` doubles a `u64` input.
fn doubling() -> Arc<Coordinator> {
    let mut coordinator = Coordinator::new();
    coordinator
        .add_step(DynStep::new("double").job_with(|_, input: &u64| Ok(input * 2)))
        .unwrap();
    Arc::new(coordinator)
}

#[test]
fn thousand_inputs_twice_count_every_callback() {
    type Step = DynStep<Calls>;
    let mut coordinator = Coordinator::<Calls>::new();
    coordinator
        .add_step(
            Step::new("first")
                .pre_check_with(|cx, _: &u64| {
                    cx.env().first_check.fetch_add(1, Ordering::SeqCst);
                    Check::Pass(())
                })
                .job_with(|cx, input: &u64| {
                    cx.env().first_job.fetch_add(1, Ordering::SeqCst);
                    Ok(input * 2)
                }),
        )
        .unwrap();
    coordinator
        .add_step(
            Step::new("second")
                .pre_check(|cx| {
                    cx.env().second_check.fetch_add(1, Ordering::SeqCst);
                    Check::Pass(())
                })
                .job(|cx| {
                    cx.env().second_job.fetch_add(1, Ordering::SeqCst);
                    Ok(cx.bag().job_data::<u64>("first")?.copied().unwrap_or(0) + 1)
                }),
        )
        .unwrap();
    let coordinator = Arc::new(coordinator);
    let calls = Arc::new(Calls::default());
    let concurrent = coordinator.concurrent().workers(4);

    for run in 1..=2 {
        let before = calls.counts();
        let results = concurrent.run(0..1_000_u64, Arc::clone(&calls)).unwrap();
        assert_eq!(results.workers(), 4);

        let mut positions = HashSet::new();
        for record in results {
            let report = record.report();
            assert!(report.is_ok(), "{:?}", report.error());
            assert_eq!(report.execution_errors().count(), 0);
            assert_eq!(record.position() as u64, *record.input());
            assert_eq!(job_u64(report, "first"), record.input() * 2);
            assert_eq!(job_u64(report, "second"), record.input() * 2 + 1);
            assert!(positions.insert(record.position()));
        }
        assert_eq!(positions.len(), 1_000);

        let after = calls.counts();
        for callback in 0..4 {
            assert_eq!(after[callback] - before[callback], 1_000, "run {run}");
        }
    }
    assert_eq!(calls.counts(), [2_000; 4]);
}

#[test]
fn job_failure_spares_next_input() {
    let mut coordinator = Coordinator::new();
    coordinator
        .add_step(
            DynStep::new("first").job_with(|_, input: &u32| match input {
                0 => Err("input zero is rejected".into()),
                input => Ok(input + 100),
            }),
        )
        .unwrap();
    let results: Vec<_> = Arc::new(coordinator)
        .concurrent()
        .workers(1)
        .run([0_u32, 1], ())
        .unwrap()
        .collect();
    assert_eq!(results.len(), 2);

    let failed = &results[0];
    assert_eq!(failed.position(), 0);
    match failed.report().error() {
        Some(Error::JobFailed { step, source }) => {
            assert_eq!(step.name(), "first");
            assert_eq!(source.to_string(), "input zero is rejected");
        }
        other => panic!("expected a job failure, got {other:?}"),
    }
    assert_eq!(failed.report().execution_errors().count(), 1);
    assert_eq!(
        failed.report().bag().job_data::<u32>("first").unwrap(),
        None
    );

    let next = &results[1];
    assert_eq!(next.position(), 1);
    assert!(next.report().is_ok(), "{:?}", next.report().error());
    assert_eq!(next.report().execution_errors().count(), 0);
    assert_eq!(
        next.report().bag().job_data::<u32>("first").unwrap(),
        Some(&101)
    );
}

#[test]
fn pre_check_cancel_spares_next_input() {
    let mut coordinator = Coordinator::new();
    coordinator
        .add_step(
            DynStep::new("first").pre_check_with(|_, input: &u32| match input {
                0 => Check::Cancel((), Reason::new("input zero is canceled")),
                _ => Check::Pass(()),
            }),
        )
        .unwrap();
    coordinator
        .add_step(DynStep::new("second").job_with(|_, input: &u32| Ok(*input)))
        .unwrap();
    let results: Vec<_> = Arc::new(coordinator)
        .concurrent()
        .workers(1)
        .run([0_u32, 1], ())
        .unwrap()
        .collect();

    assert!(matches!(
        results[0].report().error(),
        Some(Error::ExecutionCanceled { step, .. }) if step.name() == "first"
    ));
    assert_eq!(
        results[0].report().bag().job_data::<u32>("second").unwrap(),
        None
    );
    assert!(results[1].report().is_ok());
    assert_eq!(
        results[1].report().bag().job_data::<u32>("second").unwrap(),
        Some(&1)
    );
}

#[test]
fn panic_in_one_of_twenty_spares_others() {
    let mut coordinator = Coordinator::new();
    coordinator
        .add_step(DynStep::new("explode").job_with(|_, input: &u64| {
            if *input == 7 {
                panic!("input 7 is cursed");
            }
            Ok(input * 3)
        }))
        .unwrap();
    let results = Arc::new(coordinator)
        .concurrent()
        .workers(3)
        .run(0..20_u64, ())
        .unwrap();
    assert_eq!(results.workers(), 3);

    let mut normal = 0;
    let mut panicked = Vec::new();
    for record in results {
        match record.report().error() {
            None => {
                assert_eq!(job_u64(record.report(), "explode"), record.input() * 3);
                normal += 1;
            }
            Some(Error::Panicked {
                step,
                callback,
                message,
            }) => {
                assert_eq!(step.name(), "explode");
                assert_eq!(step.index(), 0);
                assert_eq!(*callback, Callback::Job);
                assert_eq!(message, "input 7 is cursed");
                panicked.push(*record.input());
            }
            Some(other) => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!(normal, 19);
    assert_eq!(panicked, [7]);
}

/// A skip reason whose conversion into an error panics, outside any callback.
#[derive(Debug)]
struct ExplosiveReason;

impl SkipReason for ExplosiveReason {
    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        panic!("as_error is not called in this test")
    }

    fn into_error(self) -> choreograph::BoxError {
        panic!("the reason cannot become an error")
    }
}

markers! {
    /// Cancels odd inputs with a reason that cannot become an error.
    pub CancelOdd = "cancel odd";
}

/// A typed step that cancels odd inputs with an [`ExplosiveReason`].
struct CancelOnOdd;

impl<L> Step<u32, (), L> for CancelOnOdd {
    type Marker = CancelOdd;
    type Check = ();
    type Reason = ExplosiveReason;
    type Output = u32;
    type Error = std::convert::Infallible;

    fn pre_check(&self, cx: Context<'_, u32, (), L>) -> Check<(), ExplosiveReason> {
        if cx.input() % 2 == 1 {
            Check::Cancel((), ExplosiveReason)
        } else {
            Check::Pass(())
        }
    }

    fn job(&self, cx: Context<'_, u32, (), L>) -> Result<u32, Self::Error> {
        Ok(*cx.input())
    }
}

#[test]
fn panic_outside_callbacks_is_run_panicked() {
    let pipeline = Pipeline::<u32>::new().add_step(CancelOnOdd);
    let mut coordinator = Coordinator::from_pipeline(pipeline).unwrap();
    coordinator
        .add_step(DynStep::new("after").job(|_| Ok(1_u8)))
        .unwrap();
    let results: Vec<_> = Arc::new(coordinator)
        .concurrent()
        .workers(2)
        .ordered(true)
        .run(0..10_u32, ())
        .unwrap()
        .collect();
    assert_eq!(results.len(), 10);

    for record in &results {
        let report = record.report();
        if record.input() % 2 == 0 {
            assert!(report.is_ok(), "{:?}", report.error());
            assert_eq!(
                report.bag().job_data::<u32>("cancel odd").unwrap(),
                Some(record.input())
            );
            assert_eq!(report.bag().job_data::<u8>("after").unwrap(), Some(&1));
        } else {
            match report.error() {
                Some(Error::RunPanicked { message }) => {
                    assert_eq!(message, "the reason cannot become an error");
                }
                other => panic!("expected a panic outside callbacks, got {other:?}"),
            }
            assert_eq!(report.bag().job_data::<u32>("cancel odd").unwrap(), None);
            assert_eq!(report.bag().job_data::<u8>("after").unwrap(), None);
        }
    }
}

#[test]
fn empty_inputs_end_at_once() {
    let coordinator = doubling();

    let mut results = coordinator.concurrent().run(Vec::<u64>::new(), ()).unwrap();
    assert_eq!(results.workers(), 1);
    assert_eq!(results.size_hint(), (0, Some(0)));
    assert!(results.next().is_none());
    assert!(results.next().is_none());

    let unknown_length = std::iter::from_fn(|| None::<u64>);
    let mut results = coordinator
        .concurrent()
        .ordered(true)
        .run(unknown_length, ())
        .unwrap();
    assert!(results.next().is_none());
}

/// A per-worker environment that counts how many exist.
struct Tracked {
    alive: Arc<AtomicUsize>,
}

impl Tracked {
    fn new(alive: &Arc<AtomicUsize>) -> Self {
        alive.fetch_add(1, Ordering::SeqCst);
        Tracked {
            alive: Arc::clone(alive),
        }
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.alive.fetch_sub(1, Ordering::SeqCst);
    }
}

#[test]
fn drop_after_three_results_ends_workers() {
    let started = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&started);
    let mut coordinator = Coordinator::<Tracked>::new();
    coordinator
        .add_step(
            DynStep::<Tracked>::new("first")
                .pre_check(move |_| {
                    counter.fetch_add(1, Ordering::SeqCst);
                    Check::Pass(())
                })
                .job(|cx| {
                    // Later inputs block until the drop cancels them, so the drop must
                    // stop records in flight to return at all.
                    if *cx.input().downcast_ref::<u64>().unwrap() >= 3 {
                        while !cx.is_canceled() {
                            thread::sleep(Duration::from_millis(1));
                        }
                    }
                    Ok(())
                }),
        )
        .unwrap();
    coordinator.add_step(DynStep::new("second")).unwrap();
    let alive = Arc::new(AtomicUsize::new(0));
    let factory_alive = Arc::clone(&alive);

    let mut results = Arc::new(coordinator)
        .concurrent()
        .workers(4)
        .buffer(4)
        .ordered(true)
        .run_per_worker(0_u64.., move |_| Tracked::new(&factory_alive))
        .unwrap();
    assert_eq!(results.workers(), 4);
    assert_eq!(alive.load(Ordering::SeqCst), 4);
    for position in 0..3 {
        let record = results.next().unwrap();
        assert_eq!(record.position(), position);
        assert!(record.report().is_ok(), "{:?}", record.report().error());
    }
    let dropped_at = Instant::now();
    drop(results);
    // A generous bound, so that a drop that fails to stop the workers fails the test
    // instead of hanging it.
    let waited = dropped_at.elapsed();
    assert!(waited < Duration::from_secs(1), "the drop took {waited:?}");

    // The drop joined every worker thread, so each environment has been dropped and no
    // callback can run any more.
    assert_eq!(alive.load(Ordering::SeqCst), 0);
    let started_at_drop = started.load(Ordering::SeqCst);
    assert!(started_at_drop >= 3);
    assert!(
        started_at_drop <= 3 + 8,
        "{started_at_drop} records started"
    );
    thread::sleep(Duration::from_millis(20));
    assert_eq!(started.load(Ordering::SeqCst), started_at_drop);
}

#[test]
fn ordered_mode_keeps_order_with_random_sleeps() {
    let mut coordinator = Coordinator::new();
    coordinator
        .add_step(DynStep::new("sleep").job_with(|_, input: &u64| {
            thread::sleep(Duration::from_micros(scatter(*input, 500)));
            Ok(input + 1)
        }))
        .unwrap();
    let results = Arc::new(coordinator)
        .concurrent()
        .workers(4)
        .ordered(true)
        .run(0..300_u64, ())
        .unwrap();

    let mut expected = 0;
    for record in results {
        assert_eq!(record.position(), expected);
        assert_eq!(*record.input(), expected as u64);
        assert_eq!(job_u64(record.report(), "sleep"), expected as u64 + 1);
        expected += 1;
    }
    assert_eq!(expected, 300);
}

/// Builds a two-step coordinator whose first job cancels the run on input 10, counting
/// the callback calls of each input.
fn canceling_coordinator(calls: &Arc<Vec<AtomicUsize>>) -> Arc<Coordinator> {
    fn count(calls: &[AtomicUsize], input: u64) {
        calls[input as usize].fetch_add(1, Ordering::SeqCst);
    }
    let (first_check, first_job, second_check, second_job) = (
        Arc::clone(calls),
        Arc::clone(calls),
        Arc::clone(calls),
        Arc::clone(calls),
    );
    let mut coordinator = Coordinator::new();
    coordinator
        .add_step(
            DynStep::new("first")
                .pre_check_with(move |_, input: &u64| {
                    count(&first_check, *input);
                    Check::Pass(())
                })
                .job_with(move |cx, input: &u64| {
                    count(&first_job, *input);
                    if *input == 10 {
                        cx.cancel();
                    }
                    Ok(())
                }),
        )
        .unwrap();
    coordinator
        .add_step(
            DynStep::new("second")
                .pre_check_with(move |_, input: &u64| {
                    count(&second_check, *input);
                    Check::Pass(())
                })
                .job_with(move |_, input: &u64| {
                    count(&second_job, *input);
                    Ok(())
                }),
        )
        .unwrap();
    Arc::new(coordinator)
}

/// Returns the index of the step a record was canceled before, or `None` if it finished.
fn canceled_before(error: Option<&Error>) -> Option<usize> {
    match error {
        None => None,
        Some(Error::Canceled { step, cause }) => {
            assert_eq!(*cause, CancelCause::Requested);
            Some(step.index())
        }
        Some(other) => panic!("unexpected error {other:?}"),
    }
}

#[test]
fn cancel_in_job_ten_with_one_worker() {
    let calls = Arc::new((0..100).map(|_| AtomicUsize::new(0)).collect::<Vec<_>>());
    let coordinator = canceling_coordinator(&calls);
    let token = CancelToken::new();
    let results: Vec<_> = coordinator
        .concurrent()
        .workers(1)
        .cancel_token(token.clone())
        .run(0..100_u64, ())
        .unwrap()
        .collect();

    assert_eq!(results.len(), 100);
    for (position, record) in results.iter().enumerate() {
        assert_eq!(record.position(), position);
        let calls = calls[position].load(Ordering::SeqCst);
        let stop = canceled_before(record.report().error());
        match position {
            0..10 => {
                assert_eq!(stop, None, "input {position}");
                assert_eq!(calls, 4, "input {position}");
            }
            10 => {
                assert_eq!(stop, Some(1));
                assert_eq!(calls, 2);
            }
            _ => {
                assert_eq!(stop, Some(0), "input {position}");
                assert_eq!(calls, 0, "input {position}");
            }
        }
        assert_eq!(record.report().execution_errors().count(), 0);
    }
    assert!(
        !token.is_canceled(),
        "a run cancels only its own derived token"
    );
}

#[test]
fn cancel_in_job_ten_with_four_workers() {
    let calls = Arc::new((0..200).map(|_| AtomicUsize::new(0)).collect::<Vec<_>>());
    let coordinator = canceling_coordinator(&calls);
    let results: Vec<_> = coordinator
        .concurrent()
        .workers(4)
        .buffer(4)
        .ordered(true)
        .run(0..200_u64, ())
        .unwrap()
        .collect();

    // In input order, input 10 + 8 is pulled only after input 10 has returned, so every
    // input from 18 on starts after the cancel.
    assert_eq!(results.len(), 200);
    for (position, record) in results.iter().enumerate() {
        assert_eq!(record.position(), position);
        let calls = calls[position].load(Ordering::SeqCst);
        match canceled_before(record.report().error()) {
            None => assert_eq!(calls, 4, "input {position}"),
            Some(step) => assert_eq!(calls, 2 * step, "input {position}"),
        }
        if position == 10 {
            assert_eq!(canceled_before(record.report().error()), Some(1));
        }
        if position >= 18 {
            assert_eq!(calls, 0, "input {position}");
            assert_eq!(canceled_before(record.report().error()), Some(0));
        }
    }
}

#[test]
fn canceled_token_runs_no_callback() {
    let calls = Arc::new((0..50).map(|_| AtomicUsize::new(0)).collect::<Vec<_>>());
    let coordinator = canceling_coordinator(&calls);
    let token = CancelToken::new();
    token.cancel();
    let results = coordinator
        .concurrent()
        .workers(3)
        .cancel_token(token)
        .run(0..50_u64, ())
        .unwrap();

    let mut count = 0;
    for record in results {
        assert_eq!(canceled_before(record.report().error()), Some(0));
        count += 1;
    }
    assert_eq!(count, 50);
    let total: usize = calls.iter().map(|calls| calls.load(Ordering::SeqCst)).sum();
    assert_eq!(total, 0);
}

/// A per-worker environment that is neither `Send` nor `Sync`.
struct Scratch {
    worker: usize,
    buffer: RefCell<Vec<u64>>,
    uses: Rc<RefCell<usize>>,
}

assert_not_impl_any!(Scratch: Send, Sync);

#[test]
fn per_worker_env_holds_non_sync_type() {
    let mut coordinator = Coordinator::<Scratch>::new();
    coordinator
        .add_step(DynStep::<Scratch>::new("sum").job_with(|cx, input: &u64| {
            let env = cx.env();
            *env.uses.borrow_mut() += 1;
            let mut buffer = env.buffer.borrow_mut();
            buffer.clear();
            buffer.extend(0..=*input);
            Ok((env.worker, buffer.iter().sum::<u64>()))
        }))
        .unwrap();
    let built = Arc::new(Mutex::new(Vec::new()));
    let factory_built = Arc::clone(&built);

    let results = Arc::new(coordinator)
        .concurrent()
        .workers(3)
        .run_per_worker(0..300_u64, move |worker| {
            factory_built.lock().unwrap().push(worker);
            Scratch {
                worker,
                buffer: RefCell::new(Vec::new()),
                uses: Rc::new(RefCell::new(0)),
            }
        })
        .unwrap();

    let mut count = 0;
    for record in results {
        let n = *record.input();
        let (worker, sum) = *record
            .report()
            .bag()
            .job_data::<(usize, u64)>("sum")
            .unwrap()
            .unwrap();
        assert_eq!(sum, n * (n + 1) / 2);
        assert!(worker < 3, "worker {worker}");
        count += 1;
    }
    assert_eq!(count, 300);
    let mut built = built.lock().unwrap().clone();
    built.sort();
    assert_eq!(built, [0, 1, 2]);
}

#[test]
fn factory_error_fails_start_without_pulling() {
    let mut coordinator = Coordinator::<Tracked>::new();
    coordinator.add_step(DynStep::new("noop")).unwrap();
    let alive = Arc::new(AtomicUsize::new(0));
    let factory_alive = Arc::clone(&alive);
    let pulled = Arc::new(AtomicUsize::new(0));
    let pull_counter = Arc::clone(&pulled);
    let inputs = (0..100_u64).inspect(move |_| {
        pull_counter.fetch_add(1, Ordering::SeqCst);
    });

    let started = Arc::new(coordinator)
        .concurrent()
        .workers(4)
        .try_run_per_worker(inputs, move |worker| match worker {
            1 | 3 => Err(format!("no connection for worker {worker}")),
            _ => Ok(Tracked::new(&factory_alive)),
        });

    match started {
        Err(Error::WorkerStartFailed { worker, source }) => {
            assert_eq!(worker, 1);
            assert_eq!(source.to_string(), "no connection for worker 1");
        }
        other => panic!("expected a start failure, got {other:?}"),
    }
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
    assert_eq!(alive.load(Ordering::SeqCst), 0);
}

#[test]
fn worker_counts_zero_one_and_huge() {
    let coordinator = doubling();
    for (requested, expected) in [(0, 1), (1, 1), (usize::MAX, 50)] {
        let results = coordinator
            .concurrent()
            .workers(requested)
            .run(0..50_u64, ())
            .unwrap();
        assert_eq!(results.workers(), expected, "requested {requested}");
        let mut sum = 0;
        for record in results {
            assert!(record.report().is_ok(), "{:?}", record.report().error());
            sum += job_u64(record.report(), "double");
        }
        assert_eq!(
            sum,
            (0..50).map(|n| n * 2).sum::<u64>(),
            "requested {requested}"
        );
    }

    // Without an upper size bound, a huge request starts the maximum number of workers.
    let mut next = 0_u64;
    let unbounded = std::iter::from_fn(move || {
        next += 1;
        (next <= 1_000).then_some(next)
    });
    let results = coordinator
        .concurrent()
        .workers(usize::MAX)
        .ordered(true)
        .run(unbounded, ())
        .unwrap();
    assert_eq!(results.workers(), MAX_WORKERS);
    let inputs: Vec<u64> = results.map(|record| *record.input()).collect();
    assert_eq!(inputs, (1..=1_000).collect::<Vec<_>>());
}

#[test]
fn coordinator_worker_count_is_default() {
    assert_eq!(Coordinator::<()>::MAX_WORKERS, MAX_WORKERS);
    // Twenty inputs without an upper size bound, which would otherwise limit the workers.
    let unbounded = || {
        let mut next = 0_u64;
        std::iter::from_fn(move || {
            next += 1;
            (next <= 20).then_some(next)
        })
    };

    for (own, expected) in [(0, 1), (3, 3), (usize::MAX, MAX_WORKERS)] {
        let mut coordinator = Coordinator::new().with_workers(own);
        coordinator.add_step(DynStep::new("noop")).unwrap();
        let coordinator = Arc::new(coordinator);

        let results = coordinator.concurrent().run(unbounded(), ()).unwrap();
        assert_eq!(results.workers(), expected, "own count {own}");
        assert_eq!(results.count(), 20);
        let results = coordinator.run_concurrent(unbounded(), ()).unwrap();
        assert_eq!(results.workers(), expected, "own count {own}");
        assert_eq!(results.count(), 20);

        // The builder's count overrides the coordinator's own.
        let results = coordinator
            .concurrent()
            .workers(2)
            .run(unbounded(), ())
            .unwrap();
        assert_eq!(results.workers(), 2, "own count {own}");
        assert_eq!(results.count(), 20);
    }
}

#[test]
fn same_coordinator_runs_from_several_threads() {
    let coordinator = doubling();
    thread::scope(|scope| {
        let runs: Vec<_> = (0..4_u64)
            .map(|run| {
                let coordinator = Arc::clone(&coordinator);
                scope.spawn(move || {
                    let inputs = run * 1_000..run * 1_000 + 250;
                    let results = coordinator.concurrent().workers(2).run(inputs, ()).unwrap();
                    let mut sum = 0;
                    let mut count = 0;
                    for record in results {
                        sum += job_u64(record.report(), "double");
                        count += 1;
                    }
                    (count, sum)
                })
            })
            .collect();
        for (run, handle) in runs.into_iter().enumerate() {
            let run = run as u64;
            let expected: u64 = (run * 1_000..run * 1_000 + 250).map(|n| n * 2).sum();
            assert_eq!(handle.join().unwrap(), (250, expected));
        }
    });
}

markers! {
    /// Parses the text input.
    pub Parse = "parse";
    /// Checks the parsed amount is positive.
    pub Validate = "validate";
}

#[test]
fn wrapped_pipeline_runs_concurrently() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let pipeline = Pipeline::<String>::new()
        .job(Parse, move |cx| {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(cx.input().parse::<i64>()?)
        })
        .step(
            Validate,
            |cx| match cx.bag().get(Parse).output() {
                Some(amount) if *amount > 0 => Check::Pass(*amount),
                _ => Check::Skip(0, Reason::new("not positive")),
            },
            |_| Ok(true),
        );
    let mut coordinator = Coordinator::from_pipeline(pipeline).unwrap();
    coordinator
        .add_step(DynStep::new("double").job(|cx| {
            Ok(cx
                .bag()
                .job_data::<i64>("PARSE")?
                .map_or(0, |amount| amount * 2))
        }))
        .unwrap();
    let coordinator = Arc::new(coordinator);

    let lines: Vec<String> = (-50..250)
        .map(|n| n.to_string())
        .chain(["x".into()])
        .collect();
    for run in 1..=2 {
        let results = coordinator
            .concurrent()
            .workers(4)
            .ordered(true)
            .run(lines.clone(), ())
            .unwrap();
        let mut count = 0;
        for record in results {
            let report = record.report();
            let bag = report.bag();
            match record.input().parse::<i64>() {
                Ok(amount) => {
                    assert!(report.is_ok(), "{:?}", report.error());
                    assert_eq!(bag.job_data::<i64>("parse").unwrap(), Some(&amount));
                    assert_eq!(bag.job_data::<i64>("double").unwrap(), Some(&(amount * 2)));
                    let skipped = amount <= 0;
                    assert_eq!(report.execution_errors().count(), usize::from(skipped));
                    let validated = bag.job_data::<bool>("validate").unwrap();
                    assert_eq!(validated, (!skipped).then_some(&true), "input {amount}");
                }
                Err(_) => {
                    assert!(matches!(
                        report.error(),
                        Some(Error::JobFailed { step, .. }) if step.name() == "parse"
                    ));
                    assert_eq!(bag.job_data::<i64>("double").unwrap(), None);
                }
            }
            count += 1;
        }
        assert_eq!(count, 301);
        assert_eq!(calls.load(Ordering::SeqCst), 301 * run);
    }
}

#[test]
fn wrong_input_type_is_unassignable() {
    let coordinator = doubling();
    let records = vec![
        AnyInput::new(1_u64),
        AnyInput::new(String::from("2")),
        AnyInput::new(3_u64),
    ];
    let results: Vec<_> = coordinator
        .concurrent()
        .workers(2)
        .ordered(true)
        .run(records, ())
        .unwrap()
        .collect();
    assert_eq!(results.len(), 3);

    assert_eq!(job_u64(results[0].report(), "double"), 2);
    assert_eq!(job_u64(results[2].report(), "double"), 6);
    let wrong = &results[1];
    assert_eq!(wrong.input().downcast_ref::<String>().unwrap(), "2");
    match wrong.report().error() {
        Some(Error::UnassignableInput {
            step,
            callback,
            expected,
            actual,
        }) => {
            assert_eq!(step.name(), "double");
            assert_eq!(*callback, Callback::Job);
            assert_eq!(*expected, "u64");
            assert_eq!(actual, "alloc::string::String");
        }
        other => panic!("expected an unassignable input, got {other:?}"),
    }
    assert_eq!(
        wrong.report().bag().job_data::<u64>("double").unwrap(),
        None
    );
}

#[test]
fn inputs_of_other_type_are_each_unassignable() {
    let coordinator = doubling();
    let results = coordinator
        .concurrent()
        .workers(3)
        .run(0..30_u32, ())
        .unwrap();

    let mut count = 0;
    for record in results {
        assert!(
            matches!(
                record.report().error(),
                Some(Error::UnassignableInput { expected: "u64", actual, .. }) if actual == "u32"
            ),
            "{:?}",
            record.report().error()
        );
        count += 1;
    }
    assert_eq!(count, 30);
}

#[test]
fn boxed_any_item_is_seen_as_box() {
    let mut coordinator = Coordinator::new();
    coordinator
        .add_step(DynStep::new("unbox").job(|cx| {
            let boxed = cx
                .input()
                .downcast_ref::<Box<dyn std::any::Any + Send>>()
                .ok_or("expected a box")?;
            Ok(*boxed
                .downcast_ref::<u64>()
                .ok_or("expected a `u64` in the box")?)
        }))
        .unwrap();
    let records: Vec<Box<dyn std::any::Any + Send>> = vec![Box::new(4_u64), Box::new(5_u64)];
    let mut values: Vec<u64> = Arc::new(coordinator)
        .run_concurrent(records, ())
        .unwrap()
        .map(|record| job_u64(record.report(), "unbox"))
        .collect();
    values.sort();
    assert_eq!(values, [4, 5]);
}

#[test]
fn coordinator_without_steps_returns_every_input() {
    let coordinator = Arc::new(Coordinator::<()>::new());
    let results = coordinator
        .concurrent()
        .workers(2)
        .run(0..10_u8, ())
        .unwrap();
    let mut positions: Vec<usize> = results
        .map(|record| {
            assert!(record.report().is_ok());
            record.position()
        })
        .collect();
    positions.sort();
    assert_eq!(positions, (0..10).collect::<Vec<_>>());
}
