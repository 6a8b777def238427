//! The step trait, the context its callbacks receive, and the steps built from closures.

use std::marker::PhantomData;

use crate::bag::EarlierBag;
use crate::cancel::Signal;
use crate::chain::private::Callbacks;
use crate::check::{Check, Reason, SkipReason};
use crate::error::{BoxError, JobError};
use crate::marker::Marker;

/// The view a step's callbacks get: the input record, the environment, the outcomes of
/// the earlier steps and the run's cancellation.
///
/// `L` is the list of slots of the earlier steps; [`bag`](Context::bag) reads it with typed
/// accessors.
///
/// # Examples
///
/// ```
/// use choreograph::{Outcome, Pipeline, markers};
///
/// struct Rates {
///     euro_per_dollar: f64,
/// }
///
/// markers! {
///     /// Converts the amount.
///     pub Convert = "convert";
///     /// Rounds the converted amount.
///     pub Round = "round";
/// }
///
/// let pipeline = Pipeline::<f64, Rates>::new()
///     .job(Convert, |cx| Ok(cx.input() * cx.env().euro_per_dollar))
///     .job(Round, |cx| match cx.bag().get(Convert) {
///         Outcome::Ran { output, .. } => Ok(output.round() as i64),
///         Outcome::Skipped { .. } => Ok(0),
///     });
/// let report = pipeline.run(&10.0, &Rates { euro_per_dollar: 0.94 });
/// assert_eq!(report.bag().get(Round).output(), Some(&9));
/// ```
pub struct Context<'a, I: ?Sized, Env: ?Sized, L> {
    input: &'a I,
    env: &'a Env,
    slots: &'a L,
    signal: &'a Signal,
}

impl<'a, I: ?Sized, Env: ?Sized, L> Context<'a, I, Env, L> {
    pub(crate) fn new(input: &'a I, env: &'a Env, slots: &'a L, signal: &'a Signal) -> Self {
        Context {
            input,
            env,
            slots,
            signal,
        }
    }

    /// Returns the record this run processes.
    pub fn input(&self) -> &'a I {
        self.input
    }

    /// Returns the shared resources the caller handed to the run.
    pub fn env(&self) -> &'a Env {
        self.env
    }

    /// Returns the outcomes of the earlier steps of this run.
    pub fn bag(&self) -> EarlierBag<'a, L> {
        EarlierBag::new(self.slots)
    }

    /// Cancels the run: the current step finishes, and the run stops before the next one
    /// with [`Error::Canceled`](crate::Error::Canceled).
    ///
    /// When the run was given a [`CancelToken`](crate::CancelToken), the token is canceled,
    /// so every other run that shares it stops too.
    pub fn cancel(&self) {
        self.signal.cancel();
    }

    /// Returns whether the run was canceled or its deadline has passed.
    pub fn is_canceled(&self) -> bool {
        self.signal.poll().is_some()
    }
}

impl<I: ?Sized, Env: ?Sized, L> Clone for Context<'_, I, Env, L> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: ?Sized, Env: ?Sized, L> Copy for Context<'_, I, Env, L> {}

/// A step written as a type: a marker, a pre-check and a job.
///
/// `I` is the input type, `Env` the environment type and `L` the list of slots of the
/// earlier steps. A step that reads no earlier step implements the trait for every `L`. A
/// step that reads an earlier step bounds `L` by [`Lookup<M, Index>`](crate::Lookup) and
/// takes `Index` as the trait's last parameter, which the compiler infers. A step that
/// reads two takes a pair: `impl<L, A, B> Step<I, Env, L, (A, B)> for Total where
/// L: Lookup<Parse, A> + Lookup<Validate, B>`.
///
/// # Examples
///
/// ```
/// use choreograph::{Check, Context, Lookup, Pipeline, Reason, Step, markers};
///
/// markers! {
///     /// Rejects negative amounts.
///     pub Validate = "validate";
///     /// Books the amount.
///     pub Book = "book";
/// }
///
/// struct ValidateStep;
///
/// impl<L> Step<i64, (), L> for ValidateStep {
///     type Marker = Validate;
///     type Check = ();
///     type Reason = Reason;
///     type Output = i64;
///     type Error = std::convert::Infallible;
///
///     fn pre_check(&self, cx: Context<'_, i64, (), L>) -> Check<(), Reason> {
///         if *cx.input() < 0 {
///             Check::Cancel((), Reason::new("negative amount"))
///         } else {
///             Check::Pass(())
///         }
///     }
///
///     fn job(&self, cx: Context<'_, i64, (), L>) -> Result<i64, Self::Error> {
///         Ok(*cx.input())
///     }
/// }
///
/// struct BookStep;
///
/// impl<L, Index> Step<i64, (), L, Index> for BookStep
/// where
///     L: Lookup<Validate, Index, Output = i64>,
/// {
///     type Marker = Book;
///     type Check = ();
///     type Reason = Reason;
///     type Output = String;
///     type Error = std::convert::Infallible;
///
///     fn pre_check(&self, _: Context<'_, i64, (), L>) -> Check<(), Reason> {
///         Check::Pass(())
///     }
///
///     fn job(&self, cx: Context<'_, i64, (), L>) -> Result<String, Self::Error> {
///         let amount = cx.bag().get(Validate).output().copied().unwrap_or(0);
///         Ok(format!("booked {amount}"))
///     }
/// }
///
/// let pipeline = Pipeline::<i64>::new().add_step(ValidateStep).add_step(BookStep);
/// let report = pipeline.run(&5, &());
/// assert_eq!(report.bag().get(Book).output().map(String::as_str), Some("booked 5"));
/// assert!(pipeline.run(&-5, &()).error().is_some());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a step for input `{I}` and environment `{Env}`",
    label = "not a step of this pipeline",
    note = "implement `choreograph::Step<{I}, {Env}, L>` for `{Self}`, or pass closures to \
            `Pipeline::step`"
)]
pub trait Step<I: ?Sized, Env: ?Sized, L, Index = ()> {
    /// The marker that names the step and addresses its outcome.
    type Marker: Marker;
    /// The pre-check's output, stored in every case.
    type Check;
    /// The reason the pre-check gives for skipping or canceling.
    type Reason: SkipReason;
    /// The job's output.
    type Output;
    /// The job's error, kept as the source of [`Error::JobFailed`](crate::Error::JobFailed).
    type Error: Into<JobError>;

    /// Decides whether the job runs: pass, skip or cancel the whole run.
    fn pre_check(&self, cx: Context<'_, I, Env, L>) -> Check<Self::Check, Self::Reason>;

    /// Does the work of the step.
    ///
    /// # Errors
    ///
    /// An error stops the run with [`Error::JobFailed`](crate::Error::JobFailed).
    fn job(&self, cx: Context<'_, I, Env, L>) -> Result<Self::Output, Self::Error>;
}

/// A step made of a marker and two closures, built by
/// [`Pipeline::step`](crate::Pipeline::step).
#[derive(Clone, Copy)]
pub struct FnStep<M, C, J> {
    pre_check: C,
    job: J,
    marker: PhantomData<fn() -> M>,
}

impl<M, C, J> FnStep<M, C, J> {
    pub(crate) fn new(pre_check: C, job: J) -> Self {
        FnStep {
            pre_check,
            job,
            marker: PhantomData,
        }
    }
}

impl<I, Env, L, M, C, J, P, O> Callbacks<I, Env, L, M, P, O, Reason> for FnStep<M, C, J>
where
    I: ?Sized,
    Env: ?Sized,
    C: Fn(Context<'_, I, Env, L>) -> Check<P>,
    J: Fn(Context<'_, I, Env, L>) -> Result<O, JobError>,
{
    #[inline(always)]
    fn pre_check(&self, cx: Context<'_, I, Env, L>) -> Check<P> {
        (self.pre_check)(cx)
    }

    #[inline(always)]
    fn job(&self, cx: Context<'_, I, Env, L>) -> Result<O, BoxError> {
        (self.job)(cx).map_err(JobError::into_inner)
    }
}

/// A step whose pre-check always passes with output `()`, built by
/// [`Pipeline::job`](crate::Pipeline::job).
#[derive(Clone, Copy)]
pub struct JobStep<M, J> {
    job: J,
    marker: PhantomData<fn() -> M>,
}

impl<M, J> JobStep<M, J> {
    pub(crate) fn new(job: J) -> Self {
        JobStep {
            job,
            marker: PhantomData,
        }
    }
}

impl<I, Env, L, M, J, O> Callbacks<I, Env, L, M, (), O, Reason> for JobStep<M, J>
where
    I: ?Sized,
    Env: ?Sized,
    J: Fn(Context<'_, I, Env, L>) -> Result<O, JobError>,
{
    #[inline(always)]
    fn pre_check(&self, _: Context<'_, I, Env, L>) -> Check<()> {
        Check::Pass(())
    }

    #[inline(always)]
    fn job(&self, cx: Context<'_, I, Env, L>) -> Result<O, BoxError> {
        (self.job)(cx).map_err(JobError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Entry, Error, Pipeline, markers};

    markers! {
        /// Divides 100 by the input.
        Divide = "divide";
    }

    /// A step written as a type whose job fails with a `JobError` on zero.
    struct DivideStep;

    impl<L> Step<u32, (), L> for DivideStep {
        type Marker = Divide;
        type Check = ();
        type Reason = Reason;
        type Output = u32;
        type Error = JobError;

        fn pre_check(&self, _: Context<'_, u32, (), L>) -> Check<()> {
            Check::Pass(())
        }

        fn job(&self, cx: Context<'_, u32, (), L>) -> Result<u32, JobError> {
            100_u32
                .checked_div(*cx.input())
                .ok_or_else(|| "cannot divide by zero".into())
        }
    }

    #[test]
    fn step_type_job_error_fails_run() {
        let pipeline = Pipeline::<u32>::new().add_step(DivideStep);

        let report = pipeline.run(&4, &());
        assert!(matches!(
            report.bag().get(Divide),
            Entry::Ran { output: 25, .. }
        ));

        let report = pipeline.run(&0, &());
        assert!(matches!(report.bag().get(Divide), Entry::Failed { .. }));
        let Some(Error::JobFailed { step, source }) = report.error() else {
            panic!("expected a failed job, got {:?}", report.error());
        };
        assert_eq!(step.name(), "divide");
        assert_eq!(source.to_string(), "cannot divide by zero");
    }
}
