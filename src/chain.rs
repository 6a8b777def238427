//! The chain of steps inside a [`Pipeline`](crate::Pipeline) and the recursion that runs it.
//!
//! A chain is a frunk HList of [`Link`]s, newest step first. Running `HCons<step, earlier>`
//! first runs `earlier`, which yields the bag of earlier outcomes, then checks for
//! cancellation and runs `step` with that bag. A run that stops turns the outcomes gathered
//! so far into [`Entry`] values and marks every later step [`Entry::NotReached`], so a
//! finished run always has one bag type, whatever step it stopped at.

use std::any::Any;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};

use frunk::{HCons, HNil};

use crate::bag::{Bag, Slot};
use crate::cancel::Signal;
use crate::check::{Check, SkipReason};
use crate::error::{BoxError, Callback, Error, StepId};
use crate::marker::Marker;
use crate::outcome::{Entry, Outcome};
use crate::sealed::Sealed;
use crate::step::{Context, Step};

/// One step of a chain, with the phantom index its bag lookups resolved to.
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

    /// The step itself.
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

/// A list of steps that a [`Pipeline`](crate::Pipeline) can run for input `I` and
/// environment `Env`.
///
/// Sealed: the pipeline builder assembles chains; users only name the trait in bounds.
pub trait Chain<I: ?Sized, Env: ?Sized>: Sealed {
    /// The number of steps.
    const LEN: usize;
    /// The slots of a run that has passed every step: one [`Outcome`] per step.
    type Done;
    /// The slots of a finished run: one [`Entry`] per step.
    type Final;

    #[doc(hidden)]
    fn run<G: private::Guard>(
        &self,
        state: &private::RunState<'_, I, Env>,
    ) -> Result<Bag<Self::Done>, private::Halt<Self::Final>>;

    #[doc(hidden)]
    fn settle(done: Self::Done) -> Self::Final;

    #[doc(hidden)]
    fn not_reached() -> Self::Final;
}

impl<I: ?Sized, Env: ?Sized> Chain<I, Env> for HNil {
    const LEN: usize = 0;
    type Done = HNil;
    type Final = HNil;

    #[inline(always)]
    fn run<G: private::Guard>(
        &self,
        _: &private::RunState<'_, I, Env>,
    ) -> Result<Bag<HNil>, private::Halt<HNil>> {
        Ok(Bag(HNil))
    }

    #[inline(always)]
    fn settle(done: HNil) -> HNil {
        done
    }

    fn not_reached() -> HNil {
        HNil
    }
}

/// The outcome of step `S` while the run goes on.
type OutcomeOf<S, I, Env, B, X> = Outcome<
    <S as Step<I, Env, B, X>>::Check,
    <S as Step<I, Env, B, X>>::Output,
    <S as Step<I, Env, B, X>>::Reason,
>;

/// The entry of step `S` in a finished run's bag.
type EntryOf<S, I, Env, B, X> = Entry<
    <S as Step<I, Env, B, X>>::Check,
    <S as Step<I, Env, B, X>>::Output,
    <S as Step<I, Env, B, X>>::Reason,
>;

/// The marker of step `S`.
type MarkerOf<S, I, Env, B, X> = <S as Step<I, Env, B, X>>::Marker;

impl<I, Env, S, X, Tail> Chain<I, Env> for HCons<Link<S, X>, Tail>
where
    I: ?Sized,
    Env: ?Sized,
    Tail: Chain<I, Env>,
    S: Step<I, Env, Bag<Tail::Done>, X>,
{
    const LEN: usize = Tail::LEN + 1;
    type Done = HCons<
        Slot<MarkerOf<S, I, Env, Bag<Tail::Done>, X>, OutcomeOf<S, I, Env, Bag<Tail::Done>, X>>,
        Tail::Done,
    >;
    type Final = HCons<
        Slot<MarkerOf<S, I, Env, Bag<Tail::Done>, X>, EntryOf<S, I, Env, Bag<Tail::Done>, X>>,
        Tail::Final,
    >;

    #[inline(always)]
    fn run<G: private::Guard>(
        &self,
        state: &private::RunState<'_, I, Env>,
    ) -> Result<Bag<Self::Done>, private::Halt<Self::Final>> {
        let earlier = match self.tail.run::<G>(state) {
            Ok(earlier) => earlier,
            Err(halt) => return Err(halt.push(Entry::NotReached)),
        };
        let name = <S::Marker as Marker>::NAME;
        let index = Tail::LEN;
        let stop = |entry, error, earlier: Bag<Tail::Done>| private::Halt {
            bag: HCons {
                head: Slot::new(entry),
                tail: Tail::settle(earlier.0),
            },
            error,
        };

        if let Some(cause) = state.signal.poll() {
            let error = Error::Canceled {
                step: StepId::new(index, name),
                cause,
            };
            return Err(stop(Entry::NotReached, error, earlier));
        }

        let step = &self.head.step;
        let cx = Context::new(state.input, state.env, &earlier, state.signal);
        let check = match G::call(|| step.pre_check(cx)) {
            Ok(check) => check,
            Err(payload) => {
                let error = panicked(index, name, Callback::PreCheck, payload);
                return Err(stop(Entry::NotReached, error, earlier));
            }
        };
        let outcome = match check {
            Check::Pass(check) => match G::call(|| step.job(cx)) {
                Ok(Ok(output)) => Outcome::Ran { check, output },
                Ok(Err(error)) => {
                    let error = job_failed(index, name, error.into());
                    return Err(stop(Entry::Failed { check }, error, earlier));
                }
                Err(payload) => {
                    let error = panicked(index, name, Callback::Job, payload);
                    return Err(stop(Entry::Failed { check }, error, earlier));
                }
            },
            Check::Skip(check, reason) => Outcome::Skipped { check, reason },
            Check::Cancel(check, reason) => {
                let error = execution_canceled(index, name, reason.into_error());
                return Err(stop(Entry::Canceled { check }, error, earlier));
            }
        };
        Ok(Bag(HCons {
            head: Slot::new(outcome),
            tail: earlier.0,
        }))
    }

    #[inline(always)]
    fn settle(done: Self::Done) -> Self::Final {
        HCons {
            head: Slot::new(Entry::from(done.head.into_value())),
            tail: Tail::settle(done.tail),
        }
    }

    fn not_reached() -> Self::Final {
        HCons {
            head: Slot::new(Entry::NotReached),
            tail: Tail::not_reached(),
        }
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

/// The message of a panic payload: the `&str` or `String` that `panic!` formats.
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

    /// What every step of one run shares.
    pub struct RunState<'a, I: ?Sized, Env: ?Sized> {
        pub(crate) input: &'a I,
        pub(crate) env: &'a Env,
        pub(crate) signal: &'a Signal,
    }

    /// A run that stopped: the finished bag and the runtime error.
    pub struct Halt<F> {
        pub(crate) bag: F,
        pub(crate) error: Error,
    }

    impl<F> Halt<F> {
        /// Adds the entry of a later step, which the stop kept from starting.
        #[inline(always)]
        pub(crate) fn push<M, V>(self, entry: V) -> Halt<HCons<Slot<M, V>, F>> {
            Halt {
                bag: HCons {
                    head: Slot::new(entry),
                    tail: self.bag,
                },
                error: self.error,
            }
        }
    }

    /// How a run calls callbacks: directly, or catching panics.
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
