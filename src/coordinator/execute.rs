//! The trait for "something that runs these steps", so callers can mock the coordinator.

use std::sync::Arc;

use crate::cancel::CancelToken;
use crate::coordinator::input::Input;
use crate::coordinator::report::DynReport;

/// Something that runs a sequence of steps over one input: the counterpart of the Go
/// library's `ProcessExecutioner`.
///
/// [`Coordinator`](crate::Coordinator) implements it. Code that takes `&impl Execute<Env>`
/// or `&dyn Execute<Env>` instead of a coordinator can be tested with a mock that returns
/// prepared [`DynReport`]s. Adding steps is not part of the trait: the code that assembles
/// the steps owns the coordinator.
///
/// # Examples
///
/// ```
/// use choreograph::{
///     CancelToken, Coordinator, DataBag, DynReport, DynStep, Execute, Input,
/// };
///
/// /// Imports a line and returns the id of its statement.
/// fn import(runner: &dyn Execute, line: &String) -> Option<String> {
///     let report = runner.run(Input::new(line), &());
///     report.bag().job_data::<String>("create statement").ok()?.cloned()
/// }
///
/// struct AlwaysCreates;
///
/// impl Execute for AlwaysCreates {
///     fn run_with(&self, _: Input<'_>, _: &(), _: &CancelToken) -> DynReport {
///         let mut bag = DataBag::with_step_names(["create statement"]).expect("one name");
///         bag.set_job_data("create statement", String::from("mocked"));
///         DynReport::new(bag, None)
///     }
/// }
///
/// assert_eq!(import(&AlwaysCreates, &"a".to_string()).as_deref(), Some("mocked"));
///
/// let mut coordinator = Coordinator::new();
/// coordinator.add_step(
///     DynStep::new("create statement").job_with(|_, line: &String| Ok(format!("id-{line}"))),
/// )?;
/// assert_eq!(import(&coordinator, &"a".to_string()).as_deref(), Some("id-a"));
/// # Ok::<(), choreograph::Error>(())
/// ```
pub trait Execute<Env: ?Sized = ()> {
    /// Runs every step once for `input`, and returns the report.
    ///
    /// The provided method calls [`run_with`](Execute::run_with) with a new
    /// [`CancelToken`].
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Coordinator, DynStep, Execute, Input};
    ///
    /// let mut coordinator = Coordinator::new();
    /// coordinator.add_step(DynStep::new("one").job(|_| Ok(1_u8)))?;
    /// let runner: &dyn Execute = &coordinator;
    /// assert!(runner.run(Input::none(), &()).is_ok());
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    fn run(&self, input: Input<'_>, env: &Env) -> DynReport {
        self.run_with(input, env, &CancelToken::new())
    }

    /// Runs every step once for `input`, stopping before the next step once `token` is
    /// canceled or its deadline has passed.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{CancelToken, Coordinator, DynStep, Error, Execute, Input};
    ///
    /// let mut coordinator = Coordinator::new();
    /// coordinator.add_step(DynStep::new("one").job(|_| Ok(1_u8)))?;
    /// let token = CancelToken::new();
    /// token.cancel();
    /// let report = Execute::run_with(&coordinator, Input::none(), &(), &token);
    /// assert!(matches!(report.error(), Some(Error::Canceled { .. })));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    fn run_with(&self, input: Input<'_>, env: &Env, token: &CancelToken) -> DynReport;
}

impl<Env: ?Sized, E: Execute<Env> + ?Sized> Execute<Env> for &E {
    fn run(&self, input: Input<'_>, env: &Env) -> DynReport {
        (**self).run(input, env)
    }

    fn run_with(&self, input: Input<'_>, env: &Env, token: &CancelToken) -> DynReport {
        (**self).run_with(input, env, token)
    }
}

impl<Env: ?Sized, E: Execute<Env> + ?Sized> Execute<Env> for Box<E> {
    fn run(&self, input: Input<'_>, env: &Env) -> DynReport {
        (**self).run(input, env)
    }

    fn run_with(&self, input: Input<'_>, env: &Env, token: &CancelToken) -> DynReport {
        (**self).run_with(input, env, token)
    }
}

impl<Env: ?Sized, E: Execute<Env> + ?Sized> Execute<Env> for Arc<E> {
    fn run(&self, input: Input<'_>, env: &Env) -> DynReport {
        (**self).run(input, env)
    }

    fn run_with(&self, input: Input<'_>, env: &Env, token: &CancelToken) -> DynReport {
        (**self).run_with(input, env, token)
    }
}
