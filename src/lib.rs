//! Runs a fixed sequence of steps over a record, and over many records on a worker pool.
//!
//! A step has a name, a pre-check and a job. The pre-check decides the fate of the job: it
//! passes (the job runs), skips (the job does not run and the run goes on) or cancels (the
//! whole run stops). Every pre-check and job output is kept in the run's data bag, which
//! later steps read. This is a Rust re-design of the Go package
//! `github.com/worldline-go/choreograph` (v1.2.0), with the same run semantics, outputs typed
//! at compile time, and no reflection.
//!
//! The crate has three entry points:
//!
//! - [`Pipeline`]: steps composed with chained builder calls into a frunk HList. Each step's
//!   output types are threaded into a typed data bag, and a run is fully monomorphized: no
//!   allocation, no dynamic dispatch.
//! - [`Coordinator`]: steps assembled at run time, data looked up by name ignoring case, as
//!   in Go; it can also wrap a typed pipeline.
//! - [`Concurrent`]: many records on worker threads, for either of them, with failures and
//!   panics isolated per record, bounded memory and clean stops.
//!
//! # A first pipeline
//!
//! ```
//! use std::collections::HashMap;
//! use choreograph::{Check, Entry, Outcome, Pipeline, Reason, markers};
//!
//! struct Line {
//!     statement: String,
//!     amount_cents: i64,
//! }
//!
//! /// The environment: resources every callback can use.
//! struct Db {
//!     statements: HashMap<String, u64>,
//! }
//!
//! markers! {
//!     /// Finds the statement, or creates it.
//!     pub CreateStatement = "create statement";
//!     /// Books the line on the statement.
//!     pub CreateLine = "create statement line";
//! }
//!
//! let pipeline = Pipeline::<Line, Db>::new()
//!     .step(
//!         CreateStatement,
//!         // The pre-check returns the id it found, and skips the job that would create it.
//!         |cx| match cx.env().statements.get(&cx.input().statement) {
//!             Some(&id) => Check::Skip(Some(id), Reason::new("statement exists")),
//!             None => Check::Pass(None),
//!         },
//!         |cx| Ok(cx.env().statements.len() as u64 + 100),
//!     )
//!     .job(CreateLine, |cx| {
//!         // The new id, or else the id the pre-check found: checked by the compiler.
//!         let statement = match cx.bag().get(CreateStatement) {
//!             Outcome::Ran { output, .. } => *output,
//!             Outcome::Skipped { check, .. } => check.ok_or("no statement id")?,
//!         };
//!         Ok((statement, cx.input().amount_cents))
//!     });
//!
//! let db = Db { statements: HashMap::from([("S-1".to_string(), 7)]) };
//! let line = Line { statement: "S-1".into(), amount_cents: 1250 };
//! let report = pipeline.run(&line, &db);
//!
//! assert!(report.is_ok());
//! assert_eq!(report.execution_errors().count(), 1, "the skip is recorded");
//! assert!(matches!(report.bag().get(CreateLine), Entry::Ran { output: (7, 1250), .. }));
//! ```
//!
//! # How a run goes
//!
//! 1. Steps run in the order they were added; each pre-check runs before its job.
//! 2. [`Check::Pass`]: the job runs.
//! 3. [`Check::Skip`]: the job does not run, the reason is recorded in the execution
//!    errors, and the run goes on. A skip is not a failure.
//! 4. [`Check::Cancel`]: the job does not run, the reason is recorded, and the run stops
//!    with [`Error::ExecutionCanceled`], whose source is the pre-check's reason.
//! 5. The pre-check's output is stored in all three cases.
//! 6. A job's output is stored when it succeeds.
//! 7. A job's error (a [`JobError`] from a closure) is recorded, nothing is stored for that
//!    job, and the run stops with [`Error::JobFailed`], whose `source()` and `downcast_ref`
//!    reach the job's own error.
//! 8. Before every step the run checks its [`CancelToken`] and the token's deadline. A
//!    canceled run stops with [`Error::Canceled`], which names the step it did not start,
//!    and calls nothing more.
//! 9. Every run starts with an empty bag and no execution errors.
//! 10. A run returns its bag, its runtime error and, through the bag, its execution errors:
//!     a [`Report`] for a pipeline, a [`DynReport`] for a coordinator.
//! 11. Zero values (`0`, `""`, `false`, empty collections) are ordinary inputs.
//! 12. Runs never print.
//!
//! # Reading earlier steps
//!
//! Inside a step, `cx.bag()` is an [`EarlierBag`]: [`get(Marker)`](EarlierBag::get) returns
//! the [`Outcome`] of an earlier step, `Ran { check, output }` or `Skipped { check, reason }`.
//! After a run, the report's [`Bag`] contains an [`Entry`] for every step, which may also be
//! `Canceled`, `Failed` or `NotReached`. Naming a step that is not earlier is a compile
//! error that names the marker:
//!
//! ```compile_fail,E0277
//! use choreograph::{Pipeline, markers};
//!
//! markers! {
//!     /// First.
//!     pub First = "first";
//!     /// Second.
//!     pub Second = "second";
//! }
//!
//! // error[E0277]: `Second` is not an earlier step of this pipeline
//! let pipeline = Pipeline::<u32>::new()
//!     .job(First, |cx| Ok(cx.bag().get(Second).output().copied()))
//!     .job(Second, |cx| Ok(*cx.input()));
//! ```
//!
//! Steps can also be types that implement [`Step`], added with
//! [`Pipeline::add_step`]: reusable, generic and testable on their own.
//!
//! # Limits
//!
//! - A pipeline's type grows with each step. Its compile time grows faster than the step
//!   count; `BENCHMARKS.md` records `cargo check` and build times for 8 to 64 steps.
//! - Two steps with the same marker make lookups of that marker ambiguous, which the compiler
//!   reports at the lookup. [`Coordinator::from_pipeline`] rejects duplicate names.
//! - A panic in a callback unwinds out of [`Pipeline::run`]; [`Pipeline::run_catch_unwind`]
//!   and the concurrent runners report it as [`Error::Panicked`] instead.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bag;
mod cancel;
mod chain;
mod check;
mod concurrent;
mod coordinator;
mod error;
mod index;
mod marker;
mod outcome;
mod pipeline;
mod report;
mod step;

pub use bag::{AnyEntries, Bag, EarlierBag, Entries, Slot};
pub use cancel::{CancelCause, CancelToken};
pub use chain::{Chain, Link};
pub use check::{Check, Reason, SkipReason};
pub use concurrent::{Concurrent, MAX_WORKERS, Processed, Results};
pub use coordinator::{
    AnyInput, Coordinator, DataBag, DynContext, DynReport, DynStep, Execute, Input,
};
pub use error::{BoxError, Callback, Error, ExecutionError, JobError, StepId};
pub use index::{Here, Locate, Lookup, LookupOutput, There};
pub use marker::Marker;
pub use outcome::{Entry, Outcome};
pub use pipeline::Pipeline;
pub use report::{ExecutionErrors, Report};
pub use step::{Context, FnStep, JobStep, Step};

/// The HList types that chains and bags are made of, for code that names those types.
pub use frunk::{HCons, HNil};

static_assertions::assert_impl_all!(Error: Send, Sync);
static_assertions::assert_impl_all!(CancelToken: Send, Sync);
static_assertions::assert_impl_all!(Reason: Send, Sync);

/// The README's examples, run as documentation tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod sealed {
    /// Keeps the crate's structural traits closed to other crates.
    pub trait Sealed {}
}
