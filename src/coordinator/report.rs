//! The result of one coordinator run: its data bag, its execution errors and its runtime
//! error.

use std::fmt;

use crate::check::{Reason, SkipReason};
use crate::coordinator::bag::DataBag;
use crate::error::{Callback, Error, ExecutionError};

/// The result of one run of a [`Coordinator`](crate::Coordinator) or another
/// [`Execute`](crate::Execute).
///
/// It owns the run's [`DataBag`], the skip reasons of the pre-checks that skipped their
/// jobs, and the runtime error if the run stopped. The execution errors are read from
/// both: each skip reason in step order, then the cancel reason or job error that stopped
/// the run.
///
/// # Examples
///
/// ```
/// use choreograph::{Check, Coordinator, DynStep, Error, Reason};
///
/// let mut coordinator = Coordinator::new();
/// coordinator.add_step(
///     DynStep::new("first").pre_check(|_| Check::Skip((), Reason::new("not needed"))),
/// )?;
/// coordinator.add_step(DynStep::new("second").job(|_| -> Result<(), _> { Err("disk full".into()) }))?;
///
/// let report = coordinator.run(&(), &());
/// let messages: Vec<String> = report.execution_errors().map(|e| e.to_string()).collect();
/// assert_eq!(
///     messages,
///     ["pre-check of step `first`: not needed", "job of step `second`: disk full"]
/// );
/// assert!(matches!(report.error(), Some(Error::JobFailed { .. })));
/// # Ok::<(), choreograph::Error>(())
/// ```
pub struct DynReport {
    bag: DataBag,
    skips: Vec<(usize, Reason)>,
    error: Option<Error>,
}

impl DynReport {
    /// Creates a report from a bag and a runtime error, without skips; for example for a
    /// mock [`Execute`](crate::Execute).
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{DataBag, DynReport};
    ///
    /// let mut bag = DataBag::with_step_names(["create statement"])?;
    /// bag.set_job_data("create statement", String::from("id-1"));
    /// let report = DynReport::new(bag, None);
    /// assert!(report.is_ok());
    /// assert_eq!(report.execution_errors().count(), 0);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn new(bag: DataBag, error: Option<Error>) -> Self {
        DynReport {
            bag,
            skips: Vec::new(),
            error,
        }
    }

    /// Records that the pre-check of the step at `step_index` skipped its job for `reason`.
    ///
    /// Skips are listed in the order they were recorded, before the runtime error's own
    /// execution error. The step's name comes from the bag's step names; a position without
    /// a name is shown as `#<index>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{DataBag, DynReport, Reason};
    ///
    /// let mut report = DynReport::new(DataBag::with_step_names(["dedup"])?, None);
    /// report.push_skip(0, Reason::new("seen before"));
    /// let errors: Vec<String> = report.execution_errors().map(|e| e.to_string()).collect();
    /// assert_eq!(errors, ["pre-check of step `dedup`: seen before"]);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn push_skip(&mut self, step_index: usize, reason: impl Into<Reason>) {
        self.skips.push((step_index, reason.into()));
    }

    /// Returns the run's data bag.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Coordinator, DynStep};
    ///
    /// let mut coordinator = Coordinator::new();
    /// coordinator.add_step(DynStep::new("one").job(|_| Ok(1_u8)))?;
    /// assert_eq!(coordinator.run(&(), &()).bag().job_data::<u8>("one")?, Some(&1));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn bag(&self) -> &DataBag {
        &self.bag
    }

    /// Returns the error that stopped the run, if one did.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{CancelToken, Coordinator, DynStep, Error};
    ///
    /// let mut coordinator = Coordinator::new();
    /// coordinator.add_step(DynStep::new("one"))?;
    /// let token = CancelToken::new();
    /// token.cancel();
    /// let report = coordinator.run_with(&(), &(), &token);
    /// assert!(matches!(report.error(), Some(Error::Canceled { .. })));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// Returns whether the run went through every step without a runtime error.
    ///
    /// Skips are not failures: a run whose pre-checks skipped jobs is still ok.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Check, Coordinator, DynStep, Reason};
    ///
    /// let mut coordinator = Coordinator::new();
    /// coordinator.add_step(DynStep::new("one").pre_check(|_| Check::Skip((), Reason::new("no"))))?;
    /// assert!(coordinator.run(&(), &()).is_ok());
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn is_ok(&self) -> bool {
        self.error.is_none()
    }

    /// Returns the execution errors in the order they happened: each skip reason, then the cancel
    /// reason or job error that stopped the run, if one did.
    ///
    /// A run canceled from outside, stopped by an unassignable input or by a panic adds no
    /// execution error.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Callback, Check, Coordinator, DynStep, Reason};
    ///
    /// #[derive(Debug, thiserror::Error)]
    /// #[error("statement exists")]
    /// struct StatementExists;
    ///
    /// let mut coordinator = Coordinator::new();
    /// coordinator.add_step(DynStep::new("create").pre_check(|_| {
    ///     Check::Skip((), Reason::from_error(StatementExists))
    /// }))?;
    /// let report = coordinator.run(&(), &());
    /// let error = report.execution_errors().next().expect("one skip");
    /// assert_eq!(error.step_name(), "create");
    /// assert_eq!(error.callback(), Callback::PreCheck);
    /// assert!(error.error().downcast_ref::<StatementExists>().is_some());
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn execution_errors(&self) -> impl Iterator<Item = ExecutionError<'_>> + '_ {
        let names = self.bag.names();
        let label = move |index: usize, callback, error| {
            let name = names.name_at(index).unwrap_or_default();
            ExecutionError::new(index, name, callback, error)
        };
        let typed = self.bag.typed().into_iter().flat_map(move |typed| {
            (0..names.len()).filter_map(move |index| {
                let error = typed.skip_error_at(index)?;
                Some(label(index, Callback::PreCheck, error))
            })
        });
        let skips = self
            .skips
            .iter()
            .map(move |(index, reason)| label(*index, Callback::PreCheck, reason.as_error()));
        let runtime = self.error.as_ref().and_then(Error::execution_error);
        typed.chain(skips).chain(runtime)
    }

    /// Splits the report into its data bag and runtime error.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Coordinator, DynStep};
    ///
    /// let mut coordinator = Coordinator::new();
    /// coordinator.add_step(DynStep::new("one").job(|_| Ok(1_u8)))?;
    /// let (bag, error) = coordinator.run(&(), &()).into_parts();
    /// assert!(error.is_none());
    /// assert_eq!(bag.job_data::<u8>("one")?, Some(&1));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn into_parts(self) -> (DataBag, Option<Error>) {
        (self.bag, self.error)
    }

    /// Converts the report into the data bag if the run finished, or else the error that
    /// stopped it.
    ///
    /// # Errors
    ///
    /// Returns the runtime error of a run that stopped, dropping its bag.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Coordinator, DynStep};
    ///
    /// let mut coordinator = Coordinator::new();
    /// coordinator.add_step(DynStep::new("fail").job(|_| -> Result<(), _> { Err("boom".into()) }))?;
    /// assert!(coordinator.run(&(), &()).into_result().is_err());
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn into_result(self) -> Result<DataBag, Error> {
        match self.error {
            None => Ok(self.bag),
            Some(error) => Err(error),
        }
    }

    /// Sets the runtime error of a run that stopped.
    pub(crate) fn stop(&mut self, error: Error) {
        self.error = Some(error);
    }

    pub(crate) fn bag_mut(&mut self) -> &mut DataBag {
        &mut self.bag
    }
}

impl fmt::Debug for DynReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynReport")
            .field("bag", &self.bag)
            .field("skips", &self.skips)
            .field("error", &self.error)
            .finish()
    }
}
