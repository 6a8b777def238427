//! The behaviours that the Go library `github.com/worldline-go/choreograph` (v1.2.0) checks in
//! its own tests, ported to the `Coordinator`, one test each.
//!
//! Where the Go tests only count errors, these tests also assert the kind of the runtime
//! error, the step it names, and the identity of each execution error.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use choreograph::{
    Callback, CancelCause, CancelToken, Check, Coordinator, DataBag, DynReport, DynStep, Error,
    Input, Reason,
};

/// The environment of the tests that check which callbacks ran, in which order.
#[derive(Default)]
struct Tracker {
    calls: Mutex<Vec<(&'static str, Callback)>>,
}

impl Tracker {
    fn record(&self, step: &'static str, callback: Callback) {
        self.calls.lock().unwrap().push((step, callback));
    }

    fn calls(&self) -> Vec<(&'static str, Callback)> {
        self.calls.lock().unwrap().clone()
    }
}

/// An error with an identity, so a test can tell which callback returned it.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("dummy error {0}")]
struct Dummy(u8);

type Step = DynStep<Tracker>;

/// Builds a step whose pre-check and job record their call and pass.
fn tracked(name: &'static str) -> Step {
    Step::new(name)
        .pre_check(move |cx| {
            cx.env().record(name, Callback::PreCheck);
            Check::Pass(())
        })
        .job(move |cx| {
            cx.env().record(name, Callback::Job);
            Ok(())
        })
}

/// Builds a step whose pre-check records its call and skips with `Dummy(id)`.
fn skipping(name: &'static str, id: u8) -> Step {
    tracked(name).pre_check(move |cx| {
        cx.env().record(name, Callback::PreCheck);
        Check::Skip((), Reason::from_error(Dummy(id)))
    })
}

/// Builds a step whose job records its call and fails with `Dummy(id)`.
fn failing(name: &'static str, id: u8) -> Step {
    tracked(name).job(move |cx| -> Result<(), _> {
        cx.env().record(name, Callback::Job);
        Err(Dummy(id).into())
    })
}

fn coordinator(steps: impl IntoIterator<Item = Step>) -> Coordinator<Tracker> {
    let mut coordinator = Coordinator::new();
    for step in steps {
        coordinator.add_step(step).expect("step names differ");
    }
    coordinator
}

/// The execution errors of `report` as `(step index, callback, dummy id)`.
fn dummies(report: &DynReport) -> Vec<(usize, Callback, Option<u8>)> {
    report
        .execution_errors()
        .map(|error| {
            let id = error.error().downcast_ref::<Dummy>().map(|dummy| dummy.0);
            (error.step_index(), error.callback(), id)
        })
        .collect()
}

use Callback::{Job, PreCheck};

#[test]
fn two_steps_run_in_order() {
    let coordinator = coordinator([tracked("first"), tracked("second")]);
    let tracker = Tracker::default();

    let report = coordinator.run(&(), &tracker);

    assert!(report.error().is_none());
    assert_eq!(report.execution_errors().count(), 0);
    assert_eq!(
        tracker.calls(),
        [
            ("first", PreCheck),
            ("first", Job),
            ("second", PreCheck),
            ("second", Job)
        ]
    );
}

#[test]
fn ten_steps_run_in_order() {
    const NAMES: [&str; 10] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eight", "ninth",
        "tenth",
    ];
    let coordinator = coordinator(NAMES.map(tracked));
    let tracker = Tracker::default();

    let report = coordinator.run(&(), &tracker);

    assert!(report.error().is_none());
    assert_eq!(report.execution_errors().count(), 0);
    let expected: Vec<_> = NAMES
        .iter()
        .flat_map(|&name| [(name, PreCheck), (name, Job)])
        .collect();
    assert_eq!(tracker.calls(), expected);
}

#[test]
fn callbacks_reach_shared_data_through_env() {
    #[derive(Debug, PartialEq)]
    struct Shared {
        text: String,
        value: i32,
    }

    struct Env {
        shared: Shared,
        job_ran: AtomicUsize,
    }

    let mut coordinator = Coordinator::<Env>::new();
    coordinator
        .add_step(DynStep::<Env>::new("first").job(|cx| {
            let expected = Shared {
                text: "some text".into(),
                value: 10,
            };
            if cx.env().shared != expected {
                return Err(format!("unexpected shared data {:?}", cx.env().shared).into());
            }
            cx.env().job_ran.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }))
        .unwrap();
    let env = Env {
        shared: Shared {
            text: "some text".into(),
            value: 10,
        },
        job_ran: AtomicUsize::new(0),
    };

    let report = coordinator.run(&(), &env);

    assert!(report.error().is_none());
    assert_eq!(report.execution_errors().count(), 0);
    assert_eq!(env.job_ran.load(Ordering::Relaxed), 1);
}

#[test]
fn later_steps_read_earlier_data_by_name() {
    let first = Step::new("first")
        .pre_check(|cx| {
            cx.env().record("first", PreCheck);
            Check::Pass(11_i64)
        })
        .job(|cx| {
            cx.env().record("first", Job);
            assert_eq!(cx.bag().pre_check_data::<i64>("first")?, Some(&11));
            Ok(12_i64)
        });
    let second = Step::new("second")
        .pre_check(|cx| {
            cx.env().record("second", PreCheck);
            assert_eq!(cx.bag().job_data::<i64>("first").unwrap(), Some(&12));
            Check::Pass(21_i64)
        })
        .job(|cx| {
            cx.env().record("second", Job);
            assert_eq!(cx.bag().pre_check_data::<i64>("first")?, Some(&11));
            assert_eq!(cx.bag().job_data::<i64>("first")?, Some(&12));
            assert_eq!(cx.bag().pre_check_data::<i64>("second")?, Some(&21));
            Ok(())
        });
    let third = Step::new("third")
        .pre_check(|cx| {
            cx.env().record("third", PreCheck);
            Check::Skip(21_i64, Reason::new("dummy error"))
        })
        .job(|cx| {
            cx.env().record("third", Job);
            Ok(())
        });
    let fourth = Step::new("forth")
        .pre_check(|cx| {
            cx.env().record("forth", PreCheck);
            Check::Pass(())
        })
        .job(|cx| {
            cx.env().record("forth", Job);
            assert_eq!(cx.bag().pre_check_data::<i64>("third")?, Some(&21));
            Ok(())
        });
    let coordinator = coordinator([first, second, third, fourth]);
    let tracker = Tracker::default();

    let report = coordinator.run(&(), &tracker);

    assert!(report.error().is_none());
    let errors: Vec<_> = report.execution_errors().collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].step_name(), "third");
    assert_eq!(errors[0].callback(), PreCheck);
    assert_eq!(errors[0].error().to_string(), "dummy error");
    assert_eq!(
        tracker.calls(),
        [
            ("first", PreCheck),
            ("first", Job),
            ("second", PreCheck),
            ("second", Job),
            ("third", PreCheck),
            ("forth", PreCheck),
            ("forth", Job)
        ]
    );
    assert!(!tracker.calls().contains(&("third", Job)));
}

#[test]
fn first_pre_check_skip_lets_second_step_run() {
    let coordinator = coordinator([skipping("first", 1), tracked("second")]);
    let tracker = Tracker::default();

    let report = coordinator.run(&(), &tracker);

    assert!(report.error().is_none());
    assert_eq!(dummies(&report), [(0, PreCheck, Some(1))]);
    assert_eq!(
        tracker.calls(),
        [("first", PreCheck), ("second", PreCheck), ("second", Job)]
    );
}

#[test]
fn first_job_failure_stops_run() {
    let coordinator = coordinator([failing("first", 1), tracked("second")]);
    let tracker = Tracker::default();

    let report = coordinator.run(&(), &tracker);

    match report.error() {
        Some(Error::JobFailed { step, source }) => {
            assert_eq!(step.index(), 0);
            assert_eq!(step.name(), "first");
            assert_eq!(source.downcast_ref::<Dummy>(), Some(&Dummy(1)));
        }
        other => panic!("expected a job failure, got {other:?}"),
    }
    assert_eq!(dummies(&report), [(0, Job, Some(1))]);
    assert_eq!(tracker.calls(), [("first", PreCheck), ("first", Job)]);
}

#[test]
fn second_pre_check_skip_ends_run_without_error() {
    let coordinator = coordinator([tracked("first"), skipping("second", 2)]);
    let tracker = Tracker::default();

    let report = coordinator.run(&(), &tracker);

    assert!(report.error().is_none());
    assert_eq!(dummies(&report), [(1, PreCheck, Some(2))]);
    assert_eq!(
        tracker.calls(),
        [("first", PreCheck), ("first", Job), ("second", PreCheck)]
    );
}

#[test]
fn second_job_failure_stops_run() {
    let coordinator = coordinator([tracked("first"), failing("second", 2)]);
    let tracker = Tracker::default();

    let report = coordinator.run(&(), &tracker);

    match report.error() {
        Some(Error::JobFailed { step, source }) => {
            assert_eq!(step.index(), 1);
            assert_eq!(step.name(), "second");
            assert_eq!(source.downcast_ref::<Dummy>(), Some(&Dummy(2)));
        }
        other => panic!("expected a job failure, got {other:?}"),
    }
    assert_eq!(dummies(&report), [(1, Job, Some(2))]);
    assert_eq!(
        tracker.calls(),
        [
            ("first", PreCheck),
            ("first", Job),
            ("second", PreCheck),
            ("second", Job)
        ]
    );
}

#[test]
fn canceled_before_run_calls_nothing() {
    let coordinator = coordinator([tracked("first"), failing("second", 2)]);
    let tracker = Tracker::default();
    let token = CancelToken::new();
    token.cancel();

    let report = coordinator.run_with(&(), &tracker, &token);

    match report.error() {
        Some(Error::Canceled { step, cause }) => {
            assert_eq!(step.index(), 0);
            assert_eq!(step.name(), "first");
            assert_eq!(*cause, CancelCause::Requested);
        }
        other => panic!("expected a cancel, got {other:?}"),
    }
    assert_eq!(report.execution_errors().count(), 0);
    assert!(tracker.calls().is_empty());
}

#[test]
fn pre_check_cancel_stops_run() {
    let first = tracked("first").pre_check(|cx| {
        cx.env().record("first", PreCheck);
        Check::Cancel((), Reason::from_error(Dummy(1)))
    });
    let coordinator = coordinator([first, tracked("second")]);
    let tracker = Tracker::default();

    let report = coordinator.run(&(), &tracker);

    match report.error() {
        Some(Error::ExecutionCanceled { step, source }) => {
            assert_eq!(step.index(), 0);
            assert_eq!(step.name(), "first");
            assert_eq!(source.downcast_ref::<Dummy>(), Some(&Dummy(1)));
        }
        other => panic!("expected an execution cancel, got {other:?}"),
    }
    assert_eq!(dummies(&report), [(0, PreCheck, Some(1))]);
    assert_eq!(tracker.calls(), [("first", PreCheck)]);
}

#[test]
fn job_error_is_returned_with_identity() {
    let coordinator = coordinator([failing("", 1)]);

    let report = coordinator.run(&(), &Tracker::default());

    assert_eq!(dummies(&report), [(0, Job, Some(1))]);
    match report.error() {
        Some(Error::JobFailed { step, source }) => {
            assert_eq!(step.to_string(), "#0");
            assert_eq!(source.downcast_ref::<Dummy>(), Some(&Dummy(1)));
        }
        other => panic!("expected a job failure, got {other:?}"),
    }
}

#[test]
fn second_job_error_is_returned_with_identity() {
    let coordinator = coordinator([tracked(""), failing("", 2)]);

    let report = coordinator.run(&(), &Tracker::default());

    assert_eq!(dummies(&report), [(1, Job, Some(2))]);
    assert!(matches!(report.error(), Some(Error::JobFailed { step, .. }) if step.index() == 1));
}

#[test]
fn two_pre_check_skips_are_recorded_in_order() {
    let coordinator = coordinator([skipping("", 1), skipping("", 2)]);

    let report = coordinator.run(&(), &Tracker::default());

    assert!(report.error().is_none());
    assert_eq!(
        dummies(&report),
        [(0, PreCheck, Some(1)), (1, PreCheck, Some(2))]
    );
    let messages: Vec<String> = report.execution_errors().map(|e| e.to_string()).collect();
    assert_eq!(
        messages,
        [
            "pre-check of step `#0`: dummy error 1",
            "pre-check of step `#1`: dummy error 2"
        ]
    );
}

#[test]
fn skip_then_job_failure_gives_both() {
    let coordinator = coordinator([skipping("", 1), failing("", 2)]);

    let report = coordinator.run(&(), &Tracker::default());

    assert_eq!(
        dummies(&report),
        [(0, PreCheck, Some(1)), (1, Job, Some(2))]
    );
    match report.error() {
        Some(Error::JobFailed { step, source }) => {
            assert_eq!(step.index(), 1);
            assert_eq!(source.downcast_ref::<Dummy>(), Some(&Dummy(2)));
        }
        other => panic!("expected a job failure, got {other:?}"),
    }
}

/// Counts the calls of the callbacks of the input tests.
#[derive(Default)]
struct Calls {
    pre_checks: AtomicUsize,
    jobs: AtomicUsize,
}

impl Calls {
    fn pre_check(&self) {
        self.pre_checks.fetch_add(1, Ordering::Relaxed);
    }

    fn job(&self) {
        self.jobs.fetch_add(1, Ordering::Relaxed);
    }

    fn counts(&self) -> (usize, usize) {
        (
            self.pre_checks.load(Ordering::Relaxed),
            self.jobs.load(Ordering::Relaxed),
        )
    }
}

/// Runs one step over `input` and returns its report.
fn run_one<'a>(step: DynStep<Calls>, input: impl Into<Input<'a>>, calls: &Calls) -> DynReport {
    let mut coordinator = Coordinator::new();
    coordinator.add_step(step).unwrap();
    coordinator.run(input, calls)
}

/// Asserts that the report stopped with an unassignable input and no execution error.
fn assert_unassignable(report: &DynReport, callback: Callback, expected: &str, actual: &str) {
    match report.error() {
        Some(Error::UnassignableInput {
            step,
            callback: got_callback,
            expected: got_expected,
            actual: got_actual,
        }) => {
            assert_eq!(step.index(), 0);
            assert_eq!(step.name(), "input");
            assert_eq!(*got_callback, callback);
            assert_eq!(*got_expected, expected);
            assert_eq!(got_actual, actual);
        }
        other => panic!("expected an unassignable input, got {other:?}"),
    }
    assert_eq!(report.execution_errors().count(), 0);
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Record {
    value: i32,
}

#[test]
fn integer_into_any_callback() {
    let step = DynStep::<Calls>::new("input")
        .pre_check(|cx| {
            assert_eq!(cx.input().downcast_ref::<i64>(), Some(&666));
            cx.env().pre_check();
            Check::Pass(())
        })
        .job(|cx| {
            assert_eq!(cx.input().downcast_ref::<i64>(), Some(&666));
            cx.env().job();
            Ok(())
        });
    let calls = Calls::default();

    let report = run_one(step, &666_i64, &calls);

    assert!(report.error().is_none());
    assert_eq!(report.execution_errors().count(), 0);
    assert_eq!(calls.counts(), (1, 1));
}

#[test]
fn integer_into_integer_callback() {
    let step = DynStep::<Calls>::new("input")
        .pre_check_with(|cx, input: &i64| {
            assert_eq!(*input, 666);
            cx.env().pre_check();
            Check::Pass(())
        })
        .job_with(|cx, input: &i64| {
            assert_eq!(*input, 666);
            cx.env().job();
            Ok(())
        });
    let calls = Calls::default();

    let report = run_one(step, &666_i64, &calls);

    assert!(report.error().is_none());
    assert_eq!(calls.counts(), (1, 1));
}

#[test]
fn text_into_integer_callback_is_unassignable() {
    let step = DynStep::<Calls>::new("input")
        .pre_check_with(|cx, _: &i64| {
            cx.env().pre_check();
            Check::Pass(())
        })
        .job_with(|cx, _: &i64| {
            cx.env().job();
            Ok(())
        });
    let calls = Calls::default();

    let report = run_one(step, &String::from("text"), &calls);

    assert_unassignable(&report, PreCheck, "i64", "alloc::string::String");
    assert_eq!(calls.counts(), (0, 0));
    assert_eq!(
        report.error().unwrap().to_string(),
        "pre-check of step `input` expects input of type `i64`, got `alloc::string::String`"
    );
}

#[test]
fn struct_into_struct_callback() {
    let step = DynStep::<Calls>::new("input")
        .pre_check_with(|cx, input: &Record| {
            assert_eq!(input, &Record { value: 5 });
            cx.env().pre_check();
            Check::Pass(())
        })
        .job_with(|cx, input: &Record| {
            assert_eq!(input, &Record { value: 5 });
            cx.env().job();
            Ok(())
        });
    let calls = Calls::default();

    let report = run_one(step, &Record { value: 5 }, &calls);

    assert!(report.error().is_none());
    assert_eq!(calls.counts(), (1, 1));
}

#[test]
fn struct_into_any_callback() {
    let step = DynStep::<Calls>::new("input").job(|cx| {
        assert_eq!(
            cx.input().downcast_ref::<Record>(),
            Some(&Record { value: 5 })
        );
        cx.env().job();
        Ok(())
    });
    let calls = Calls::default();

    let report = run_one(step, &Record { value: 5 }, &calls);

    assert!(report.error().is_none());
    assert_eq!(calls.counts(), (0, 1));
}

#[test]
// A callback for a boxed input names the box, as a Go callback names the pointer type.
#[allow(clippy::borrowed_box)]
fn boxed_and_shared_struct_into_matching_callback() {
    let boxed = DynStep::<Calls>::new("input")
        .pre_check_with(|cx, input: &Box<Record>| {
            assert_eq!(input.value, 5);
            cx.env().pre_check();
            Check::Pass(())
        })
        .job_with(|cx, input: &Box<Record>| {
            assert_eq!(input.value, 5);
            cx.env().job();
            Ok(())
        });
    let shared = DynStep::<Calls>::new("input")
        .pre_check_with(|cx, input: &Arc<Record>| {
            assert_eq!(input.value, 5);
            cx.env().pre_check();
            Check::Pass(())
        })
        .job(|cx| {
            assert!(cx.input().is::<Arc<Record>>());
            cx.env().job();
            Ok(())
        });
    let calls = Calls::default();

    let boxed_report = run_one(boxed, &Box::new(Record { value: 5 }), &calls);
    let shared_report = run_one(shared, &Arc::new(Record { value: 5 }), &calls);

    assert!(boxed_report.error().is_none());
    assert!(shared_report.error().is_none());
    assert_eq!(calls.counts(), (2, 2));
}

#[test]
fn boxed_struct_into_struct_callback_is_unassignable() {
    let step = DynStep::<Calls>::new("input")
        .pre_check_with(|cx, _: &Record| {
            cx.env().pre_check();
            Check::Pass(())
        })
        .job_with(|cx, _: &Record| {
            cx.env().job();
            Ok(())
        });
    let calls = Calls::default();

    let report = run_one(step, &Box::new(Record { value: 5 }), &calls);

    let expected = std::any::type_name::<Record>();
    let actual = std::any::type_name::<Box<Record>>();
    assert_unassignable(&report, PreCheck, expected, actual);
    assert_eq!(calls.counts(), (0, 0));
}

#[test]
fn text_pre_check_then_integer_job_is_unassignable() {
    let step = DynStep::<Calls>::new("input")
        .pre_check_with(|cx, input: &String| {
            assert_eq!(input, "text");
            cx.env().pre_check();
            Check::Pass(())
        })
        .job_with(|cx, _: &i64| {
            cx.env().job();
            Ok(())
        });
    let calls = Calls::default();

    let report = run_one(step, &String::from("text"), &calls);

    assert_unassignable(&report, Job, "i64", "alloc::string::String");
    assert_eq!(calls.counts(), (1, 0));
}

#[test]
fn callbacks_without_input_accept_any_input() {
    let step = || {
        DynStep::<Calls>::new("input")
            .pre_check(|cx| {
                cx.env().pre_check();
                Check::Pass(())
            })
            .job(|cx| {
                cx.env().job();
                Ok(())
            })
    };
    let calls = Calls::default();

    let with_integer = run_one(step(), &5_i64, &calls);
    let without_input = run_one(step(), Input::none(), &calls);

    assert!(with_integer.error().is_none());
    assert!(without_input.error().is_none());
    assert_eq!(calls.counts(), (2, 2));
}

#[test]
fn absent_input_into_any_callback() {
    let step = DynStep::<Calls>::new("input").pre_check(|cx| {
        assert!(cx.input().is::<()>());
        assert_eq!(cx.input().type_name(), "()");
        cx.env().pre_check();
        Check::Pass(())
    });
    let calls = Calls::default();

    let report = run_one(step, &(), &calls);

    assert!(report.error().is_none());
    assert_eq!(calls.counts(), (1, 0));
}

#[test]
fn absent_input_into_integer_callback_is_unassignable() {
    // Go passes the zero value of the expected type; here no callback gets a value that
    // the run was not given.
    let step = DynStep::<Calls>::new("input")
        .pre_check_with(|cx, _: &i64| {
            cx.env().pre_check();
            Check::Pass(())
        })
        .job_with(|cx, _: &i64| {
            cx.env().job();
            Ok(())
        });
    let calls = Calls::default();

    let report = run_one(step, Input::none(), &calls);

    assert_unassignable(&report, PreCheck, "i64", "()");
    assert_eq!(calls.counts(), (0, 0));
}

#[test]
fn zero_values_are_ordinary_inputs() {
    let integer = DynStep::<Calls>::new("input")
        .pre_check_with(|cx, input: &i64| {
            assert_eq!(*input, 0);
            cx.env().pre_check();
            Check::Pass(*input)
        })
        .job_with(|cx, input: &i64| {
            cx.env().job();
            Ok(*input)
        });
    let text = DynStep::<Calls>::new("input")
        .pre_check_with(|cx, input: &String| {
            assert_eq!(input, "");
            cx.env().pre_check();
            Check::Pass(input.clone())
        })
        .job_with(|cx, input: &String| {
            cx.env().job();
            Ok(input.clone())
        });
    let calls = Calls::default();

    let integer_report = run_one(integer, &0_i64, &calls);
    let text_report = run_one(text, &String::new(), &calls);

    assert!(integer_report.error().is_none());
    assert!(text_report.error().is_none());
    assert_eq!(
        integer_report.bag().job_data::<i64>("input").unwrap(),
        Some(&0)
    );
    assert_eq!(
        text_report.bag().job_data::<String>("input").unwrap(),
        Some(&String::new())
    );
    assert_eq!(calls.counts(), (2, 2));
}

#[test]
fn bag_set_then_get_job_data() {
    let mut bag = DataBag::new();

    bag.set_job_data("one", 1_i32);

    assert_eq!(bag.job_data::<i32>("one").unwrap(), Some(&1));
    let value = bag.job_data_any("one").expect("stored");
    assert_eq!(value.downcast_ref::<i32>(), Some(&1));
    assert!(bag.pre_check_data_any("one").is_none());
}

#[test]
fn bag_set_then_get_pre_check_data() {
    let mut bag = DataBag::new();

    bag.set_pre_check_data("one", 1_i32);

    assert_eq!(bag.pre_check_data::<i32>("one").unwrap(), Some(&1));
    let value = bag.pre_check_data_any("one").expect("stored");
    assert_eq!(value.downcast_ref::<i32>(), Some(&1));
    assert!(bag.job_data_any("one").is_none());
}

#[test]
fn bag_missing_key_is_absent() {
    let bag = DataBag::new();

    assert!(bag.job_data_any("one").is_none());
    assert!(bag.pre_check_data_any("one").is_none());
    match bag.job_data::<i32>("one") {
        Err(Error::StepNotFound { name }) => assert_eq!(name, "one"),
        other => panic!("expected a missing step, got {other:?}"),
    }
}

#[test]
fn bag_is_empty_at_start_of_each_run() {
    let mut coordinator = Coordinator::<Calls>::new();
    coordinator
        .add_step(
            DynStep::<Calls>::new("test")
                .pre_check(|cx| {
                    assert!(cx.bag().pre_check_data_any("test").is_none());
                    assert!(cx.bag().job_data_any("test").is_none());
                    cx.env().pre_check();
                    Check::Pass(1_i32)
                })
                .job(|cx| {
                    assert_eq!(cx.bag().pre_check_data::<i32>("test")?, Some(&1));
                    cx.env().job();
                    Ok(2_i32)
                }),
        )
        .unwrap();
    let calls = Calls::default();

    let first = coordinator.run(&(), &calls);
    let second = coordinator.run(&(), &calls);

    for report in [&first, &second] {
        assert!(report.error().is_none());
        assert_eq!(report.bag().job_data::<i32>("test").unwrap(), Some(&2));
    }
    assert_eq!(calls.counts(), (2, 2));
}

#[test]
fn bag_names_ignore_case() {
    const NAMES: [(&str, &str); 4] = [
        ("first", "FIRST"),
        ("Second", "second"),
        ("ThIrd", "third"),
        ("Forth!2313-=+", "fORTH!2313-=+"),
    ];
    let mut coordinator = Coordinator::new();
    for (index, (name, _)) in NAMES.into_iter().enumerate() {
        let step = DynStep::new(name).job(move |_| Ok(index));
        coordinator.add_step(step).unwrap();
    }
    let mut standalone = DataBag::new();

    let report = coordinator.run(&(), &());
    for (index, (name, _)) in NAMES.into_iter().enumerate() {
        standalone.set_job_data(name, index);
    }

    for (index, (name, other_case)) in NAMES.into_iter().enumerate() {
        for bag in [report.bag(), &standalone] {
            assert_eq!(bag.job_data::<usize>(name).unwrap(), Some(&index), "{name}");
            assert_eq!(
                bag.job_data::<usize>(other_case).unwrap(),
                Some(&index),
                "{other_case}"
            );
            let lower = name.to_lowercase();
            assert_eq!(
                bag.job_data::<usize>(&lower).unwrap(),
                Some(&index),
                "{lower}"
            );
        }
    }
}

#[test]
fn worker_count_defaults_to_available_parallelism() {
    let available = std::thread::available_parallelism().map_or(1, |count| count.get());

    let coordinator = Coordinator::<()>::new();

    assert_eq!(
        coordinator.workers(),
        available.min(Coordinator::<()>::MAX_WORKERS)
    );
}

#[test]
fn worker_count_ten() {
    assert_eq!(Coordinator::<()>::new().with_workers(10).workers(), 10);
}

#[test]
fn worker_count_zero_becomes_one() {
    assert_eq!(Coordinator::<()>::new().with_workers(0).workers(), 1);
}

/// One line of a bank statement, the input of the README scenario.
#[derive(Debug, Clone)]
struct StatementLine {
    statement_id: &'static str,
    amount: f64,
}

/// The database of the README scenario: statements by id, with their record ids, and the
/// lines booked on each record.
#[derive(Default)]
struct Db {
    statements: Mutex<HashMap<&'static str, String>>,
    lines: Mutex<Vec<(String, f64)>>,
}

#[derive(Debug, thiserror::Error)]
#[error("statement exists")]
struct StatementExists;

#[derive(Debug, thiserror::Error)]
#[error("statement line exists")]
struct StatementLineExists;

type DbStep = DynStep<Db>;

/// Builds the steps of the Go README's import example.
fn import_steps() -> [DbStep; 2] {
    let create_statement = DbStep::new("create statement")
        .pre_check_with(|cx, line: &StatementLine| {
            let statements = cx.env().statements.lock().unwrap();
            match statements.get(line.statement_id) {
                // The existing record id is kept although the job is skipped.
                Some(record_id) => {
                    Check::Skip(record_id.clone(), Reason::from_error(StatementExists))
                }
                None => Check::Pass(String::new()),
            }
        })
        .job_with(|cx, line: &StatementLine| {
            let mut statements = cx.env().statements.lock().unwrap();
            let record_id = format!("record-{}", statements.len() + 1);
            statements.insert(line.statement_id, record_id.clone());
            Ok(record_id)
        });
    let create_lines = DbStep::new("create statement lines")
        .pre_check_with(|cx, line: &StatementLine| {
            let statements = cx.env().statements.lock().unwrap();
            let lines = cx.env().lines.lock().unwrap();
            let record_id = statements.get(line.statement_id);
            let booked = lines
                .iter()
                .any(|(id, amount)| Some(id) == record_id && *amount == line.amount);
            if booked {
                Check::Skip((), Reason::from_error(StatementLineExists))
            } else {
                Check::Pass(())
            }
        })
        .job_with(|cx, line: &StatementLine| {
            let bag = cx.bag();
            let record_id = match bag.job_data::<String>("create statement")? {
                Some(record_id) => record_id,
                None => bag
                    .pre_check_data::<String>("create statement")?
                    .ok_or("statement record id not found in the pre-check either")?,
            };
            cx.env()
                .lines
                .lock()
                .unwrap()
                .push((record_id.clone(), line.amount));
            Ok(())
        });
    [create_statement, create_lines]
}

#[test]
fn readme_import_scenario() {
    let mut coordinator = Coordinator::<Db>::new();
    for step in import_steps() {
        coordinator.add_step(step).unwrap();
    }
    let db = Db::default();
    db.statements.lock().unwrap().insert("a", "existing".into());
    let inputs = [
        StatementLine {
            statement_id: "a",
            amount: 3.13,
        },
        StatementLine {
            statement_id: "b",
            amount: 6.11,
        },
        StatementLine {
            statement_id: "c",
            amount: 76.33,
        },
        StatementLine {
            statement_id: "a",
            amount: 3.13,
        },
    ];

    let reports: Vec<DynReport> = inputs
        .iter()
        .map(|line| coordinator.run(line, &db))
        .collect();

    for report in &reports {
        assert!(report.error().is_none(), "{:?}", report.error());
    }
    // Statement `a` existed: its pre-check found the id and skipped the job.
    let first = &reports[0];
    assert_eq!(
        first
            .bag()
            .pre_check_data::<String>("create statement")
            .unwrap(),
        Some(&"existing".to_string())
    );
    assert_eq!(
        first.bag().job_data::<String>("create statement").unwrap(),
        None
    );
    let skips: Vec<_> = first.execution_errors().collect();
    assert_eq!(skips.len(), 1);
    assert!(skips[0].error().downcast_ref::<StatementExists>().is_some());
    // Statement `b` was new: its job created it.
    assert_eq!(
        reports[1]
            .bag()
            .job_data::<String>("create statement")
            .unwrap(),
        Some(&"record-2".to_string())
    );
    // The repeated line of `a` was booked already.
    let repeated: Vec<_> = reports[3].execution_errors().collect();
    assert_eq!(repeated.len(), 2);
    assert!(
        repeated[1]
            .error()
            .downcast_ref::<StatementLineExists>()
            .is_some()
    );
    assert_eq!(
        *db.lines.lock().unwrap(),
        [
            ("existing".to_string(), 3.13),
            ("record-2".to_string(), 6.11),
            ("record-3".to_string(), 76.33)
        ]
    );
}
