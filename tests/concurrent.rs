//! Many records on a worker pool: counts, isolation, ordering, memory bounds, cancellation,
//! per-worker environments and worker counts.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use choreograph::{
    Callback, CancelCause, CancelToken, Chain, Check, Context, Entry, Error, HCons, HNil,
    MAX_WORKERS, Pipeline, Reason, SkipReason, Slot, Step, markers,
};

markers! {
    /// The first step of the test pipelines.
    pub First = "first";
    /// The second step of the test pipelines.
    pub Second = "second";
}

/// Calls of each callback of a two-step pipeline.
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

/// Polls `done` every millisecond until it returns true. A test that waits for a state
/// which never comes hangs here.
fn wait_until(done: impl Fn() -> bool) {
    while !done() {
        thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn thousand_inputs_twice_count_every_callback() {
    let pipeline = Arc::new(
        Pipeline::<u64, Calls>::new()
            .step(
                First,
                |cx| {
                    cx.env().first_check.fetch_add(1, Ordering::SeqCst);
                    Check::Pass(())
                },
                |cx| {
                    cx.env().first_job.fetch_add(1, Ordering::SeqCst);
                    Ok(cx.input() * 2)
                },
            )
            .step(
                Second,
                |cx| {
                    cx.env().second_check.fetch_add(1, Ordering::SeqCst);
                    Check::Pass(())
                },
                |cx| {
                    cx.env().second_job.fetch_add(1, Ordering::SeqCst);
                    Ok(cx.bag().get(First).output().copied().unwrap_or(0) + 1)
                },
            ),
    );
    let calls = Arc::new(Calls::default());
    let concurrent = pipeline.concurrent().workers(4);

    for run in 1..=2 {
        let before = calls.counts();
        let results = concurrent.run(0..1_000_u64, Arc::clone(&calls)).unwrap();
        assert_eq!(results.workers(), 4);

        let mut positions = HashSet::new();
        for record in results {
            assert!(record.report().is_ok(), "{:?}", record.report().error());
            assert_eq!(record.report().execution_errors().count(), 0);
            assert_eq!(record.position() as u64, *record.input());
            let expected = record.input() * 2 + 1;
            assert_eq!(record.report().bag().get(Second).output(), Some(&expected));
            assert!(positions.insert(record.position()));
        }
        assert_eq!(positions.len(), 1_000);

        let after = calls.counts();
        for callback in 0..4 {
            assert_eq!(after[callback] - before[callback], 1_000, "run {run}");
        }
        assert_eq!(after, [1_000 * run; 4]);
    }
    assert_eq!(calls.counts(), [2_000; 4]);
}

#[test]
fn job_failure_spares_next_input() {
    let pipeline = Arc::new(Pipeline::<u32>::new().job(First, |cx| match cx.input() {
        0 => Err("input zero is rejected".into()),
        input => Ok(input + 100),
    }));
    let results: Vec<_> = pipeline
        .concurrent()
        .workers(1)
        .run([0, 1], ())
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

    let next = &results[1];
    assert_eq!(next.position(), 1);
    assert!(next.report().is_ok());
    assert_eq!(next.report().execution_errors().count(), 0);
    assert_eq!(next.report().bag().get(First).output(), Some(&101));
}

#[test]
fn pre_check_cancel_spares_next_input() {
    let pipeline = Arc::new(
        Pipeline::<u32>::new()
            .step(
                First,
                |cx| match cx.input() {
                    0 => Check::Cancel((), Reason::new("input zero is canceled")),
                    _ => Check::Pass(()),
                },
                |_| Ok(()),
            )
            .job(Second, |cx| Ok(*cx.input())),
    );
    let results: Vec<_> = pipeline
        .concurrent()
        .workers(1)
        .run([0, 1], ())
        .unwrap()
        .collect();

    assert!(matches!(
        results[0].report().error(),
        Some(Error::ExecutionCanceled { step, .. }) if step.name() == "first"
    ));
    assert!(matches!(
        results[0].report().bag().get(Second),
        Entry::NotReached
    ));
    assert!(results[1].report().is_ok());
    assert_eq!(results[1].report().bag().get(Second).output(), Some(&1));
}

#[test]
fn panic_in_one_of_twenty_spares_others() {
    markers! {
        /// Panics on input 7.
        pub Explode = "explode";
    }
    let pipeline = Arc::new(Pipeline::<u32>::new().job(Explode, |cx| {
        if *cx.input() == 7 {
            panic!("input 7 is cursed");
        }
        Ok(cx.input() * 3)
    }));
    let results = pipeline.concurrent().workers(3).run(0..20, ()).unwrap();
    assert_eq!(results.workers(), 3);

    let mut normal = 0;
    let mut panicked = Vec::new();
    for record in results {
        match record.report().error() {
            None => {
                let expected = record.input() * 3;
                assert_eq!(record.report().bag().get(Explode).output(), Some(&expected));
                normal += 1;
            }
            Some(Error::Panicked {
                step,
                callback,
                message,
            }) => {
                assert_eq!(step.name(), "explode");
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

struct CancelOnOdd;

impl<B> Step<u32, (), B> for CancelOnOdd {
    type Marker = First;
    type Check = ();
    type Reason = ExplosiveReason;
    type Output = u32;
    type Error = std::convert::Infallible;

    fn pre_check(&self, cx: Context<'_, u32, (), B>) -> Check<(), ExplosiveReason> {
        if cx.input() % 2 == 1 {
            Check::Cancel((), ExplosiveReason)
        } else {
            Check::Pass(())
        }
    }

    fn job(&self, cx: Context<'_, u32, (), B>) -> Result<u32, Self::Error> {
        Ok(*cx.input())
    }
}

#[test]
fn panic_outside_callbacks_is_run_panicked() {
    let pipeline = Arc::new(
        Pipeline::<u32>::new()
            .add_step(CancelOnOdd)
            .job(Second, |_| Ok(())),
    );
    let results: Vec<_> = pipeline
        .concurrent()
        .workers(2)
        .ordered(true)
        .run(0..10, ())
        .unwrap()
        .collect();
    assert_eq!(results.len(), 10);

    for record in &results {
        let report = record.report();
        if record.input() % 2 == 0 {
            assert!(report.is_ok());
            assert_eq!(report.bag().get(First).output(), Some(record.input()));
        } else {
            match report.error() {
                Some(Error::RunPanicked { message }) => {
                    assert_eq!(message, "the reason cannot become an error");
                }
                other => panic!("expected a panic outside callbacks, got {other:?}"),
            }
            assert!(matches!(report.bag().get(First), Entry::NotReached));
            assert!(matches!(report.bag().get(Second), Entry::NotReached));
        }
    }
}

#[test]
fn empty_inputs_end_at_once() {
    let pipeline = Arc::new(Pipeline::<u32>::new().job(First, |_| Ok(())));

    let mut results = pipeline.concurrent().run(Vec::<u32>::new(), ()).unwrap();
    assert_eq!(results.workers(), 1);
    assert_eq!(results.size_hint(), (0, Some(0)));
    assert!(results.next().is_none());
    assert!(results.next().is_none());

    let unknown_length = std::iter::from_fn(|| None::<u32>);
    let mut results = pipeline
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
    let pipeline = Arc::new(
        Pipeline::<u64, Tracked>::new()
            .step(
                First,
                move |_| {
                    counter.fetch_add(1, Ordering::SeqCst);
                    Check::Pass(())
                },
                |_| {
                    thread::sleep(Duration::from_millis(1));
                    Ok(())
                },
            )
            .job(Second, |_| Ok(())),
    );
    let alive = Arc::new(AtomicUsize::new(0));
    let factory_alive = Arc::clone(&alive);

    let mut results = pipeline
        .concurrent()
        .workers(4)
        .buffer(4)
        .run_per_worker(0.., move |_| Tracked::new(&factory_alive))
        .unwrap();
    assert_eq!(results.workers(), 4);
    assert_eq!(alive.load(Ordering::SeqCst), 4);
    for _ in 0..3 {
        assert!(results.next().is_some());
    }
    drop(results);

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
fn drop_stops_record_before_next_step() {
    let second_calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&second_calls);
    let (entered_sender, entered) = mpsc::channel();
    let entered_sender = Mutex::new(entered_sender);
    let pipeline = Arc::new(
        Pipeline::<u64>::new()
            .job(First, move |cx| {
                if *cx.input() > 0 {
                    entered_sender.lock().unwrap().send(()).unwrap();
                    // Nothing but dropping the results cancels this run.
                    wait_until(|| cx.is_canceled());
                }
                Ok(())
            })
            .job(Second, move |_| {
                counter.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }),
    );

    let mut results = pipeline.concurrent().workers(2).run(0.., ()).unwrap();
    let first = results.next().unwrap();
    assert_eq!(*first.input(), 0);
    assert!(first.report().is_ok());
    // Both workers are now inside the first step of a later input.
    entered.recv().unwrap();
    entered.recv().unwrap();
    drop(results);

    assert_eq!(second_calls.load(Ordering::SeqCst), 1);
}

#[test]
fn slow_consumer_makes_workers_wait() {
    let processed = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&processed);
    let pipeline = Arc::new(Pipeline::<u64>::new().job(First, move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }));
    let pulled = Arc::new(AtomicUsize::new(0));
    let pull_counter = Arc::clone(&pulled);
    let inputs = (0..1_000).inspect(move |_| {
        pull_counter.fetch_add(1, Ordering::SeqCst);
    });

    let mut results = pipeline
        .concurrent()
        .workers(2)
        .buffer(2)
        .run(inputs, ())
        .unwrap();
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
    assert!(results.next().is_some());
    assert_eq!(pulled.load(Ordering::SeqCst), 4);

    // The consumer reads nothing now: the workers finish what they hold and then wait.
    wait_until(|| processed.load(Ordering::SeqCst) == 4);
    thread::sleep(Duration::from_millis(20));
    assert_eq!(processed.load(Ordering::SeqCst), 4);
    assert_eq!(pulled.load(Ordering::SeqCst), 4);

    assert!(results.next().is_some());
    assert_eq!(pulled.load(Ordering::SeqCst), 5);
    assert_eq!(results.count(), 998);
    assert_eq!(pulled.load(Ordering::SeqCst), 1_000);
}

#[test]
fn ordered_mode_keeps_order_with_random_sleeps() {
    let pipeline = Arc::new(Pipeline::<u64>::new().job(First, |cx| {
        thread::sleep(Duration::from_micros(scatter(*cx.input(), 500)));
        Ok(cx.input() + 1)
    }));
    let results = pipeline
        .concurrent()
        .workers(4)
        .ordered(true)
        .run(0..300_u64, ())
        .unwrap();

    let mut expected = 0;
    for record in results {
        assert_eq!(record.position(), expected);
        assert_eq!(*record.input(), expected as u64);
        assert_eq!(
            record.report().bag().get(First).output(),
            Some(&(expected as u64 + 1))
        );
        expected += 1;
    }
    assert_eq!(expected, 300);
}

#[test]
fn ordered_mode_bounds_buffered_records() {
    let finished = Arc::new(AtomicUsize::new(0));
    let finished_counter = Arc::clone(&finished);
    let (release_sender, release) = mpsc::channel::<()>();
    let release = Mutex::new(release);
    let pipeline = Arc::new(Pipeline::<u64>::new().job(First, move |cx| {
        if *cx.input() == 0 {
            release.lock().unwrap().recv().unwrap();
        }
        finished_counter.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }));
    let pulled = Arc::new(AtomicUsize::new(0));
    let pull_counter = Arc::clone(&pulled);
    let inputs = (0..100).inspect(move |_| {
        pull_counter.fetch_add(1, Ordering::SeqCst);
    });

    // Two workers and a buffer of two: four records at most are pulled and not returned.
    // While input 0 blocks, inputs 1 to 3 finish and wait in the buffer.
    let pulled_while_blocked = thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            wait_until(|| finished.load(Ordering::SeqCst) == 3);
            thread::sleep(Duration::from_millis(20));
            let pulled = pulled.load(Ordering::SeqCst);
            let finished = finished.load(Ordering::SeqCst);
            release_sender.send(()).unwrap();
            (pulled, finished)
        });
        let results = pipeline
            .concurrent()
            .workers(2)
            .buffer(2)
            .ordered(true)
            .run(inputs, ())
            .unwrap();
        let positions: Vec<usize> = results.map(|record| record.position()).collect();
        assert_eq!(positions, (0..100).collect::<Vec<_>>());
        watcher.join().unwrap()
    });
    assert_eq!(pulled_while_blocked, (4, 3));
}

/// The data bag slots of [`canceling_pipeline`], newest step first.
type CancelingSlots = HCons<Slot<Second, (), (), Reason>, HCons<Slot<First, (), (), Reason>, HNil>>;

/// Builds a pipeline whose first job cancels the run on input 10, counting calls per input.
fn canceling_pipeline(
    calls: &Arc<Vec<AtomicUsize>>,
) -> Arc<
    Pipeline<u64, (), impl Chain<u64, (), CancelingSlots> + Send + Sync + 'static, CancelingSlots>,
> {
    let (first_check, first_job, second_check, second_job) = (
        Arc::clone(calls),
        Arc::clone(calls),
        Arc::clone(calls),
        Arc::clone(calls),
    );
    let count = |calls: &Vec<AtomicUsize>, input: u64| {
        calls[input as usize].fetch_add(1, Ordering::SeqCst);
    };
    Arc::new(
        Pipeline::<u64>::new()
            .step(
                First,
                move |cx| {
                    count(&first_check, *cx.input());
                    Check::Pass(())
                },
                move |cx| {
                    count(&first_job, *cx.input());
                    if *cx.input() == 10 {
                        cx.cancel();
                    }
                    Ok(())
                },
            )
            .step(
                Second,
                move |cx| {
                    count(&second_check, *cx.input());
                    Check::Pass(())
                },
                move |cx| {
                    count(&second_job, *cx.input());
                    Ok(())
                },
            ),
    )
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
    let pipeline = canceling_pipeline(&calls);
    let token = CancelToken::new();
    let results: Vec<_> = pipeline
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
    }
    assert!(
        !token.is_canceled(),
        "a run cancels only its own derived token"
    );
}

#[test]
fn cancel_in_job_ten_with_four_workers() {
    let calls = Arc::new((0..200).map(|_| AtomicUsize::new(0)).collect::<Vec<_>>());
    let pipeline = canceling_pipeline(&calls);
    let results: Vec<_> = pipeline
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
fn caller_cancel_mid_stream_yields_every_result() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let pipeline = Arc::new(Pipeline::<u64>::new().job(First, move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }));
    let token = CancelToken::new();
    let mut results = pipeline
        .concurrent()
        .workers(3)
        .buffer(3)
        .ordered(true)
        .cancel_token(token.clone())
        .run(0..500_u64, ())
        .unwrap();

    for position in 0..5 {
        assert_eq!(results.next().unwrap().position(), position);
    }
    token.cancel();
    let rest: Vec<_> = results.collect();
    assert_eq!(rest.len(), 495);
    let ran = calls.load(Ordering::SeqCst);
    assert!(ran <= 5 + 6, "{ran} records ran");
    for record in &rest[6..] {
        assert_eq!(canceled_before(record.report().error()), Some(0));
    }
}

#[test]
fn deadline_cancels_every_record() {
    let pipeline = Arc::new(Pipeline::<u64>::new().job(First, |_| Ok(())));
    let token = CancelToken::with_deadline(std::time::Instant::now());
    let results = pipeline
        .concurrent()
        .cancel_token(token)
        .run(0..50, ())
        .unwrap();
    let mut count = 0;
    for record in results {
        match record.report().error() {
            Some(Error::Canceled { step, cause }) => {
                assert_eq!(step.index(), 0);
                assert_eq!(*cause, CancelCause::DeadlineExceeded);
            }
            other => panic!("expected a canceled record, got {other:?}"),
        }
        count += 1;
    }
    assert_eq!(count, 50);
}

/// A per-worker environment that is neither `Send` nor `Sync`.
struct Scratch {
    worker: usize,
    buffer: RefCell<Vec<u64>>,
    uses: Rc<RefCell<usize>>,
}

static_assertions::assert_not_impl_any!(Scratch: Send, Sync);

#[test]
fn per_worker_env_holds_non_sync_type() {
    let pipeline = Arc::new(Pipeline::<u64, Scratch>::new().job(First, |cx| {
        let env = cx.env();
        *env.uses.borrow_mut() += 1;
        let mut buffer = env.buffer.borrow_mut();
        buffer.clear();
        buffer.extend(0..=*cx.input());
        Ok((env.worker, buffer.iter().sum::<u64>()))
    }));
    let built = Arc::new(Mutex::new(Vec::new()));
    let factory_built = Arc::clone(&built);

    let results = pipeline
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

    let mut workers_seen = HashSet::new();
    let mut count = 0;
    for record in results {
        let n = *record.input();
        let (worker, sum) = *record.report().bag().get(First).output().unwrap();
        assert_eq!(sum, n * (n + 1) / 2);
        assert!(worker < 3);
        workers_seen.insert(worker);
        count += 1;
    }
    assert_eq!(count, 300);
    assert!(!workers_seen.is_empty());
    let mut built = built.lock().unwrap().clone();
    built.sort();
    assert_eq!(built, [0, 1, 2]);
}

#[test]
fn worker_counts_zero_one_and_huge() {
    let pipeline = Arc::new(Pipeline::<u64>::new().job(First, |cx| Ok(cx.input() + 1)));
    for (requested, expected) in [(0, 1), (1, 1), (usize::MAX, 50)] {
        let results = pipeline
            .concurrent()
            .workers(requested)
            .run(0..50_u64, ())
            .unwrap();
        assert_eq!(results.workers(), expected, "requested {requested}");
        let mut sum = 0;
        for record in results {
            sum += record.report().bag().get(First).output().unwrap();
        }
        assert_eq!(sum, (1..=50).sum::<u64>(), "requested {requested}");
    }

    // Without an upper size bound, a huge request starts the maximum number of workers.
    let mut next = 0_u64;
    let unbounded = std::iter::from_fn(move || {
        next += 1;
        (next <= 1_000).then_some(next)
    });
    let results = pipeline
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
fn huge_buffer_still_ends() {
    let pipeline = Arc::new(Pipeline::<u64>::new().job(First, |_| Ok(())));
    for ordered in [false, true] {
        let results = pipeline
            .concurrent()
            .workers(2)
            .buffer(usize::MAX)
            .ordered(ordered)
            .run(0..1_000_u64, ())
            .unwrap();
        assert_eq!(results.count(), 1_000);
    }
}

#[test]
fn same_pipeline_runs_from_several_threads() {
    let pipeline = Arc::new(Pipeline::<u64>::new().job(First, |cx| Ok(cx.input() * 10)));
    thread::scope(|scope| {
        let runs: Vec<_> = (0..4_u64)
            .map(|run| {
                let pipeline = Arc::clone(&pipeline);
                scope.spawn(move || {
                    let inputs = run * 1_000..run * 1_000 + 250;
                    let results = pipeline.concurrent().workers(2).run(inputs, ()).unwrap();
                    let mut sum = 0;
                    let mut count = 0;
                    for record in results {
                        sum += record.report().bag().get(First).output().unwrap();
                        count += 1;
                    }
                    (count, sum)
                })
            })
            .collect();
        for (run, handle) in runs.into_iter().enumerate() {
            let run = run as u64;
            let expected: u64 = (run * 1_000..run * 1_000 + 250).map(|n| n * 10).sum();
            assert_eq!(handle.join().unwrap(), (250, expected));
        }
    });
}

#[test]
fn factory_error_fails_start_without_pulling() {
    let pipeline = Arc::new(Pipeline::<u64, Tracked>::new().job(First, |_| Ok(())));
    let alive = Arc::new(AtomicUsize::new(0));
    let factory_alive = Arc::clone(&alive);
    let pulled = Arc::new(AtomicUsize::new(0));
    let pull_counter = Arc::clone(&pulled);
    let inputs = (0..100).inspect(move |_| {
        pull_counter.fetch_add(1, Ordering::SeqCst);
    });

    let started = pipeline
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
fn factory_panic_fails_start() {
    let pipeline = Arc::new(Pipeline::<u64, u64>::new().job(First, |_| Ok(())));
    let started = pipeline
        .concurrent()
        .workers(2)
        .run_per_worker(0..10, |worker| {
            if worker == 0 {
                panic!("cannot open the database");
            }
            0
        });
    match started {
        Err(error @ Error::WorkerStartFailed { worker: 0, .. }) => {
            assert_eq!(
                error.to_string(),
                "worker 0 of the concurrent run failed to start"
            );
            let source = std::error::Error::source(&error).unwrap();
            assert_eq!(
                source.to_string(),
                "environment factory panicked: cannot open the database"
            );
        }
        other => panic!("expected a start failure, got {other:?}"),
    }
}

#[test]
fn results_report_size_hint() {
    let pipeline = Arc::new(Pipeline::<u64>::new().job(First, |_| Ok(())));
    let mut results = pipeline.concurrent().workers(2).run(0..10_u64, ()).unwrap();
    assert_eq!(results.size_hint(), (10, Some(10)));
    results.next().unwrap();
    assert_eq!(results.size_hint(), (9, Some(9)));
    assert_eq!(results.count(), 9);
}

mod send_sync {
    use super::*;
    use choreograph::{Concurrent, Processed, Report, Results};
    use frunk::HNil;
    use static_assertions::{assert_impl_all, assert_not_impl_any};

    assert_impl_all!(Concurrent<Pipeline<u64, (), HNil>>: Send, Sync, Clone);
    assert_impl_all!(Results<std::ops::Range<u64>, Report<HNil>>: Send);
    assert_impl_all!(Processed<u64, Report<HNil>>: Send, Sync);
    assert_not_impl_any!(Results<std::vec::IntoIter<Rc<u64>>, Report<HNil>>: Send, Sync);
    assert_not_impl_any!(Concurrent<Pipeline<u64, (), Rc<u8>>>: Send, Sync);

    #[test]
    fn results_of_closure_pipeline_are_send() {
        fn is_send<T: Send>(_: &T) {}
        let pipeline = Arc::new(Pipeline::<u64>::new().job(First, |cx| Ok(cx.input() + 1)));
        let concurrent = pipeline.concurrent();
        let results = concurrent.run(0..3_u64, ()).unwrap();
        is_send(&results);
        let record = thread::spawn(move || results.last().unwrap())
            .join()
            .unwrap();
        assert_eq!(record.into_report().bag().len(), 1);
    }
}
