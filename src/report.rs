//! The result of one run: its data bag, its runtime error and its execution errors.

use std::fmt;

use crate::bag::{Bag, Entries};
use crate::error::{Callback, Error, ExecutionError};

/// The result of one run of a [`Pipeline`](crate::Pipeline).
///
/// It contains the data bag with an [`Entry`](crate::Entry) for every step, and the runtime
/// error if the run stopped. The execution errors, every skip reason followed by the
/// cancel reason or job error that stopped the run, are read from both.
///
/// # Examples
///
/// ```
/// use choreograph::{Check, Error, Pipeline, Reason, markers};
///
/// markers! {
///     /// Skips.
///     pub First = "first";
///     /// Fails.
///     pub Second = "second";
/// }
///
/// let pipeline = Pipeline::<()>::new()
///     .step(First, |_| Check::Skip((), Reason::new("not needed")), |_| Ok(()))
///     .job(Second, |_| -> Result<(), _> { Err("disk full".into()) });
/// let report = pipeline.run(&(), &());
/// let messages: Vec<String> = report.execution_errors().map(|e| e.to_string()).collect();
/// assert_eq!(
///     messages,
///     ["pre-check of step `first`: not needed", "job of step `second`: disk full"]
/// );
/// assert!(matches!(report.error(), Some(Error::JobFailed { .. })));
/// ```
pub struct Report<L> {
    bag: Bag<L>,
    error: Option<Error>,
}

impl<L> Report<L> {
    pub(crate) fn new(bag: Bag<L>, error: Option<Error>) -> Self {
        Report { bag, error }
    }

    /// Returns the data bag: one [`Entry`](crate::Entry) per step.
    pub fn bag(&self) -> &Bag<L> {
        &self.bag
    }

    /// Returns the error that stopped the run, if one did.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// Returns whether the run went through every step without a runtime error.
    ///
    /// Skips are not failures: a run whose pre-checks skipped jobs is still ok.
    pub fn is_ok(&self) -> bool {
        self.error.is_none()
    }

    /// Splits the report into its data bag and runtime error.
    pub fn into_parts(self) -> (Bag<L>, Option<Error>) {
        (self.bag, self.error)
    }

    /// Converts the report into the data bag if the run finished, or else the error that
    /// stopped it.
    ///
    /// # Errors
    ///
    /// Returns the runtime error of a run that stopped, dropping its bag.
    pub fn into_result(self) -> Result<Bag<L>, Error> {
        match self.error {
            None => Ok(self.bag),
            Some(error) => Err(error),
        }
    }

    /// Returns the execution errors in the order they happened: each skip reason, then the
    /// cancel reason or job error that stopped the run, if one did.
    ///
    /// A run canceled from outside, or stopped by a panic, adds no execution error.
    pub fn execution_errors(&self) -> ExecutionErrors<'_, L>
    where
        L: Entries,
    {
        ExecutionErrors {
            slots: self.bag.as_hlist(),
            next_index: 0,
            runtime: self.error.as_ref().and_then(Error::execution_error),
        }
    }
}

impl<L: fmt::Debug> fmt::Debug for Report<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("bag", &self.bag)
            .field("error", &self.error)
            .finish()
    }
}

/// An iterator over the execution errors of a [`Report`], returned by
/// [`Report::execution_errors`].
pub struct ExecutionErrors<'a, L> {
    slots: &'a L,
    next_index: usize,
    runtime: Option<ExecutionError<'a>>,
}

impl<'a, L: Entries> Iterator for ExecutionErrors<'a, L> {
    type Item = ExecutionError<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.next_index < L::LEN {
            let index = self.next_index;
            self.next_index += 1;
            if let Some(error) = self.slots.skip_error_at(index) {
                let name = L::name_at(index).unwrap_or_default();
                return Some(ExecutionError::new(index, name, Callback::PreCheck, error));
            }
        }
        self.runtime.take()
    }
}
