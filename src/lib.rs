//! Runs a fixed sequence of steps over a record, and over many records on a worker pool.
//!
//! TODO: crate manual.

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
pub use error::{BoxError, Callback, Error, ExecutionError, StepId};
pub use index::{Here, Lookup, LookupOutput, There};
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

mod sealed {
    /// Keeps the crate's structural traits closed to other crates.
    pub trait Sealed {}
}
