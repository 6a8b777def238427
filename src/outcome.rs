//! The end state of each step: as the data bag stores it, and as later steps of a run see it.

use crate::check::Reason;

/// The end state of an earlier step, as the later steps of the same run see it: a view into
/// the data bag.
///
/// While a run goes on, every earlier step either ran its job or was skipped by its
/// pre-check: a cancel or a job failure would have stopped the run. A `match` on it has no
/// other case.
///
/// # Examples
///
/// ```
/// use choreograph::Outcome;
///
/// // The statement's new record id, or the id its pre-check found.
/// fn statement_id(outcome: Outcome<'_, Option<u64>, u64>) -> Option<u64> {
///     match outcome {
///         Outcome::Ran { output, .. } => Some(*output),
///         Outcome::Skipped { check, .. } => *check,
///     }
/// }
///
/// assert_eq!(statement_id(Outcome::Ran { check: &None, output: &9 }), Some(9));
/// let found = Outcome::Skipped { check: &Some(4), reason: &"exists".into() };
/// assert_eq!(statement_id(found), Some(4));
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome<'a, P, J, R = Reason> {
    /// The pre-check passed and the job succeeded.
    Ran {
        /// The pre-check's output.
        check: &'a P,
        /// The job's output.
        output: &'a J,
    },
    /// The pre-check skipped the job.
    Skipped {
        /// The pre-check's output.
        check: &'a P,
        /// The reason the pre-check gave.
        reason: &'a R,
    },
}

impl<'a, P, J, R> Outcome<'a, P, J, R> {
    /// Returns the pre-check's output.
    pub fn check(self) -> &'a P {
        match self {
            Outcome::Ran { check, .. } | Outcome::Skipped { check, .. } => check,
        }
    }

    /// Returns the job's output, if the job ran.
    pub fn output(self) -> Option<&'a J> {
        match self {
            Outcome::Ran { output, .. } => Some(output),
            Outcome::Skipped { .. } => None,
        }
    }

    /// Returns the skip reason, if the pre-check skipped the job.
    pub fn reason(self) -> Option<&'a R> {
        match self {
            Outcome::Ran { .. } => None,
            Outcome::Skipped { reason, .. } => Some(reason),
        }
    }
}

impl<P, J, R> Clone for Outcome<'_, P, J, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P, J, R> Copy for Outcome<'_, P, J, R> {}

/// The end state of a step, as the data bag stores it.
///
/// A finished run's bag has one entry per step. The error of a step that stopped the run is
/// the run's runtime error, not part of the entry.
///
/// # Examples
///
/// ```
/// use choreograph::{Check, Entry, Pipeline, Reason, markers};
///
/// markers! {
///     /// Finds the customer.
///     pub Find = "find";
///     /// Sends the mail.
///     pub Notify = "notify";
/// }
///
/// let pipeline = Pipeline::<u32>::new()
///     .step(Find, |_| Check::Cancel(5_u32, Reason::new("customer blocked")), |_| Ok(()))
///     .job(Notify, |_| Ok(()));
/// let report = pipeline.run(&1, &());
/// assert!(matches!(report.bag().get(Find), Entry::Canceled { check: 5 }));
/// assert!(matches!(report.bag().get(Notify), Entry::NotReached));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry<P, J, R = Reason> {
    /// The pre-check passed and the job succeeded.
    Ran {
        /// The pre-check's output.
        check: P,
        /// The job's output.
        output: J,
    },
    /// The pre-check skipped the job and the run went on.
    Skipped {
        /// The pre-check's output.
        check: P,
        /// The reason the pre-check gave.
        reason: R,
    },
    /// The pre-check canceled the run; its reason is the source of the runtime error.
    Canceled {
        /// The pre-check's output.
        check: P,
    },
    /// The pre-check passed, then the job failed or panicked; the runtime error names which.
    Failed {
        /// The pre-check's output.
        check: P,
    },
    /// The step did not start because the run stopped earlier, or its pre-check panicked.
    NotReached,
}

impl<P, J, R> Entry<P, J, R> {
    /// Returns the pre-check's output, if the pre-check returned.
    pub fn check(&self) -> Option<&P> {
        match self {
            Entry::Ran { check, .. }
            | Entry::Skipped { check, .. }
            | Entry::Canceled { check }
            | Entry::Failed { check } => Some(check),
            Entry::NotReached => None,
        }
    }

    /// Returns the job's output, if the job ran and succeeded.
    pub fn output(&self) -> Option<&J> {
        match self {
            Entry::Ran { output, .. } => Some(output),
            _ => None,
        }
    }

    /// Returns the skip reason, if the pre-check skipped the job.
    pub fn reason(&self) -> Option<&R> {
        match self {
            Entry::Skipped { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// Returns the entry as an [`Outcome`], if the step ran or was skipped.
    pub fn outcome(&self) -> Option<Outcome<'_, P, J, R>> {
        match self {
            Entry::Ran { check, output } => Some(Outcome::Ran { check, output }),
            Entry::Skipped { check, reason } => Some(Outcome::Skipped { check, reason }),
            _ => None,
        }
    }
}
