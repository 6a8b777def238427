//! The run semantics of one record, one test per rule, on the typed pipeline.

use std::error::Error as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use choreograph::{
    Callback, CancelCause, CancelToken, Check, Entry, Error, Outcome, Pipeline, Reason, markers,
};

markers! {
    /// First step of the test pipelines.
    pub First = "first";
    /// Second step.
    pub Second = "second";
    /// Third step.
    pub Third = "third";
}

/// Records the order in which callbacks run.
#[derive(Default)]
struct Log(Mutex<Vec<&'static str>>);

impl Log {
    fn push(&self, event: &'static str) {
        self.0.lock().unwrap().push(event);
    }

    fn events(&self) -> Vec<&'static str> {
        self.0.lock().unwrap().clone()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("record is locked")]
struct Locked;

#[derive(Debug, thiserror::Error)]
#[error("database is down")]
struct DatabaseDown;

#[test]
fn steps_run_in_order_pre_check_first() {
    let pipeline = Pipeline::<(), Log>::new()
        .step(
            First,
            |cx| {
                cx.env().push("first pre-check");
                Check::Pass(())
            },
            |cx| {
                cx.env().push("first job");
                Ok(())
            },
        )
        .step(
            Second,
            |cx| {
                cx.env().push("second pre-check");
                Check::Pass(())
            },
            |cx| {
                cx.env().push("second job");
                Ok(())
            },
        );
    let log = Log::default();

    let report = pipeline.run(&(), &log);
    assert!(report.is_ok());
    assert_eq!(
        log.events(),
        [
            "first pre-check",
            "first job",
            "second pre-check",
            "second job"
        ]
    );
}

#[test]
fn pass_runs_the_job() {
    let pipeline =
        Pipeline::<u32>::new().step(First, |_| Check::Pass(()), |cx| Ok(*cx.input() * 3));

    let report = pipeline.run(&7, &());
    assert!(report.is_ok());
    assert_eq!(report.bag().get(First).output(), Some(&21));
}

#[test]
fn skip_records_reason_and_continues() {
    let jobs = AtomicUsize::new(0);
    let pipeline = Pipeline::<(), AtomicUsize>::new()
        .step(
            First,
            |_| Check::Skip((), Reason::from_error(Locked)),
            |cx| {
                cx.env().fetch_add(1, Ordering::Relaxed);
                Ok(())
            },
        )
        .job(Second, |cx| {
            cx.env().fetch_add(10, Ordering::Relaxed);
            Ok("second ran")
        });

    let report = pipeline.run(&(), &jobs);
    assert!(report.is_ok(), "a skip is not a failure");
    assert_eq!(jobs.load(Ordering::Relaxed), 10, "only the second job ran");
    let errors: Vec<_> = report.execution_errors().collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].step_name(), "first");
    assert_eq!(errors[0].step_index(), 0);
    assert_eq!(errors[0].callback(), Callback::PreCheck);
    assert!(errors[0].error().downcast_ref::<Locked>().is_some());
    assert!(matches!(report.bag().get(First), Entry::Skipped { .. }));
    assert_eq!(report.bag().get(Second).output(), Some(&"second ran"));
}

#[test]
fn cancel_stops_run_with_execution_canceled() {
    let jobs = AtomicUsize::new(0);
    let pipeline = Pipeline::<(), AtomicUsize>::new()
        .job(First, |cx| {
            cx.env().fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .step(
            Second,
            |_| Check::Cancel((), Reason::from_error(DatabaseDown)),
            |cx| {
                cx.env().fetch_add(10, Ordering::Relaxed);
                Ok(())
            },
        )
        .job(Third, |cx| {
            cx.env().fetch_add(100, Ordering::Relaxed);
            Ok(())
        });

    let report = pipeline.run(&(), &jobs);
    assert_eq!(jobs.load(Ordering::Relaxed), 1, "only the first job ran");
    let Some(error @ Error::ExecutionCanceled { step, .. }) = report.error() else {
        panic!("expected execution canceled, got {:?}", report.error());
    };
    assert_eq!(step.name(), "second");
    assert_eq!(step.index(), 1);
    let source = error
        .source()
        .expect("the pre-check's reason is the source");
    assert!(source.downcast_ref::<DatabaseDown>().is_some());
    let errors: Vec<_> = report.execution_errors().collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].step_name(), "second");
    assert!(errors[0].error().downcast_ref::<DatabaseDown>().is_some());
    assert!(matches!(report.bag().get(Third), Entry::NotReached));
}

#[test]
fn pre_check_output_kept_in_every_case() {
    let pipeline = Pipeline::<u8>::new()
        .step(First, |_| Check::Pass("passed"), |_| Ok(()))
        .step(
            Second,
            |_| Check::Skip("found id 42", Reason::new("statement exists")),
            |_| Ok(()),
        )
        .step(
            Third,
            |_| Check::Cancel("broken", Reason::new("connection lost")),
            |_| Ok(()),
        );

    let report = pipeline.run(&0, &());
    assert_eq!(report.bag().get(First).check(), Some(&"passed"));
    assert_eq!(report.bag().get(Second).check(), Some(&"found id 42"));
    assert_eq!(report.bag().get(Third).check(), Some(&"broken"));
    assert!(matches!(
        report.bag().get(Third),
        Entry::Canceled { check: "broken" }
    ));
}

#[test]
fn later_step_reads_skipped_pre_check_output() {
    let pipeline = Pipeline::<(), ()>::new()
        .step(
            First,
            |_| Check::Skip(Some(42_u64), Reason::new("statement exists")),
            |_| Ok(7_u64),
        )
        .job(Second, |cx| {
            let id = match cx.bag().get(First) {
                Outcome::Ran { output, .. } => *output,
                Outcome::Skipped { check, .. } => check.unwrap_or_default(),
            };
            Ok(id)
        });

    let report = pipeline.run(&(), &());
    assert_eq!(report.bag().get(Second).output(), Some(&42));
}

#[test]
fn job_output_is_stored() {
    let pipeline = Pipeline::<str>::new()
        .job(First, |cx| Ok(cx.input().to_uppercase()))
        .job(Second, |cx| {
            Ok(cx.bag().get(First).output().map(String::len))
        });

    let report = pipeline.run("ledger", &());
    assert!(matches!(report.bag().get(First), Entry::Ran { output, .. } if output == "LEDGER"));
    assert_eq!(report.bag().get(Second).output(), Some(&Some(6)));
}

#[test]
fn job_failure_stops_run_and_keeps_error() {
    let later_runs = AtomicUsize::new(0);
    let pipeline = Pipeline::<(), AtomicUsize>::new()
        .step(
            First,
            |_| Check::Pass("checked"),
            |_| -> Result<u32, _> { Err(DatabaseDown.into()) },
        )
        .step(
            Second,
            |cx| {
                cx.env().fetch_add(1, Ordering::Relaxed);
                Check::Pass(())
            },
            |cx| {
                cx.env().fetch_add(1, Ordering::Relaxed);
                Ok(())
            },
        );

    let report = pipeline.run(&(), &later_runs);
    assert_eq!(later_runs.load(Ordering::Relaxed), 0);
    let Some(error @ Error::JobFailed { step, source }) = report.error() else {
        panic!("expected job failed, got {:?}", report.error());
    };
    assert_eq!(step.name(), "first");
    assert!(source.downcast_ref::<DatabaseDown>().is_some());
    assert!(
        error
            .source()
            .unwrap()
            .downcast_ref::<DatabaseDown>()
            .is_some()
    );
    assert!(matches!(
        report.bag().get(First),
        Entry::Failed { check: "checked" }
    ));
    assert_eq!(report.bag().get(First).output(), None);
    let errors: Vec<_> = report.execution_errors().collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].callback(), Callback::Job);
    assert!(errors[0].error().downcast_ref::<DatabaseDown>().is_some());
}

#[test]
fn cancel_before_run_calls_nothing() {
    let calls = AtomicUsize::new(0);
    let pipeline = Pipeline::<(), AtomicUsize>::new().step(
        First,
        |cx| {
            cx.env().fetch_add(1, Ordering::Relaxed);
            Check::Pass(())
        },
        |cx| {
            cx.env().fetch_add(1, Ordering::Relaxed);
            Ok(())
        },
    );
    let token = CancelToken::new();
    token.cancel();

    let report = pipeline.run_with(&(), &calls, &token);
    assert_eq!(calls.load(Ordering::Relaxed), 0);
    let Some(Error::Canceled { step, cause }) = report.error() else {
        panic!("expected canceled, got {:?}", report.error());
    };
    assert_eq!(step.index(), 0);
    assert_eq!(step.name(), "first");
    assert_eq!(*cause, CancelCause::Requested);
    assert_eq!(report.execution_errors().count(), 0);
    assert!(matches!(report.bag().get(First), Entry::NotReached));
}

#[test]
fn cancel_from_callback_stops_before_next_step() {
    let calls = AtomicUsize::new(0);
    let pipeline = Pipeline::<(), AtomicUsize>::new()
        .job(First, |cx| {
            cx.cancel();
            Ok("finished anyway")
        })
        .step(
            Second,
            |cx| {
                cx.env().fetch_add(1, Ordering::Relaxed);
                Check::Pass(())
            },
            |cx| {
                cx.env().fetch_add(1, Ordering::Relaxed);
                Ok(())
            },
        );
    let token = CancelToken::new();

    let report = pipeline.run_with(&(), &calls, &token);
    assert_eq!(calls.load(Ordering::Relaxed), 0);
    assert!(matches!(
        report.error(),
        Some(Error::Canceled { step, cause: CancelCause::Requested }) if step.name() == "second"
    ));
    assert_eq!(report.bag().get(First).output(), Some(&"finished anyway"));
    assert_eq!(report.execution_errors().count(), 0);
    assert!(token.is_canceled());
}

#[test]
fn cancel_from_callback_without_token_stops_this_run() {
    let pipeline = Pipeline::<()>::new()
        .job(First, |cx| {
            cx.cancel();
            Ok(())
        })
        .job(Second, |_| Ok(()));

    let report = pipeline.run(&(), &());
    assert!(matches!(report.error(), Some(Error::Canceled { step, .. }) if step.index() == 1));
    let again = pipeline.run(&(), &());
    assert!(
        matches!(again.error(), Some(Error::Canceled { step, .. }) if step.index() == 1),
        "each run has its own cancellation state"
    );
}

#[test]
fn cancel_from_another_thread() {
    let token = CancelToken::new();
    let pipeline = Pipeline::<(), CancelToken>::new()
        .job(First, |cx| {
            let remote = cx.env().clone();
            std::thread::spawn(move || remote.cancel()).join().unwrap();
            Ok(())
        })
        .job(Second, |_| Ok(()));

    let report = pipeline.run_with(&(), &token, &token);
    assert!(
        matches!(report.error(), Some(Error::Canceled { step, .. }) if step.name() == "second")
    );
}

#[test]
fn deadline_stops_before_next_step() {
    let pipeline = Pipeline::<()>::new()
        .job(First, |_| {
            std::thread::sleep(Duration::from_millis(20));
            Ok(())
        })
        .job(Second, |_| Ok(()));
    let token = CancelToken::with_deadline(Instant::now() + Duration::from_millis(10));

    let report = pipeline.run_with(&(), &(), &token);
    assert!(matches!(
        report.error(),
        Some(Error::Canceled { step, cause: CancelCause::DeadlineExceeded }) if step.index() == 1
    ));
    assert!(report.bag().get(First).output().is_some());
}

#[test]
fn every_run_starts_empty() {
    let pipeline = Pipeline::<u32>::new()
        .step(
            First,
            |cx| {
                if *cx.input() == 1 {
                    Check::Skip(*cx.input(), Reason::new("odd input"))
                } else {
                    Check::Pass(*cx.input())
                }
            },
            |cx| Ok(*cx.input() * 10),
        )
        .job(Second, |cx| {
            if *cx.input() == 2 {
                Err("second input fails".into())
            } else {
                Ok(cx.bag().get(First).output().copied())
            }
        });
    let first = pipeline.run(&1, &());
    assert_eq!(first.execution_errors().count(), 1);
    let second = pipeline.run(&2, &());
    assert_eq!(second.execution_errors().count(), 1);
    assert_eq!(second.bag().get(First).output(), Some(&20));
    let third = pipeline.run(&3, &());
    assert!(third.is_ok());
    assert_eq!(third.execution_errors().count(), 0);
    assert_eq!(third.bag().get(First).check(), Some(&3));
    assert_eq!(third.bag().get(Second).output(), Some(&Some(30)));
}

#[test]
fn run_returns_errors_error_and_bag() {
    let pipeline = Pipeline::<()>::new()
        .step(
            First,
            |_| Check::Skip(1_u8, Reason::new("not needed")),
            |_| Ok(()),
        )
        .job(Second, |_| -> Result<(), _> { Err(DatabaseDown.into()) });

    let report = pipeline.run(&(), &());
    let messages: Vec<String> = report.execution_errors().map(|e| e.to_string()).collect();
    assert_eq!(
        messages,
        [
            "pre-check of step `first`: not needed",
            "job of step `second`: database is down"
        ]
    );
    assert_eq!(report.bag().get(First).check(), Some(&1));
    let (bag, error) = report.into_parts();
    assert_eq!(bag.len(), 2);
    assert_eq!(
        error.map(|error| error.to_string()).as_deref(),
        Some("job of step `second` failed")
    );
}

#[test]
fn zero_values_are_ordinary_inputs() {
    let numbers = Pipeline::<i64>::new().job(First, |cx| Ok(*cx.input()));
    assert_eq!(numbers.run(&0, &()).bag().get(First).output(), Some(&0));
    let texts = Pipeline::<str>::new().job(First, |cx| Ok(cx.input().len()));
    assert_eq!(texts.run("", &()).bag().get(First).output(), Some(&0));
    let flags = Pipeline::<bool>::new().job(First, |cx| Ok(!*cx.input()));
    assert_eq!(
        flags.run(&false, &()).bag().get(First).output(),
        Some(&true)
    );
    let lists = Pipeline::<Vec<u8>>::new().job(First, |cx| Ok(cx.input().is_empty()));
    assert_eq!(
        lists.run(&Vec::new(), &()).bag().get(First).output(),
        Some(&true)
    );
    #[derive(Default)]
    struct Line {
        amount: u32,
    }
    let structs = Pipeline::<Line>::new().job(First, |cx| Ok(cx.input().amount));
    assert_eq!(
        structs.run(&Line::default(), &()).bag().get(First).output(),
        Some(&0)
    );
}

/// Set in the child process that [`runs_never_print`] starts.
const QUIET_CHILD: &str = "CHOREOGRAPH_QUIET_CHILD";

#[test]
fn runs_never_print() {
    if std::env::var_os(QUIET_CHILD).is_some() {
        run_every_kind_of_run();
        return;
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "runs_never_print",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(QUIET_CHILD, "1")
        .output()
        .expect("the test binary starts again");
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    let printed: Vec<&str> = stdout
        .lines()
        .filter(|line| {
            !(line.is_empty() || line.starts_with("running ") || line.starts_with("test "))
        })
        .collect();
    assert_eq!(printed, Vec::<&str>::new(), "stdout: {stdout}");
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "");
}

/// Runs a pipeline through success, skip, cancel, job failure and outside cancellation.
fn run_every_kind_of_run() {
    let pipeline = Pipeline::<u8>::new()
        .step(
            First,
            |cx| match cx.input() {
                1 => Check::Skip((), Reason::new("skip")),
                2 => Check::Cancel((), Reason::new("cancel")),
                _ => Check::Pass(()),
            },
            |_| Ok(()),
        )
        .job(Second, |cx| {
            if *cx.input() == 3 {
                Err("fail".into())
            } else {
                Ok(())
            }
        });
    for input in 0..4 {
        let report = pipeline.run(&input, &());
        assert_eq!(report.is_ok(), input < 2);
    }
    let token = CancelToken::new();
    token.cancel();
    assert!(pipeline.run_with(&0, &(), &token).error().is_some());
}
