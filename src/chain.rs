//! The chain of steps inside a [`Pipeline`](crate::Pipeline) and the recursion that runs it.
//!
//! A chain is a frunk HList of steps, newest first: [`FnStep`](crate::FnStep) and
//! [`JobStep`](crate::JobStep) for closures, [`Link`] for a type that implements [`Step`].
//! Its bag is an HList of [`Slot`]s in the same order, created with every entry
//! [`Entry::NotReached`]. Running
//! `HCons<step, earlier>` first runs `earlier`, which fills the tail of the bag, then checks
//! for cancellation, runs `step` with a shared borrow of the tail, and writes the head. Each
//! level of the recursion holds only its own step's values, and a finished run has one bag
//! type whatever step it stopped at.

use std::any::Any;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};

use frunk::{HCons, HNil};

use crate::bag::Slot;
use crate::cancel::Signal;
use crate::check::{Check, SkipReason};
use crate::error::{BoxError, Callback, Error, StepId};
use crate::marker::Marker;
use crate::outcome::Entry;
use crate::sealed::Sealed;
use crate::step::{Context, Step};

/// A step written as a type, in a chain, with the phantom index its bag lookups resolved
/// to.
///
/// The index is inferred when the step is added and kept in the type, so the impl that
/// runs the step can name it.
pub struct Link<S, Index> {
    step: S,
    index: PhantomData<fn() -> Index>,
}

impl<S, Index> Link<S, Index> {
    pub(crate) fn new(step: S) -> Self {
        Link {
            step,
            index: PhantomData,
        }
    }

    /// Returns the step itself.
    pub fn step(&self) -> &S {
        &self.step
    }
}

impl<S: Clone, Index> Clone for Link<S, Index> {
    fn clone(&self) -> Self {
        Link::new(self.step.clone())
    }
}

impl<S, Index> Sealed for Link<S, Index> {}

impl<I, Env, L, S, Index> private::Callbacks<I, Env, L, S::Marker, S::Check, S::Output, S::Reason>
    for Link<S, Index>
where
    I: ?Sized,
    Env: ?Sized,
    S: Step<I, Env, L, Index>,
{
    #[inline(always)]
    fn pre_check(&self, cx: Context<'_, I, Env, L>) -> Check<S::Check, S::Reason> {
        self.step.pre_check(cx)
    }

    #[inline(always)]
    fn job(&self, cx: Context<'_, I, Env, L>) -> Result<S::Output, BoxError> {
        self.step.job(cx).map_err(|error| error.into().into_inner())
    }
}

/// A list of steps that a [`Pipeline`](crate::Pipeline) can run for input `I` and
/// environment `Env`, filling the data bag's list of slots `L`: one [`Slot`] per step, newest
/// first.
///
/// The slots are a parameter rather than an associated type, so that proving a chain of `n`
/// steps takes `n` trait selections instead of normalizing the bag type again at every step.
///
/// Sealed: the pipeline builder assembles chains; users only name the trait in bounds.
pub trait Chain<I: ?Sized, Env: ?Sized, L>: Sealed {
    /// The number of steps.
    const LEN: usize;

    /// The slots of a run that has not started: every entry is [`Entry::NotReached`].
    const NOT_REACHED: L;

    #[doc(hidden)]
    fn run<G: private::Guard>(
        &self,
        slots: &mut L,
        state: &private::RunState<'_, I, Env>,
    ) -> Result<(), Error>;
}

impl<I: ?Sized, Env: ?Sized> Chain<I, Env, HNil> for HNil {
    const LEN: usize = 0;
    const NOT_REACHED: HNil = HNil;

    #[inline(always)]
    fn run<G: private::Guard>(
        &self,
        _: &mut HNil,
        _: &private::RunState<'_, I, Env>,
    ) -> Result<(), Error> {
        Ok(())
    }
}

impl<I, Env, H, Tail, M, P, O, R, LT> Chain<I, Env, HCons<Slot<M, P, O, R>, LT>> for HCons<H, Tail>
where
    I: ?Sized,
    Env: ?Sized,
    M: Marker,
    R: SkipReason,
    Tail: Chain<I, Env, LT>,
    H: private::Callbacks<I, Env, LT, M, P, O, R>,
{
    const LEN: usize = Tail::LEN + 1;
    const NOT_REACHED: HCons<Slot<M, P, O, R>, LT> = HCons {
        head: Slot::NOT_REACHED,
        tail: Tail::NOT_REACHED,
    };

    #[inline(always)]
    fn run<G: private::Guard>(
        &self,
        slots: &mut HCons<Slot<M, P, O, R>, LT>,
        state: &private::RunState<'_, I, Env>,
    ) -> Result<(), Error> {
        self.tail.run::<G>(&mut slots.tail, state)?;
        let name = M::NAME;
        let index = Tail::LEN;
        if let Some(cause) = state.signal.poll() {
            return Err(canceled(index, name, cause));
        }

        let step = &self.head;
        let cx = Context::new(state.input, state.env, &slots.tail, state.signal);
        let check = G::call(|| step.pre_check(cx))
            .map_err(|payload| panicked(index, name, Callback::PreCheck, payload))?;
        match check {
            Check::Pass(check) => match G::call(|| step.job(cx)) {
                Ok(Ok(output)) => {
                    slots.head.set(Entry::Ran { check, output });
                    Ok(())
                }
                Ok(Err(error)) => {
                    slots.head.set(Entry::Failed { check });
                    Err(job_failed(index, name, error))
                }
                Err(payload) => {
                    slots.head.set(Entry::Failed { check });
                    Err(panicked(index, name, Callback::Job, payload))
                }
            },
            Check::Skip(check, reason) => {
                slots.head.set(Entry::Skipped { check, reason });
                Ok(())
            }
            Check::Cancel(check, reason) => {
                slots.head.set(Entry::Canceled { check });
                Err(execution_canceled(index, name, reason.into_error()))
            }
        }
    }
}

#[cold]
fn canceled(index: usize, name: &'static str, cause: crate::CancelCause) -> Error {
    Error::Canceled {
        step: StepId::new(index, name),
        cause,
    }
}

#[cold]
fn job_failed(index: usize, name: &'static str, source: BoxError) -> Error {
    Error::JobFailed {
        step: StepId::new(index, name),
        source,
    }
}

#[cold]
fn execution_canceled(index: usize, name: &'static str, source: BoxError) -> Error {
    Error::ExecutionCanceled {
        step: StepId::new(index, name),
        source,
    }
}

#[cold]
fn panicked(
    index: usize,
    name: &'static str,
    callback: Callback,
    payload: Box<dyn Any + Send>,
) -> Error {
    Error::Panicked {
        step: StepId::new(index, name),
        callback,
        message: panic_message(payload.as_ref()),
    }
}

/// Returns the message of a panic payload: the `&str` or `String` that `panic!` formats.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        String::from("panic payload is not a string")
    }
}

/// Types that appear in [`Chain`]'s hidden methods: public so the trait can name them, but
/// out of reach of other crates.
pub(crate) mod private {
    use super::*;

    /// The state every step of one run shares.
    pub struct RunState<'a, I: ?Sized, Env: ?Sized> {
        pub(crate) input: &'a I,
        pub(crate) env: &'a Env,
        pub(crate) signal: &'a Signal,
    }

    /// The callbacks of one step of a chain, with the step's marker `M` and the types of its
    /// entry as parameters: steps built from closures implement it directly, and a
    /// [`Link`] through its [`Step`]. Proving a chain then needs no associated types, which
    /// keeps the compile time of long pipelines low.
    pub trait Callbacks<I: ?Sized, Env: ?Sized, L, M, P, O, R> {
        /// Calls the pre-check.
        fn pre_check(&self, cx: Context<'_, I, Env, L>) -> Check<P, R>;

        /// Calls the job, boxing its error.
        fn job(&self, cx: Context<'_, I, Env, L>) -> Result<O, BoxError>;
    }

    /// The way a run calls callbacks: directly, or catching panics.
    pub trait Guard {
        /// Calls `callback`, returning the panic payload if it panicked and panics are caught.
        fn call<T>(callback: impl FnOnce() -> T) -> Result<T, Box<dyn Any + Send>>;
    }

    /// Calls callbacks directly; a panic unwinds through the run to the caller.
    pub struct Unguarded;

    impl Guard for Unguarded {
        #[inline(always)]
        fn call<T>(callback: impl FnOnce() -> T) -> Result<T, Box<dyn Any + Send>> {
            Ok(callback())
        }
    }

    /// Catches a panic in a callback and turns it into [`Error::Panicked`].
    pub struct CatchPanics;

    impl Guard for CatchPanics {
        #[inline(always)]
        fn call<T>(callback: impl FnOnce() -> T) -> Result<T, Box<dyn Any + Send>> {
            // NOTE: as with a thread that panics, a callback that panics halfway can leave
            // state it shares through the environment half-updated, and later runs see that
            // state as it is. A `Mutex` in the environment still reports it by poisoning.
            catch_unwind(AssertUnwindSafe(callback))
        }
    }
}
