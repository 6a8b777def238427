//! Runs a fixed sequence of steps over a record, and over many records on a worker pool.
//!
//! TODO: crate manual.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bag;
mod cancel;
mod chain;
mod check;
mod coordinator;
mod error;
mod index;
mod marker;
mod outcome;
mod pipeline;
mod report;
mod step;

pub use bag::{AnyEntries, Bag, Entries, Slot};
pub use cancel::{CancelCause, CancelToken};
pub use chain::{Chain, Link};
pub use check::{Check, Reason, SkipReason};
pub use coordinator::{Coordinator, DataBag, DynContext, DynReport, DynStep, Execute, Input};
pub use error::{BoxError, Callback, Error, ExecutionError, StepId};
pub use index::{Here, Lookup, LookupOutput, There};
pub use marker::Marker;
pub use outcome::{Entry, Outcome, StepValue};
pub use pipeline::Pipeline;
pub use report::{ExecutionErrors, Report};
pub use step::{Context, FnStep, JobStep, Step};

mod sealed {
    /// Keeps the crate's structural traits closed to other crates.
    pub trait Sealed {}
}
