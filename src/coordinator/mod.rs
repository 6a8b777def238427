//! The coordinator: steps assembled at run time, dynamic inputs and data looked up by step
//! name, with the run semantics of the typed [`Pipeline`].
//!
//! - `mod.rs`: [`Coordinator`], its options and its run loop.
//! - `step.rs`: [`DynStep`] and the forms its callbacks take.
//! - `input.rs`: [`Input`], a dynamic input with its type name, and [`AnyInput`], its owned
//!   counterpart.
//! - `bag.rs`: [`DataBag`], the outputs of one run by step name.
//! - `names.rs`: how step names are compared ignoring case.
//! - `report.rs`: [`DynReport`], the result of one run.
//! - `execute.rs`: [`Execute`], the trait callers mock.
//! - `typed.rs`: a typed [`Pipeline`] inside a coordinator.
//!
//! Runs over many inputs on worker threads ([`Coordinator::concurrent`]) live with the
//! worker pool, in `concurrent/coordinator.rs`.

mod bag;
mod execute;
mod input;
mod names;
mod report;
mod step;
mod typed;

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

pub use bag::DataBag;
pub use execute::Execute;
pub use input::{AnyInput, Input};
pub use report::DynReport;
pub use step::{DynContext, DynStep};

use crate::bag::{AnyEntries, Entries};
use crate::cancel::{CancelToken, Signal};
use crate::chain::Chain;
use crate::chain::panic_message;
use crate::chain::private::{CatchPanics, Guard, Unguarded};
use crate::check::Check;
use crate::concurrent::default_workers;
use crate::error::{Callback, Error};
use crate::pipeline::Pipeline;
use crate::step::Context;
use names::StepNames;
use step::{JobFn, PreCheckFn};
use typed::TypedSteps;

/// Runs a sequence of steps assembled at run time over one input at a time, with data
/// looked up by step name: the Rust form of the Go library's `Coordinator`.
///
/// Steps are [`DynStep`]s added with [`add_step`](Coordinator::add_step), after the steps
/// of a typed [`Pipeline`] if the coordinator wraps one
/// ([`from_pipeline`](Coordinator::from_pipeline)). A run follows the rules of the typed
/// pipeline:
///
/// - Steps run in the order they were added; each pre-check runs before its job.
/// - Before every step the run checks its [`CancelToken`]; once it is canceled, the run
///   stops with [`Error::Canceled`] naming the step it did not start.
/// - A pre-check that passes lets the job run. One that skips records its reason in the
///   execution errors and the run goes on. One that cancels records its reason and stops
///   the run with [`Error::ExecutionCanceled`]. Its output is stored in all three cases.
/// - A job that succeeds stores its output. One that fails records its error, stores
///   nothing and stops the run with [`Error::JobFailed`].
/// - A callback that expects an input of another type is not called, and the run stops
///   with [`Error::UnassignableInput`].
/// - Every run starts with an empty [`DataBag`] and no execution errors.
///
/// A panic in a callback unwinds to the caller of [`run`](Coordinator::run). Over many
/// inputs ([`concurrent`](Coordinator::concurrent)), it stops only its own record, with
/// [`Error::Panicked`].
///
/// # Order
///
/// The steps of a wrapped pipeline come first, then the dynamic steps in the order they
/// were added. A callback can read the data of every step before it, and of its own
/// pre-check from its job.
///
/// # Examples
///
/// ```
/// use choreograph::{Check, Coordinator, DynStep, Reason};
///
/// let mut coordinator = Coordinator::new();
/// coordinator.add_step(
///     DynStep::new("parse")
///         .pre_check_with(|_, text: &String| {
///             if text.is_empty() { Check::Skip((), Reason::new("empty line")) } else { Check::Pass(()) }
///         })
///         .job_with(|_, text: &String| Ok(text.trim().parse::<i64>()?)),
/// )?;
/// coordinator.add_step(DynStep::new("double").job(|cx| {
///     Ok(cx.bag().job_data::<i64>("parse")?.map(|amount| amount * 2))
/// }))?;
///
/// let report = coordinator.run(&String::from(" 21 "), &());
/// assert!(report.is_ok());
/// assert_eq!(report.bag().job_data::<Option<i64>>("double")?, Some(&Some(42)));
///
/// let report = coordinator.run(&String::new(), &());
/// assert_eq!(report.execution_errors().count(), 1);
/// assert_eq!(report.bag().job_data::<Option<i64>>("double")?, Some(&None));
/// # Ok::<(), choreograph::Error>(())
/// ```
pub struct Coordinator<Env: ?Sized = ()> {
    typed: Option<Box<dyn TypedSteps<Env>>>,
    /// The number of steps of the wrapped pipeline, which come before the dynamic steps.
    typed_len: usize,
    steps: Vec<DynSteps<Env>>,
    names: Arc<StepNames>,
    workers: usize,
}

/// The callbacks of one dynamic step; its name is in the coordinator's [`StepNames`].
struct DynSteps<Env: ?Sized> {
    pre_check: Option<PreCheckFn<Env>>,
    job: Option<JobFn<Env>>,
}

impl<Env: ?Sized + 'static> Coordinator<Env> {
    /// The largest worker count: a larger count given to
    /// [`with_workers`](Coordinator::with_workers) or to
    /// [`Concurrent::workers`](crate::Concurrent::workers) is lowered to it. It is
    /// [`crate::MAX_WORKERS`], the cap of every concurrent run.
    ///
    /// Each worker is a thread of its own. The cap is fixed, not derived from the core
    /// count, so it leaves room for callbacks that wait on I/O while a mistyped count still
    /// cannot start thousands of threads.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::Coordinator;
    ///
    /// let coordinator = Coordinator::<()>::new().with_workers(usize::MAX);
    /// assert_eq!(coordinator.workers(), Coordinator::<()>::MAX_WORKERS);
    /// ```
    pub const MAX_WORKERS: usize = crate::concurrent::MAX_WORKERS;

    /// Creates a coordinator without steps, whose worker count is the available
    /// parallelism.
    ///
    /// The available parallelism is [`std::thread::available_parallelism`], 1 when it is
    /// unknown, and at most [`MAX_WORKERS`](Coordinator::MAX_WORKERS). The Go library takes
    /// `runtime.NumCPU()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::Coordinator;
    ///
    /// let coordinator = Coordinator::<()>::new();
    /// assert!(coordinator.is_empty());
    /// assert!(coordinator.workers() >= 1);
    /// ```
    pub fn new() -> Self {
        Coordinator {
            typed: None,
            typed_len: 0,
            steps: Vec::new(),
            names: Arc::default(),
            workers: default_workers(),
        }
    }

    /// Creates a coordinator whose first steps are those of a typed pipeline.
    ///
    /// The pipeline's steps run unchanged, monomorphized as in [`Pipeline::run`], for an
    /// input of the pipeline's input type `I`. Their outputs are read by step name from the
    /// [`DataBag`] of each run, and [`add_step`](Coordinator::add_step) adds dynamic steps
    /// after them, which can read those outputs too. The pipeline's report stays the
    /// source of the outputs: a run does not copy them.
    ///
    /// A run whose input is not an `I` calls no callback of the pipeline and stops with
    /// [`Error::UnassignableInput`] for the pipeline's first step. A step output of type
    /// `()` reads as no output.
    ///
    /// The bounds require `Send + Sync` steps and `'static + Send + Sync` outputs, so that
    /// runs can share the coordinator across threads and send their reports to another.
    /// The coordinator downcasts its dynamic input to `I`, so `I` is a sized `'static`
    /// type: wrap a `Pipeline<String>` rather than a `Pipeline<str>`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::DuplicateStep`] when two markers of the pipeline have names that are
    /// equal ignoring case. Blank names are allowed.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Coordinator, DynStep, Pipeline, markers};
    ///
    /// markers! {
    ///     /// Parses the amount.
    ///     pub Parse = "parse";
    /// }
    ///
    /// let pipeline = Pipeline::<String>::new().job(Parse, |cx| Ok(cx.input().parse::<i64>()?));
    /// let mut coordinator = Coordinator::from_pipeline(pipeline)?;
    /// coordinator.add_step(DynStep::new("double").job(|cx| {
    ///     Ok(cx.bag().job_data::<i64>("Parse")?.map_or(0, |amount| amount * 2))
    /// }))?;
    ///
    /// let report = coordinator.run(&String::from("21"), &());
    /// assert_eq!(report.bag().job_data::<i64>("parse")?, Some(&21));
    /// assert_eq!(report.bag().job_data::<i64>("double")?, Some(&42));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn from_pipeline<I, C, L>(pipeline: Pipeline<I, Env, C, L>) -> Result<Self, Error>
    where
        I: Any,
        C: Chain<I, Env, L> + Send + Sync + 'static,
        L: Entries + AnyEntries + Send + Sync + 'static,
    {
        let mut names = StepNames::default();
        for name in pipeline.step_names() {
            names.push(Cow::Borrowed(name))?;
        }
        let typed_len = names.len();
        Ok(Coordinator {
            typed: Some(Box::new(pipeline)),
            typed_len,
            steps: Vec::new(),
            names: Arc::new(names),
            workers: default_workers(),
        })
    }

    /// Sets the number of worker threads for runs over many inputs, and returns the
    /// coordinator.
    ///
    /// A count of 0 becomes 1, as in the Go library, and a count above
    /// [`MAX_WORKERS`](Coordinator::MAX_WORKERS) becomes `MAX_WORKERS`. It is the default of
    /// [`concurrent`](Coordinator::concurrent) runs, which
    /// [`Concurrent::workers`](crate::Concurrent::workers) overrides. Runs over one input
    /// ([`run`](Coordinator::run)) use the calling thread whatever the count.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::Coordinator;
    ///
    /// assert_eq!(Coordinator::<()>::new().with_workers(10).workers(), 10);
    /// assert_eq!(Coordinator::<()>::new().with_workers(0).workers(), 1);
    /// assert_eq!(Coordinator::<()>::new().with_workers(1 << 20).workers(), 256);
    /// ```
    pub fn with_workers(mut self, count: usize) -> Self {
        self.workers = count.clamp(1, Self::MAX_WORKERS);
        self
    }

    /// Returns the number of worker threads for runs over many inputs: from 1 to
    /// [`MAX_WORKERS`](Coordinator::MAX_WORKERS).
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::Coordinator;
    ///
    /// assert_eq!(Coordinator::<()>::new().with_workers(3).workers(), 3);
    /// ```
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Adds a step after the existing ones.
    ///
    /// Step names are compared ignoring case, as [`DataBag`] describes. Blank names (empty
    /// or only white space) are allowed, also several times, and errors show them as
    /// `#<index>`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::DuplicateStep`], naming both steps and their positions, when an
    /// earlier step has the same name ignoring case. The coordinator stays as it was. The
    /// Go library accepts such a step, and its data overwrites the earlier step's.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Coordinator, DynStep, Error};
    ///
    /// let mut coordinator = Coordinator::<()>::new();
    /// coordinator.add_step(DynStep::new("load"))?;
    /// let error = coordinator.add_step(DynStep::new("LOAD")).unwrap_err();
    /// assert!(matches!(&error, Error::DuplicateStep { step, existing }
    ///     if step.index() == 1 && existing.index() == 0));
    /// assert_eq!(coordinator.len(), 1);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn add_step(&mut self, step: DynStep<Env>) -> Result<(), Error> {
        Arc::make_mut(&mut self.names).push(step.name)?;
        self.steps.push(DynSteps {
            pre_check: step.pre_check,
            job: step.job,
        });
        Ok(())
    }

    /// Returns the number of steps, those of a wrapped pipeline included.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Coordinator, DynStep};
    ///
    /// let mut coordinator = Coordinator::<()>::new();
    /// coordinator.add_step(DynStep::new("a"))?;
    /// assert_eq!(coordinator.len(), 1);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Returns whether the coordinator has no step.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::Coordinator;
    ///
    /// assert!(Coordinator::<()>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.names.len() == 0
    }

    /// Returns the names of the steps in the order they run; blank names included.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Coordinator, DynStep};
    ///
    /// let mut coordinator = Coordinator::<()>::new();
    /// coordinator.add_step(DynStep::new("a"))?;
    /// coordinator.add_step(DynStep::new(""))?;
    /// assert_eq!(coordinator.step_names().collect::<Vec<_>>(), ["a", ""]);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn step_names(&self) -> impl ExactSizeIterator<Item = &str> {
        self.names.iter()
    }

    /// Runs every step once for `input`, and returns the report: the data bag, the
    /// execution errors and the runtime error if the run stopped.
    ///
    /// `input` is a reference to a value of any `'static` type, or an [`Input`]. A run
    /// without a record takes `&()` or [`Input::none`].
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Coordinator, DynStep};
    ///
    /// let mut coordinator = Coordinator::new();
    /// coordinator.add_step(DynStep::new("double").job_with(|_, amount: &i64| Ok(amount * 2)))?;
    /// let report = coordinator.run(&21_i64, &());
    /// assert_eq!(report.bag().job_data::<i64>("double")?, Some(&42));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn run<'a>(&self, input: impl Into<Input<'a>>, env: &Env) -> DynReport {
        let signal = Signal::default();
        self.run_on::<Unguarded>(input.into(), env, &signal)
    }

    /// Runs every step once for `input`, stopping before the next step once `token` is
    /// canceled or its deadline has passed.
    ///
    /// A callback's [`Context::cancel`] cancels `token` itself, and with it every run that
    /// shares it.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{CancelToken, Coordinator, DynStep, Error};
    ///
    /// let mut coordinator = Coordinator::new();
    /// coordinator.add_step(DynStep::new("give up").job(|cx| {
    ///     cx.cancel();
    ///     Ok(())
    /// }))?;
    /// coordinator.add_step(DynStep::new("later"))?;
    ///
    /// let token = CancelToken::new();
    /// let report = coordinator.run_with(&(), &(), &token);
    /// assert!(matches!(report.error(), Some(Error::Canceled { step, .. }) if step.index() == 1));
    /// assert!(token.is_canceled());
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn run_with<'a>(
        &self,
        input: impl Into<Input<'a>>,
        env: &Env,
        token: &CancelToken,
    ) -> DynReport {
        self.run_on::<Unguarded>(input.into(), env, token.signal())
    }

    /// Runs every step once like [`run_with`](Coordinator::run_with), and turns a panic in a
    /// callback into [`Error::Panicked`] with the step's name and the panic message, instead
    /// of unwinding to the caller.
    ///
    /// The panic hook still runs, so the default hook prints the panic to stderr.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{CancelToken, Coordinator, DynStep, Error};
    ///
    /// let mut coordinator = Coordinator::<()>::new();
    /// coordinator.add_step(DynStep::new("divide").job_with(|_, divisor: &u32| Ok(100 / divisor)))?;
    ///
    /// let report = coordinator.run_catch_unwind(&0_u32, &(), &CancelToken::new());
    /// assert!(matches!(
    ///     report.error(),
    ///     Some(Error::Panicked { step, message, .. })
    ///         if step.name() == "divide" && message.contains("divide by zero")
    /// ));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn run_catch_unwind<'a>(
        &self,
        input: impl Into<Input<'a>>,
        env: &Env,
        token: &CancelToken,
    ) -> DynReport {
        self.run_on::<CatchPanics>(input.into(), env, token.signal())
    }

    /// Returns the report of a run that a panic outside every callback stopped: an empty
    /// bag and [`Error::RunPanicked`].
    pub(crate) fn run_panicked(&self, message: String) -> DynReport {
        let bag = DataBag::for_run(Arc::clone(&self.names), 0);
        DynReport::new(bag, Some(Error::RunPanicked { message }))
    }

    fn run_on<G: Mode>(&self, input: Input<'_>, env: &Env, signal: &Signal) -> DynReport {
        // Typed steps keep their outputs in the pipeline's own bag.
        let capacity = if self.steps.is_empty() { 0 } else { self.len() };
        let bag = DataBag::for_run(Arc::clone(&self.names), capacity);
        let mut report = DynReport::new(bag, None);
        if let Some(typed) = &self.typed {
            if let Err(error) = self.run_typed::<G>(typed.as_ref(), input, env, signal, &mut report)
            {
                report.stop(error);
                return report;
            }
        }
        for (offset, step) in self.steps.iter().enumerate() {
            let index = self.typed_len + offset;
            if let Err(error) = self.run_step::<G>(index, step, input, env, signal, &mut report) {
                report.stop(error);
                break;
            }
        }
        report
    }

    /// Runs the wrapped pipeline and attaches its final bag to the report.
    fn run_typed<G: Mode>(
        &self,
        typed: &dyn TypedSteps<Env>,
        input: Input<'_>,
        env: &Env,
        signal: &Signal,
        report: &mut DynReport,
    ) -> Result<(), Error> {
        if typed.len() == 0 {
            return Ok(());
        }
        if let Some(cause) = signal.poll() {
            let step = self.names.step_id(0);
            return Err(Error::Canceled { step, cause });
        }
        match typed.run(input, env, signal, G::CATCH_PANICS) {
            Ok((bag, error)) => {
                report.bag_mut().set_typed(bag);
                error.map_or(Ok(()), Err)
            }
            Err(expected) => Err(self.unassignable(0, Callback::PreCheck, expected, input)),
        }
    }

    /// Runs the dynamic step at `index`, storing its outputs and skip reason in `report`.
    #[inline]
    fn run_step<G: Mode>(
        &self,
        index: usize,
        step: &DynSteps<Env>,
        input: Input<'_>,
        env: &Env,
        signal: &Signal,
        report: &mut DynReport,
    ) -> Result<(), Error> {
        if let Some(cause) = signal.poll() {
            let step = self.names.step_id(index);
            return Err(Error::Canceled { step, cause });
        }

        let check = match &step.pre_check {
            None => Check::Pass(None),
            Some(pre_check) => {
                let cx = Context::new(&input, env, report.bag(), signal);
                match G::call(|| pre_check(cx)) {
                    Ok(Ok(check)) => check,
                    Ok(Err(expected)) => {
                        return Err(self.unassignable(index, Callback::PreCheck, expected, input));
                    }
                    Err(payload) => return Err(self.panicked(index, Callback::PreCheck, payload)),
                }
            }
        };
        let reason = match check {
            Check::Pass(output) => {
                report.bag_mut().store_at(index, Callback::PreCheck, output);
                None
            }
            Check::Skip(output, reason) => {
                report.bag_mut().store_at(index, Callback::PreCheck, output);
                Some(reason)
            }
            Check::Cancel(output, reason) => {
                report.bag_mut().store_at(index, Callback::PreCheck, output);
                let step = self.names.step_id(index);
                let source = crate::check::SkipReason::into_error(reason);
                return Err(Error::ExecutionCanceled { step, source });
            }
        };
        if let Some(reason) = reason {
            report.push_skip(index, reason);
            return Ok(());
        }

        let Some(job) = &step.job else {
            return Ok(());
        };
        let cx = Context::new(&input, env, report.bag(), signal);
        match G::call(|| job(cx)) {
            Ok(Ok(Ok(output))) => {
                report.bag_mut().store_at(index, Callback::Job, output);
                Ok(())
            }
            Ok(Ok(Err(source))) => Err(Error::JobFailed {
                step: self.names.step_id(index),
                source,
            }),
            Ok(Err(expected)) => Err(self.unassignable(index, Callback::Job, expected, input)),
            Err(payload) => Err(self.panicked(index, Callback::Job, payload)),
        }
    }

    #[cold]
    fn unassignable(
        &self,
        index: usize,
        callback: Callback,
        expected: &'static str,
        input: Input<'_>,
    ) -> Error {
        Error::UnassignableInput {
            step: self.names.step_id(index),
            callback,
            expected,
            actual: Cow::Borrowed(input.type_name()),
        }
    }

    #[cold]
    fn panicked(&self, index: usize, callback: Callback, payload: Box<dyn Any + Send>) -> Error {
        Error::Panicked {
            step: self.names.step_id(index),
            callback,
            message: panic_message(payload.as_ref()),
        }
    }
}

impl<Env: ?Sized + 'static> Default for Coordinator<Env> {
    fn default() -> Self {
        Coordinator::new()
    }
}

impl<Env: ?Sized + 'static> Execute<Env> for Coordinator<Env> {
    fn run(&self, input: Input<'_>, env: &Env) -> DynReport {
        Coordinator::run(self, input, env)
    }

    fn run_with(&self, input: Input<'_>, env: &Env, token: &CancelToken) -> DynReport {
        Coordinator::run_with(self, input, env, token)
    }
}

impl<Env: ?Sized> fmt::Debug for Coordinator<Env> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Coordinator")
            .field("steps", &self.names.iter().collect::<Vec<_>>())
            .field("typed_steps", &self.typed_len)
            .field("workers", &self.workers)
            .finish()
    }
}

/// The panic handling of a run: callbacks called directly or with panics caught, for the
/// dynamic steps and the wrapped pipeline alike.
trait Mode: Guard {
    const CATCH_PANICS: bool;
}

impl Mode for Unguarded {
    const CATCH_PANICS: bool = false;
}

impl Mode for CatchPanics {
    const CATCH_PANICS: bool = true;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markers;

    markers! {
        /// Panics.
        Explode = "explode";
    }

    #[test]
    fn run_catch_unwind_reports_panicked_job() {
        let mut coordinator = Coordinator::<()>::new();
        coordinator
            .add_step(DynStep::new("load").job(|_| Ok(1_u8)))
            .unwrap();
        coordinator
            .add_step(DynStep::new("explode").job(|_| -> Result<(), _> { panic!("boom") }))
            .unwrap();
        coordinator.add_step(DynStep::new("never")).unwrap();

        let report = coordinator.run_catch_unwind(Input::none(), &(), &CancelToken::new());

        match report.error() {
            Some(Error::Panicked {
                step,
                callback,
                message,
            }) => {
                assert_eq!(step.index(), 1);
                assert_eq!(*callback, Callback::Job);
                assert_eq!(message, "boom");
            }
            other => panic!("expected a panic, got {other:?}"),
        }
        assert_eq!(report.bag().job_data::<u8>("load").unwrap(), Some(&1));
        assert_eq!(report.execution_errors().count(), 0);
    }

    #[test]
    fn run_catch_unwind_reports_panicked_pre_check() {
        let mut coordinator = Coordinator::<()>::new();
        coordinator
            .add_step(
                DynStep::new("explode").pre_check(|_| -> Check<()> { panic!("{} went wrong", 2) }),
            )
            .unwrap();

        let report = coordinator.run_catch_unwind(Input::none(), &(), &CancelToken::new());

        assert!(matches!(
            report.error(),
            Some(Error::Panicked { callback: Callback::PreCheck, message, .. })
                if message == "2 went wrong"
        ));
    }

    #[test]
    fn run_catch_unwind_reports_panic_in_wrapped_pipeline() {
        let pipeline = Pipeline::<u8>::new().job(Explode, |_| -> Result<(), _> { panic!("typed") });
        let coordinator = Coordinator::from_pipeline(pipeline).unwrap();

        let report = coordinator.run_catch_unwind(Input::new(&1_u8), &(), &CancelToken::new());

        assert!(matches!(
            report.error(),
            Some(Error::Panicked { step, message, .. }) if step.index() == 0 && message == "typed"
        ));
    }

    #[test]
    fn run_without_steps_is_ok() {
        let coordinator = Coordinator::<()>::new();
        let token = CancelToken::new();
        token.cancel();

        let report = coordinator.run_with(&(), &(), &token);

        assert!(report.is_ok());
        assert_eq!(report.bag().step_names().len(), 0);
    }
}
