//! The crate's error type and the labels that execution errors carry.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

use crate::cancel::CancelCause;

/// A boxed error from a callback: the form in which job errors and cancel reasons travel.
///
/// Any `E: std::error::Error + Send + Sync + 'static` converts into it with `?` or `.into()`,
/// and `downcast_ref::<E>()` gets the concrete error back.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// The error a job of a [`Pipeline`](crate::Pipeline) returns: any error, boxed.
///
/// `?` and `.into()` convert into it everything that converts into [`BoxError`]: every
/// `E: std::error::Error + Send + Sync + 'static`, `&str`, `String` and `BoxError` itself. A
/// failed run keeps the boxed error as the source of [`Error::JobFailed`], where
/// `downcast_ref` gets the concrete error back. A job that calls a helper returning
/// `Result<T, BoxError>` returns `Ok(helper()?)`.
///
/// Jobs return this struct rather than [`BoxError`] because a boxed trait object carries a
/// lifetime, and a lifetime in the signature of every job closure made the compiler's work
/// on long pipelines grow faster with their length. Like `std::io::Error` wrapping a custom
/// error, it gives the boxed error back with [`get_ref`](JobError::get_ref) and
/// [`into_inner`](JobError::into_inner). It does not implement `std::error::Error` itself:
/// if it did, it would convert into itself twice, and the conversion from every error could
/// not exist.
///
/// # Examples
///
/// ```
/// use choreograph::{Error, JobError, Pipeline, markers};
///
/// markers! {
///     /// Parses the amount.
///     pub Parse = "parse";
///     /// Rejects zero.
///     pub NonZero = "non-zero";
/// }
///
/// let pipeline = Pipeline::<str>::new()
///     .job(Parse, |cx| Ok(cx.input().parse::<u32>()?))
///     .job(NonZero, |cx| match cx.bag().get(Parse).output() {
///         Some(0) => Err("the amount is zero".into()),
///         _ => Ok(()),
///     });
///
/// let report = pipeline.run("x", &());
/// let Some(Error::JobFailed { source, .. }) = report.error() else { panic!("no job failed") };
/// assert!(source.downcast_ref::<std::num::ParseIntError>().is_some());
///
/// let report = pipeline.run("0", &());
/// let Some(Error::JobFailed { source, .. }) = report.error() else { panic!("no job failed") };
/// assert_eq!(source.to_string(), "the amount is zero");
///
/// let error = JobError::new("the amount is zero");
/// assert_eq!(error.get_ref().to_string(), "the amount is zero");
/// ```
pub struct JobError(BoxError);

impl JobError {
    /// Wraps `error`.
    pub fn new(error: impl Into<BoxError>) -> Self {
        JobError(error.into())
    }

    /// Returns the boxed error.
    pub fn get_ref(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.0
    }

    /// Returns the boxed error, consuming the wrapper.
    pub fn into_inner(self) -> BoxError {
        self.0
    }
}

impl<E: Into<BoxError>> From<E> for JobError {
    fn from(error: E) -> Self {
        JobError(error.into())
    }
}

impl fmt::Debug for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// The callback of a step that produced an execution error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Callback {
    /// The pre-check, which decides whether the job runs.
    PreCheck,
    /// The job, the work of the step.
    Job,
}

impl fmt::Display for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Callback::PreCheck => "pre-check",
            Callback::Job => "job",
        })
    }
}

/// A step as errors name it: its 0-based position and its name.
///
/// A blank name (empty or only white space) is displayed as `#<index>`, as the Go library
/// does.
///
/// # Examples
///
/// ```
/// use choreograph::StepId;
///
/// assert_eq!(StepId::new(0, "create statement").to_string(), "create statement");
/// assert_eq!(StepId::new(3, " ").to_string(), "#3");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StepId {
    index: usize,
    name: Cow<'static, str>,
}

impl StepId {
    /// Creates the id of the step at `index` named `name`.
    pub fn new(index: usize, name: impl Into<Cow<'static, str>>) -> Self {
        StepId {
            index,
            name: name.into(),
        }
    }

    /// Returns the 0-based position of the step in its pipeline or coordinator.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Returns the name the step was given, which may be blank.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_step_name(self.index, &self.name, f)
    }
}

/// Writes `name`, or `#<index>` when the name is blank.
pub(crate) fn display_step_name(
    index: usize,
    name: &str,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    if name.trim().is_empty() {
        write!(f, "#{index}")
    } else {
        f.write_str(name)
    }
}

/// The error that stopped a run, or that a lookup or a step registration returned.
///
/// Callback errors are kept as sources, so `std::error::Error::source` and `downcast_ref`
/// reach the concrete error that a job or pre-check returned.
///
/// # Examples
///
/// ```
/// use choreograph::{Check, Error, Pipeline, markers};
///
/// markers! {
///     /// Loads the record.
///     pub Load = "load";
/// }
///
/// #[derive(Debug, thiserror::Error)]
/// #[error("database is down")]
/// struct DatabaseDown;
///
/// let pipeline = Pipeline::<u32>::new().step(
///     Load,
///     |_| Check::Pass(()),
///     |_| -> Result<u32, _> { Err(DatabaseDown.into()) },
/// );
/// let report = pipeline.run(&7, &());
/// match report.error() {
///     Some(Error::JobFailed { step, source }) => {
///         assert_eq!(step.name(), "load");
///         assert!(source.downcast_ref::<DatabaseDown>().is_some());
///     }
///     other => panic!("unexpected result: {other:?}"),
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A job returned an error. The run stopped after it, and `source` is the job's error.
    #[error("job of step `{step}` failed")]
    JobFailed {
        /// The step whose job failed.
        step: StepId,
        /// The error the job returned.
        #[source]
        source: BoxError,
    },

    /// A pre-check returned [`Check::Cancel`](crate::Check::Cancel), so the run stopped
    /// without running that step's job. `source` is the pre-check's reason.
    #[error("pre-check of step `{step}` canceled the execution")]
    ExecutionCanceled {
        /// The step whose pre-check canceled the run.
        step: StepId,
        /// The reason the pre-check gave.
        #[source]
        source: BoxError,
    },

    /// The run was canceled from outside, through a [`CancelToken`](crate::CancelToken) or
    /// its deadline, and stopped before `step` started.
    #[error("run canceled before step `{step}`: {cause}")]
    Canceled {
        /// The first step that did not run.
        step: StepId,
        /// Whether a cancel request or the deadline stopped the run.
        cause: CancelCause,
    },

    /// A callback expects an input of another type than the one the run was given, so it
    /// was not called.
    #[error("{callback} of step `{step}` expects input of type `{expected}`, got `{actual}`")]
    UnassignableInput {
        /// The step whose callback rejected the input.
        step: StepId,
        /// The callback of the step that expects the other type.
        callback: Callback,
        /// The type the callback expects.
        expected: &'static str,
        /// The type of the input the run was given.
        actual: Cow<'static, str>,
    },

    /// A callback panicked. The record's run stopped; other records are not affected.
    #[error("{callback} of step `{step}` panicked: {message}")]
    Panicked {
        /// The step whose callback panicked.
        step: StepId,
        /// The callback that panicked.
        callback: Callback,
        /// The panic message, or a placeholder when the payload is not a string.
        message: String,
    },

    /// A panic outside the callbacks of the steps stopped one record of a concurrent run,
    /// for example in a conversion of a job's error. The worker goes on with the next record.
    ///
    /// The record's bag then shows every step as not reached, also the steps that ran.
    #[error("run panicked outside the callbacks of its steps: {message}")]
    RunPanicked {
        /// The panic message, or a placeholder when the payload is not a string.
        message: String,
    },

    /// A worker of a concurrent run could not start: its thread could not be spawned, or
    /// its environment factory returned an error or panicked. The run took no input.
    #[error("worker {worker} of the concurrent run failed to start")]
    WorkerStartFailed {
        /// The 0-based index of the worker, as passed to the environment factory.
        worker: usize,
        /// The spawn error, the factory's error, or the factory's panic message.
        #[source]
        source: BoxError,
    },

    /// A step was added under a name that an earlier step already has, ignoring case.
    #[error(
        "step `{step}` at position {} duplicates the name of step `{existing}` at position {} \
         ignoring case, so rename one of them",
        step.index(),
        existing.index()
    )]
    DuplicateStep {
        /// The step that was rejected.
        step: StepId,
        /// The earlier step with the same name.
        existing: StepId,
    },

    /// A data bag lookup asked for another type than the step stored.
    #[error("{callback} data of step `{step}` has type `{actual}`, not the requested `{expected}`")]
    WrongType {
        /// The step whose data was looked up.
        step: StepId,
        /// Whether the pre-check data or the job data was looked up.
        callback: Callback,
        /// The type the caller asked for.
        expected: &'static str,
        /// The type of the stored value.
        actual: &'static str,
    },

    /// A lookup by name found no step of that name.
    #[error("no step named `{name}`")]
    StepNotFound {
        /// The name that was looked up.
        name: String,
    },
}

impl Error {
    /// Returns the step the error is about, for the kinds that concern one step.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Error, StepId};
    ///
    /// let error = Error::StepNotFound { name: "load".into() };
    /// assert!(error.step().is_none());
    /// ```
    pub fn step(&self) -> Option<&StepId> {
        match self {
            Error::JobFailed { step, .. }
            | Error::ExecutionCanceled { step, .. }
            | Error::Canceled { step, .. }
            | Error::UnassignableInput { step, .. }
            | Error::Panicked { step, .. }
            | Error::DuplicateStep { step, .. }
            | Error::WrongType { step, .. } => Some(step),
            Error::StepNotFound { .. }
            | Error::RunPanicked { .. }
            | Error::WorkerStartFailed { .. } => None,
        }
    }

    /// Returns the callback error that is also an execution error of the run: the job's error
    /// for [`Error::JobFailed`], the pre-check's reason for [`Error::ExecutionCanceled`].
    pub(crate) fn execution_error(&self) -> Option<ExecutionError<'_>> {
        let (step, callback, source) = match self {
            Error::JobFailed { step, source } => (step, Callback::Job, source),
            Error::ExecutionCanceled { step, source } => (step, Callback::PreCheck, source),
            _ => return None,
        };
        Some(ExecutionError::new(
            step.index(),
            step.name(),
            callback,
            source.as_ref(),
        ))
    }
}

/// One entry of a run's execution errors: a pre-check's skip or cancel reason, or a job's
/// error, labelled with its step and callback.
///
/// A skip is recorded here without stopping the run; a cancel or a job error is also the
/// run's runtime error.
///
/// # Examples
///
/// ```
/// use choreograph::{Callback, Check, Pipeline, Reason, markers};
///
/// markers! {
///     /// Checks for a duplicate.
///     pub Dedup = "dedup";
/// }
///
/// let pipeline = Pipeline::<u32>::new().step(
///     Dedup,
///     |_| Check::Skip((), Reason::new("already imported")),
///     |_| Ok(()),
/// );
/// let report = pipeline.run(&1, &());
/// let errors: Vec<_> = report.execution_errors().collect();
/// assert_eq!(errors.len(), 1);
/// assert_eq!(errors[0].step_name(), "dedup");
/// assert_eq!(errors[0].callback(), Callback::PreCheck);
/// assert_eq!(errors[0].error().to_string(), "already imported");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ExecutionError<'a> {
    step_index: usize,
    step_name: &'a str,
    callback: Callback,
    error: &'a (dyn StdError + Send + Sync + 'static),
}

impl<'a> ExecutionError<'a> {
    /// Labels `error` with the step and callback that produced it.
    pub fn new(
        step_index: usize,
        step_name: &'a str,
        callback: Callback,
        error: &'a (dyn StdError + Send + Sync + 'static),
    ) -> Self {
        ExecutionError {
            step_index,
            step_name,
            callback,
            error,
        }
    }

    /// Returns the 0-based position of the step.
    pub fn step_index(&self) -> usize {
        self.step_index
    }

    /// Returns the name of the step, which may be blank.
    pub fn step_name(&self) -> &'a str {
        self.step_name
    }

    /// Returns the callback that produced the error.
    pub fn callback(&self) -> Callback {
        self.callback
    }

    /// Returns the error itself; `downcast_ref` reaches the callback's own error type.
    pub fn error(&self) -> &'a (dyn StdError + Send + Sync + 'static) {
        self.error
    }
}

impl fmt::Display for ExecutionError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} of step `", self.callback)?;
        display_step_name(self.step_index, self.step_name, f)?;
        write!(f, "`: {}", self.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_id_displays_blank_name_as_index() {
        assert_eq!(StepId::new(2, "").to_string(), "#2");
        assert_eq!(StepId::new(2, "\t").to_string(), "#2");
        assert_eq!(StepId::new(2, "load").to_string(), "load");
    }

    #[test]
    fn messages_are_lowercase_without_period() {
        let errors = [
            Error::JobFailed {
                step: StepId::new(0, "load"),
                source: "boom".into(),
            },
            Error::StepNotFound {
                name: "Load".into(),
            },
            Error::DuplicateStep {
                step: StepId::new(1, "LOAD"),
                existing: StepId::new(0, "load"),
            },
        ];
        for error in &errors {
            let message = error.to_string();
            assert!(!message.ends_with('.'), "{message}");
            assert!(message.starts_with(char::is_lowercase), "{message}");
        }
        assert_eq!(
            errors[2].to_string(),
            "step `LOAD` at position 1 duplicates the name of step `load` at position 0 \
             ignoring case, so rename one of them"
        );
    }

    #[derive(Debug)]
    struct Offline;

    impl fmt::Display for Offline {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("database is offline")
        }
    }

    impl StdError for Offline {}

    fn parse(text: &str) -> Result<u8, JobError> {
        Ok(text.parse::<u8>()?)
    }

    fn forward(result: Result<u8, BoxError>) -> Result<u8, JobError> {
        Ok(result?)
    }

    #[test]
    fn job_error_converts_with_question_mark() {
        let error = parse("x").unwrap_err();
        assert!(
            error
                .get_ref()
                .downcast_ref::<std::num::ParseIntError>()
                .is_some()
        );
        assert_eq!(parse("7").unwrap(), 7);

        let error = forward(Err(Box::new(Offline))).unwrap_err();
        assert!(error.get_ref().downcast_ref::<Offline>().is_some());
    }

    #[test]
    fn job_error_converts_text_and_errors() {
        let from_str: JobError = "no statement".into();
        let from_string: JobError = format!("line {}", 3).into();
        let from_error = JobError::new(Offline);

        assert_eq!(from_str.to_string(), "no statement");
        assert_eq!(from_string.to_string(), "line 3");
        assert_eq!(from_error.to_string(), "database is offline");
        assert_eq!(format!("{from_error:?}"), "Offline");
        assert!(from_error.into_inner().downcast::<Offline>().is_ok());
    }
}
