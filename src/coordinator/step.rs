//! Steps assembled at run time: a name and two callbacks, each in one of two forms.

use std::any::{Any, type_name};
use std::borrow::Cow;
use std::fmt;

use crate::check::Check;
use crate::coordinator::bag::{DataBag, Stored, store};
use crate::coordinator::input::Input;
use crate::error::{BoxError, JobError};
use crate::step::Context;

/// The context that the callbacks of a [`DynStep`] receive: the run's [`Input`], the environment, the
/// [`DataBag`] of the run so far and the run's cancellation.
///
/// It is the typed core's [`Context`] with a dynamic input and a name-keyed bag, so
/// [`input`](Context::input), [`env`](Context::env), [`bag`](Context::bag),
/// [`cancel`](Context::cancel) and [`is_canceled`](Context::is_canceled) work as there.
///
/// # Examples
///
/// ```
/// use choreograph::{Coordinator, DynContext, DynStep};
///
/// fn double(cx: DynContext<'_>) -> Result<i64, choreograph::JobError> {
///     let amount = cx.input().downcast_ref::<i64>().ok_or("expected an `i64` input")?;
///     Ok(amount * 2)
/// }
///
/// let mut coordinator = Coordinator::new();
/// coordinator.add_step(DynStep::new("double").job(double))?;
/// let report = coordinator.run(&21_i64, &());
/// assert_eq!(report.bag().job_data::<i64>("double")?, Some(&42));
/// # Ok::<(), choreograph::Error>(())
/// ```
pub type DynContext<'a, Env = ()> = Context<'a, Input<'a>, Env, DataBag>;

/// The outcome of a callback that was called, or the name of the input type it expects
/// when the run's input has another type.
pub(crate) type Called<T> = Result<T, &'static str>;

/// A pre-check with its input form and output type erased.
pub(crate) type PreCheckFn<Env> =
    Box<dyn for<'a> Fn(DynContext<'a, Env>) -> Called<Check<Stored>> + Send + Sync>;

/// A job with its input form and output type erased.
pub(crate) type JobFn<Env> =
    Box<dyn for<'a> Fn(DynContext<'a, Env>) -> Called<Result<Stored, BoxError>> + Send + Sync>;

/// A step assembled at run time: a name, a pre-check and a job, for a
/// [`Coordinator`](crate::Coordinator) whose environment has type `Env`.
///
/// Each callback comes in one of two forms, which replace the Go library's
/// signatures checked by reflection:
///
/// - [`pre_check`](DynStep::pre_check) and [`job`](DynStep::job) take only the
///   [`DynContext`]. They run for any input, and read it, if at all, through
///   `cx.input()` as a dynamic [`Input`].
/// - [`pre_check_with`](DynStep::pre_check_with) and [`job_with`](DynStep::job_with) also
///   take `&T` for one input type `T`. The coordinator downcasts the input; when it has
///   another type, the callback is not called and the run stops with
///   [`Error::UnassignableInput`](crate::Error::UnassignableInput). A run without a record
///   has the input `()`, which only a callback for `T = ()` accepts: no callback receives
///   a made-up value (Go passes the zero value of the expected type instead).
///
/// A pre-check returns a [`Check`] and a job a `Result`, with an output of any
/// `'static + Send + Sync` type, which the run stores in the [`DataBag`] under the step's
/// name. An output of type `()` stores nothing, as a Go callback that returns only an error.
/// A step without a pre-check passes; a step without a job does nothing when it passes.
///
/// # Type inference
///
/// The environment type is a parameter of the step. Closures that call methods on
/// `cx.env()` need it before the step reaches
/// [`Coordinator::add_step`](crate::Coordinator::add_step), so name it once, with
/// `DynStep::<Db>::new` or a type alias, and the closures need no annotations.
///
/// # Examples
///
/// ```
/// use std::collections::HashMap;
/// use choreograph::{Check, Coordinator, DynStep, Reason};
///
/// struct Db {
///     statements: HashMap<String, String>,
/// }
///
/// type Step = DynStep<Db>;
///
/// let mut coordinator = Coordinator::<Db>::new();
/// coordinator.add_step(
///     Step::new("create statement")
///         .pre_check_with(|cx, statement: &String| match cx.env().statements.get(statement) {
///             Some(id) => Check::Skip(id.clone(), Reason::new("statement exists")),
///             None => Check::Pass(String::new()),
///         })
///         .job_with(|_, statement: &String| Ok(format!("id of {statement}"))),
/// )?;
///
/// let db = Db { statements: HashMap::from([("a".into(), "7".into())]) };
/// let report = coordinator.run(&String::from("a"), &db);
/// assert!(report.is_ok());
/// assert_eq!(report.bag().pre_check_data::<String>("create statement")?.unwrap(), "7");
/// assert_eq!(report.bag().job_data::<String>("create statement")?, None);
/// # Ok::<(), choreograph::Error>(())
/// ```
pub struct DynStep<Env: ?Sized = ()> {
    pub(crate) name: Cow<'static, str>,
    pub(crate) pre_check: Option<PreCheckFn<Env>>,
    pub(crate) job: Option<JobFn<Env>>,
}

impl<Env: ?Sized + 'static> DynStep<Env> {
    /// Creates a step named `name` whose pre-check passes and whose job does nothing.
    ///
    /// A blank name is allowed; errors show it as `#<index>`, and no name lookup reaches the
    /// step's data.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::DynStep;
    ///
    /// let step = DynStep::<()>::new("load");
    /// assert_eq!(step.name(), "load");
    /// ```
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        DynStep {
            name: name.into(),
            pre_check: None,
            job: None,
        }
    }

    /// Sets the pre-check to a callback that takes no input of its own.
    ///
    /// Its output is stored whatever it decides, also when it skips or cancels.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Check, Coordinator, DynStep, Reason};
    ///
    /// let mut coordinator = Coordinator::new();
    /// coordinator.add_step(
    ///     DynStep::new("dedup").pre_check(|_| Check::Skip(9_u64, Reason::new("seen before"))),
    /// )?;
    /// let report = coordinator.run(&(), &());
    /// assert_eq!(report.execution_errors().count(), 1);
    /// assert_eq!(report.bag().pre_check_data::<u64>("dedup")?, Some(&9));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn pre_check<P, F>(mut self, pre_check: F) -> Self
    where
        P: Any + Send + Sync,
        F: Fn(DynContext<'_, Env>) -> Check<P> + Send + Sync + 'static,
    {
        self.pre_check = Some(Box::new(move |cx| Ok(store_check(pre_check(cx)))));
        self
    }

    /// Sets the pre-check to a callback that takes the input as `&T`.
    ///
    /// When the run's input is not a `T`, the pre-check is not called and the run stops with
    /// [`Error::UnassignableInput`](crate::Error::UnassignableInput).
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Callback, Check, Coordinator, DynStep, Error, Reason};
    ///
    /// let mut coordinator = Coordinator::new();
    /// coordinator.add_step(DynStep::new("charge").pre_check_with(|_, amount: &u64| {
    ///     if *amount == 0 { Check::Skip((), Reason::new("nothing to charge")) } else { Check::Pass(()) }
    /// }))?;
    /// assert!(coordinator.run(&5_u64, &()).is_ok());
    /// let report = coordinator.run(&"5", &());
    /// assert!(matches!(
    ///     report.error(),
    ///     Some(Error::UnassignableInput { callback: Callback::PreCheck, expected: "u64", .. })
    /// ));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn pre_check_with<T, P, F>(mut self, pre_check: F) -> Self
    where
        T: Any,
        P: Any + Send + Sync,
        F: Fn(DynContext<'_, Env>, &T) -> Check<P> + Send + Sync + 'static,
    {
        self.pre_check = Some(Box::new(move |cx| {
            let input = cx.input().downcast_ref::<T>().ok_or(type_name::<T>())?;
            Ok(store_check(pre_check(cx, input)))
        }));
        self
    }

    /// Sets the job to a callback that takes no input of its own.
    ///
    /// An error, a [`JobError`] as in a typed pipeline, stops the run with
    /// [`Error::JobFailed`](crate::Error::JobFailed), and nothing is stored for the job.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Coordinator, DynStep};
    ///
    /// let mut coordinator = Coordinator::new();
    /// coordinator.add_step(DynStep::new("answer").job(|_| Ok(42_u8)))?;
    /// let report = coordinator.run(&(), &());
    /// assert_eq!(report.bag().job_data::<u8>("ANSWER")?, Some(&42));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn job<O, F>(mut self, job: F) -> Self
    where
        O: Any + Send + Sync,
        F: Fn(DynContext<'_, Env>) -> Result<O, JobError> + Send + Sync + 'static,
    {
        self.job = Some(Box::new(move |cx| {
            Ok(job(cx).map(store).map_err(JobError::into_inner))
        }));
        self
    }

    /// Sets the job to a callback that takes the input as `&T`.
    ///
    /// When the run's input is not a `T`, the job is not called and the run stops with
    /// [`Error::UnassignableInput`](crate::Error::UnassignableInput).
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Coordinator, DynStep};
    ///
    /// let mut coordinator = Coordinator::new();
    /// coordinator.add_step(DynStep::new("length").job_with(|_, text: &String| Ok(text.len())))?;
    /// let report = coordinator.run(&String::from("four"), &());
    /// assert_eq!(report.bag().job_data::<usize>("length")?, Some(&4));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn job_with<T, O, F>(mut self, job: F) -> Self
    where
        T: Any,
        O: Any + Send + Sync,
        F: Fn(DynContext<'_, Env>, &T) -> Result<O, JobError> + Send + Sync + 'static,
    {
        self.job = Some(Box::new(move |cx| {
            let input = cx.input().downcast_ref::<T>().ok_or(type_name::<T>())?;
            Ok(job(cx, input).map(store).map_err(JobError::into_inner))
        }));
        self
    }
}

impl<Env: ?Sized> DynStep<Env> {
    /// Returns the name the step was given, which may be blank.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::DynStep;
    ///
    /// assert_eq!(DynStep::<()>::new("").name(), "");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl<Env: ?Sized> fmt::Debug for DynStep<Env> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynStep")
            .field("name", &self.name)
            .field("pre_check", &self.pre_check.is_some())
            .field("job", &self.job.is_some())
            .finish()
    }
}

/// Erases the output type of a pre-check's decision.
fn store_check<P: Any + Send + Sync>(check: Check<P>) -> Check<Stored> {
    match check {
        Check::Pass(output) => Check::Pass(store(output)),
        Check::Skip(output, reason) => Check::Skip(store(output), reason),
        Check::Cancel(output, reason) => Check::Cancel(store(output), reason),
    }
}
