//! The coordinator beyond the Go library's own tests: duplicate names, wrapped typed
//! pipelines, non-ASCII names, cancellation and mocking through `Execute`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use choreograph::{
    Callback, CancelCause, CancelToken, Check, Coordinator, DataBag, DynReport, DynStep, Error,
    Execute, Input, Pipeline, Reason, StepId, markers,
};
use static_assertions::{assert_impl_all, assert_not_impl_any};

assert_impl_all!(Coordinator<()>: Send, Sync);
assert_impl_all!(DynStep<()>: Send, Sync);
assert_impl_all!(DynReport: Send, Sync);
assert_impl_all!(DataBag: Send, Sync);
// An input borrows a `dyn Any`, which may be neither `Send` nor `Sync`.
assert_not_impl_any!(Input<'static>: Send, Sync);

markers! {
    /// Parses the amount.
    pub Parse = "parse";
    /// Checks the amount is positive.
    pub Validate = "Validate";
    /// Has a blank name.
    pub Unnamed = "";
    /// Shares the name of `Parse` in another case.
    pub ParseAgain = "PARSE";
}

/// Counts the calls of the typed pipeline's callbacks.
#[derive(Default)]
struct Counter {
    calls: AtomicUsize,
}

impl Counter {
    fn count(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::Relaxed)
    }
}

fn typed_pipeline() -> Coordinator<Counter> {
    let pipeline = Pipeline::<String, Counter>::new()
        .job(Parse, |cx| {
            cx.env().count();
            Ok(cx.input().parse::<i64>()?)
        })
        .step(
            Validate,
            |cx| {
                cx.env().count();
                match cx.bag().get(Parse).output() {
                    Some(amount) if *amount > 0 => Check::Pass(*amount),
                    _ => Check::Skip(0, Reason::new("not positive")),
                }
            },
            |cx| {
                cx.env().count();
                Ok(true)
            },
        );
    Coordinator::from_pipeline(pipeline).unwrap()
}

#[test]
fn add_step_rejects_duplicate_name() {
    let mut coordinator = Coordinator::<()>::new();
    coordinator.add_step(DynStep::new("load")).unwrap();
    coordinator.add_step(DynStep::new("save")).unwrap();

    let error = coordinator.add_step(DynStep::new("Load")).unwrap_err();

    match &error {
        Error::DuplicateStep { step, existing } => {
            assert_eq!(step, &StepId::new(2, "Load"));
            assert_eq!(existing, &StepId::new(0, "load"));
        }
        other => panic!("expected a duplicate step, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "step `Load` at position 2 duplicates the name of step `load` at position 0 \
         ignoring case, so rename one of them"
    );
    assert_eq!(
        coordinator.step_names().collect::<Vec<_>>(),
        ["load", "save"]
    );
}

#[test]
fn add_step_allows_blank_names() {
    let mut coordinator = Coordinator::<()>::new();

    for name in ["", " ", ""] {
        coordinator.add_step(DynStep::new(name)).unwrap();
    }

    assert_eq!(coordinator.len(), 3);
    assert!(coordinator.run(&(), &()).is_ok());
}

#[test]
fn add_step_rejects_non_ascii_duplicate() {
    let mut coordinator = Coordinator::<()>::new();
    coordinator.add_step(DynStep::new("straße")).unwrap();
    coordinator.add_step(DynStep::new("İstanbul")).unwrap();

    let sharp_s = coordinator.add_step(DynStep::new("STRAẞE"));
    let dotted_i = coordinator.add_step(DynStep::new("istanbul"));
    let double_s = coordinator.add_step(DynStep::new("STRASSE"));

    assert!(matches!(sharp_s, Err(Error::DuplicateStep { existing, .. }) if existing.index() == 0));
    assert!(
        matches!(dotted_i, Err(Error::DuplicateStep { existing, .. }) if existing.index() == 1)
    );
    assert!(double_s.is_ok());
}

#[test]
fn bag_lowers_non_ascii_names_like_go() {
    let mut coordinator = Coordinator::<()>::new();
    for name in ["straße", "ΟΔΟΣ", "\u{212A}elvin"] {
        coordinator
            .add_step(DynStep::new(name).job(move |_| Ok(name)))
            .unwrap();
    }

    let report = coordinator.run(&(), &());
    let bag = report.bag();

    assert_eq!(bag.job_data::<&str>("STRAẞE").unwrap(), Some(&"straße"));
    assert_eq!(bag.job_data::<&str>("οδοσ").unwrap(), Some(&"ΟΔΟΣ"));
    assert_eq!(
        bag.job_data::<&str>("KELVIN").unwrap(),
        Some(&"\u{212A}elvin")
    );
    assert!(matches!(
        bag.job_data::<&str>("STRASSE"),
        Err(Error::StepNotFound { .. })
    ));
    assert!(matches!(
        bag.job_data::<&str>("οδος"),
        Err(Error::StepNotFound { .. })
    ));
}

#[test]
fn wrapped_pipeline_runs_its_steps() {
    let coordinator = typed_pipeline();
    let counter = Counter::default();

    let report = coordinator.run(&String::from("21"), &counter);

    assert!(report.is_ok());
    assert_eq!(counter.calls(), 3);
    assert_eq!(report.bag().job_data::<i64>("PARSE").unwrap(), Some(&21));
    assert_eq!(
        report.bag().pre_check_data::<i64>("validate").unwrap(),
        Some(&21)
    );
    assert_eq!(
        report.bag().job_data::<bool>("validate").unwrap(),
        Some(&true)
    );
    assert_eq!(report.execution_errors().count(), 0);
}

#[test]
fn wrapped_pipeline_unit_output_reads_as_absent() {
    let coordinator = typed_pipeline();

    let report = coordinator.run(&String::from("21"), &Counter::default());

    // `Pipeline::job` gives the step a pre-check that passes with `()`.
    assert!(report.bag().pre_check_data_any("parse").is_none());
    assert_eq!(report.bag().pre_check_data::<()>("parse").unwrap(), None);
}

#[test]
fn wrapped_pipeline_wrong_type_names_both_types() {
    let coordinator = typed_pipeline();

    let report = coordinator.run(&String::from("21"), &Counter::default());

    match report.bag().job_data::<u64>("parse") {
        Err(Error::WrongType {
            step,
            callback,
            expected,
            actual,
        }) => {
            assert_eq!(step, StepId::new(0, "parse"));
            assert_eq!(callback, Callback::Job);
            assert_eq!(expected, "u64");
            assert_eq!(actual, "i64");
        }
        other => panic!("expected a wrong type, got {other:?}"),
    }
}

#[test]
fn dynamic_steps_follow_wrapped_pipeline() {
    let mut coordinator = typed_pipeline();
    coordinator
        .add_step(
            DynStep::<Counter>::new("report")
                .pre_check(|cx| match cx.bag().pre_check_data::<i64>("validate") {
                    Ok(Some(amount)) if *amount > 0 => Check::Pass(()),
                    _ => Check::Skip((), Reason::new("nothing to report")),
                })
                .job(|cx| {
                    let amount = cx.bag().job_data::<i64>("parse")?.copied();
                    Ok(format!("reported {}", amount.unwrap_or_default()))
                }),
        )
        .unwrap();

    let positive = coordinator.run(&String::from("21"), &Counter::default());
    let negative = coordinator.run(&String::from("-1"), &Counter::default());

    assert_eq!(
        positive
            .bag()
            .job_data::<String>("report")
            .unwrap()
            .map(String::as_str),
        Some("reported 21")
    );
    let skips: Vec<(usize, String)> = negative
        .execution_errors()
        .map(|error| (error.step_index(), error.error().to_string()))
        .collect();
    assert_eq!(
        skips,
        [
            (1, "not positive".to_string()),
            (2, "nothing to report".to_string())
        ]
    );
    assert_eq!(
        coordinator.step_names().collect::<Vec<_>>(),
        ["parse", "Validate", "report"]
    );
}

#[test]
fn wrapped_pipeline_failure_stops_dynamic_steps() {
    let mut coordinator = typed_pipeline();
    coordinator
        .add_step(DynStep::<Counter>::new("after").job(|cx| {
            cx.env().count();
            Ok(())
        }))
        .unwrap();
    let counter = Counter::default();

    let report = coordinator.run(&String::from("twenty"), &counter);

    match report.error() {
        Some(Error::JobFailed { step, source }) => {
            assert_eq!(step, &StepId::new(0, "parse"));
            assert!(source.downcast_ref::<std::num::ParseIntError>().is_some());
        }
        other => panic!("expected a job failure, got {other:?}"),
    }
    assert_eq!(counter.calls(), 1);
    assert_eq!(report.execution_errors().count(), 1);
    assert!(report.bag().job_data_any("after").is_none());
}

#[test]
fn wrapped_pipeline_rejects_other_input_type() {
    let coordinator = typed_pipeline();
    let counter = Counter::default();

    let report = coordinator.run(&21_i64, &counter);

    match report.error() {
        Some(Error::UnassignableInput {
            step,
            callback,
            expected,
            actual,
        }) => {
            assert_eq!(step, &StepId::new(0, "parse"));
            assert_eq!(*callback, Callback::PreCheck);
            assert_eq!(*expected, "alloc::string::String");
            assert_eq!(actual, "i64");
        }
        other => panic!("expected an unassignable input, got {other:?}"),
    }
    assert_eq!(counter.calls(), 0);
    assert!(report.bag().job_data_any("parse").is_none());
}

#[test]
fn wrapped_pipeline_canceled_before_run() {
    let coordinator = typed_pipeline();
    let counter = Counter::default();
    let token = CancelToken::with_deadline(Instant::now());

    let report = coordinator.run_with(&String::from("21"), &counter, &token);

    match report.error() {
        Some(Error::Canceled { step, cause }) => {
            assert_eq!(step, &StepId::new(0, "parse"));
            assert_eq!(*cause, CancelCause::DeadlineExceeded);
        }
        other => panic!("expected a cancel, got {other:?}"),
    }
    assert_eq!(counter.calls(), 0);
}

#[test]
fn wrapping_rejects_duplicate_marker_names() {
    let pipeline = Pipeline::<String>::new()
        .job(Parse, |cx| Ok(cx.input().len()))
        .job(ParseAgain, |_| Ok(()));

    let error = Coordinator::from_pipeline(pipeline).unwrap_err();

    match error {
        Error::DuplicateStep { step, existing } => {
            assert_eq!(step, StepId::new(1, "PARSE"));
            assert_eq!(existing, StepId::new(0, "parse"));
        }
        other => panic!("expected a duplicate step, got {other:?}"),
    }
}

#[test]
fn wrapping_allows_blank_marker_names() {
    let pipeline = Pipeline::<String>::new()
        .job(Unnamed, |_| Ok(1_u8))
        .job(Parse, |cx| Ok(cx.input().len()));

    let coordinator = Coordinator::from_pipeline(pipeline).unwrap();
    let report = coordinator.run(&String::from("abc"), &());

    assert_eq!(report.bag().job_data::<usize>("parse").unwrap(), Some(&3));
    assert!(report.bag().job_data_any("").is_none());
}

#[test]
fn dynamic_step_cannot_reuse_typed_name() {
    let mut coordinator = typed_pipeline();

    let error = coordinator.add_step(DynStep::new("VALIDATE")).unwrap_err();

    assert!(matches!(error, Error::DuplicateStep { existing, .. } if existing.index() == 1));
}

#[test]
fn setter_hides_typed_output() {
    let coordinator = typed_pipeline();
    let (mut bag, _) = coordinator
        .run(&String::from("21"), &Counter::default())
        .into_parts();

    bag.set_job_data("parse", 7_i64);

    assert_eq!(bag.job_data::<i64>("parse").unwrap(), Some(&7));
    assert_eq!(bag.job_data::<bool>("validate").unwrap(), Some(&true));
}

#[test]
fn callback_cancel_stops_before_next_step() {
    let mut coordinator = Coordinator::<Counter>::new();
    coordinator
        .add_step(DynStep::<Counter>::new("first").job(|cx| {
            cx.env().count();
            cx.cancel();
            Ok(1_u8)
        }))
        .unwrap();
    coordinator
        .add_step(DynStep::<Counter>::new("second").pre_check(|cx| {
            cx.env().count();
            Check::Pass(())
        }))
        .unwrap();
    let counter = Counter::default();
    let token = CancelToken::new();

    let report = coordinator.run_with(&(), &counter, &token);

    match report.error() {
        Some(Error::Canceled { step, cause }) => {
            assert_eq!(step, &StepId::new(1, "second"));
            assert_eq!(*cause, CancelCause::Requested);
        }
        other => panic!("expected a cancel, got {other:?}"),
    }
    assert_eq!(counter.calls(), 1);
    assert_eq!(report.bag().job_data::<u8>("first").unwrap(), Some(&1));
    assert!(token.is_canceled());
}

#[test]
fn cancel_comes_before_input_check() {
    let mut coordinator = Coordinator::<()>::new();
    coordinator
        .add_step(DynStep::new("typed").pre_check_with(|_, _: &i64| Check::Pass(())))
        .unwrap();
    let token = CancelToken::new();
    token.cancel();

    let report = coordinator.run_with(&String::from("text"), &(), &token);

    assert!(matches!(report.error(), Some(Error::Canceled { .. })));
}

#[test]
fn pre_check_cancel_keeps_its_output() {
    let mut coordinator = Coordinator::<()>::new();
    coordinator
        .add_step(
            DynStep::new("find")
                .pre_check(|_| Check::Cancel(5_u32, Reason::new("customer blocked")))
                .job(|_| Ok(1_u8)),
        )
        .unwrap();

    let report = coordinator.run(&(), &());

    assert!(matches!(
        report.error(),
        Some(Error::ExecutionCanceled { .. })
    ));
    assert_eq!(
        report.bag().pre_check_data::<u32>("find").unwrap(),
        Some(&5)
    );
    assert_eq!(report.bag().job_data::<u8>("find").unwrap(), None);
}

#[test]
fn failed_job_stores_nothing() {
    let mut coordinator = Coordinator::<()>::new();
    coordinator
        .add_step(
            DynStep::new("load")
                .pre_check(|_| Check::Pass(3_u8))
                .job(|_| -> Result<u8, _> { Err("disk full".into()) }),
        )
        .unwrap();

    let report = coordinator.run(&(), &());

    assert!(matches!(report.error(), Some(Error::JobFailed { .. })));
    assert_eq!(report.bag().pre_check_data::<u8>("load").unwrap(), Some(&3));
    assert!(report.bag().job_data_any("load").is_none());
}

/// Returns a prepared report instead of running steps.
struct MockImport {
    runs: AtomicUsize,
}

impl Execute for MockImport {
    fn run_with(&self, input: Input<'_>, _: &(), _: &CancelToken) -> DynReport {
        self.runs.fetch_add(1, Ordering::Relaxed);
        let mut bag = DataBag::with_step_names(["create statement"]).unwrap();
        let line = input.downcast_ref::<String>().cloned().unwrap_or_default();
        bag.set_job_data("create statement", format!("mocked {line}"));
        let mut report = DynReport::new(bag, None);
        report.push_skip(0, Reason::new("mocked skip"));
        report
    }
}

/// Imports lines with any runner and returns the statement ids.
fn import_all(runner: &dyn Execute, lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|line| {
            let report = runner.run(Input::new(line), &());
            report
                .bag()
                .job_data::<String>("create statement")
                .ok()?
                .cloned()
        })
        .collect()
}

#[test]
fn execute_mock_replaces_coordinator() {
    let mock = MockImport {
        runs: AtomicUsize::new(0),
    };
    let lines = ["a".to_string(), "b".to_string()];

    let ids = import_all(&mock, &lines);

    assert_eq!(ids, ["mocked a", "mocked b"]);
    assert_eq!(mock.runs.load(Ordering::Relaxed), 2);
    let report = Execute::run(&mock, Input::none(), &());
    let skips: Vec<String> = report.execution_errors().map(|e| e.to_string()).collect();
    assert_eq!(skips, ["pre-check of step `create statement`: mocked skip"]);
}

#[test]
fn execute_runs_coordinator() {
    let mut coordinator = Coordinator::<()>::new();
    coordinator
        .add_step(
            DynStep::new("create statement").job_with(|_, line: &String| Ok(format!("id {line}"))),
        )
        .unwrap();
    let boxed: Box<dyn Execute> = Box::new(coordinator);

    let ids = import_all(&boxed, &["a".to_string()]);

    assert_eq!(ids, ["id a"]);
}

#[test]
fn earlier_lookup_kept_in_let() {
    let mut coordinator = Coordinator::<()>::new();
    coordinator
        .add_step(DynStep::new("load").job(|_| Ok(20_u64)))
        .unwrap();
    coordinator
        .add_step(DynStep::new("double").job(|cx| {
            let amount = cx.bag().job_data::<u64>("load")?;
            let name = cx.bag().data_bag().step_names().next();
            Ok((amount.copied().unwrap_or(0) * 2, name.map(str::to_owned)))
        }))
        .unwrap();
    let report = coordinator.run(&(), &());
    assert!(report.is_ok(), "{:?}", report.error());
    assert_eq!(
        report
            .bag()
            .job_data::<(u64, Option<String>)>("double")
            .unwrap(),
        Some(&(40, Some(String::from("load"))))
    );
}
