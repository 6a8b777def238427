//! A typed [`Pipeline`] inside a coordinator: its monomorphized steps run unchanged, and its
//! final bag is read by step name.

use std::any::{Any, type_name};
use std::error::Error as StdError;

use crate::bag::{AnyEntries, Bag, Entries};
use crate::cancel::Signal;
use crate::chain::Chain;
use crate::chain::private::{CatchPanics, Unguarded};
use crate::coordinator::input::Input;
use crate::error::{Callback, Error};
use crate::pipeline::Pipeline;

/// The final bag of a typed pipeline's run, read by step position.
pub(crate) trait ErasedBag: Send + Sync {
    /// Returns the pre-check or job output of the step at `index`, with its type name.
    fn value_at(&self, index: usize, callback: Callback) -> Option<(&dyn Any, &'static str)>;

    /// Returns the skip reason of the step at `index`, if its pre-check skipped the job.
    fn skip_error_at(&self, index: usize) -> Option<&(dyn StdError + Send + Sync + 'static)>;
}

impl<L> ErasedBag for Bag<L>
where
    L: AnyEntries + Send + Sync,
{
    fn value_at(&self, index: usize, callback: Callback) -> Option<(&dyn Any, &'static str)> {
        match callback {
            Callback::PreCheck => self.as_hlist().check_at(index),
            Callback::Job => self.as_hlist().output_at(index),
        }
    }

    fn skip_error_at(&self, index: usize) -> Option<&(dyn StdError + Send + Sync + 'static)> {
        self.as_hlist().skip_error_at(index)
    }
}

/// The final bag and the runtime error of a typed pipeline's run.
pub(crate) type TypedRun = (Box<dyn ErasedBag>, Option<Error>);

/// A typed pipeline with its input, chain and bag types erased, for a coordinator whose
/// environment has type `Env`.
pub(crate) trait TypedSteps<Env: ?Sized>: Send + Sync {
    /// Returns the number of steps.
    fn len(&self) -> usize;

    /// Runs every step once, or returns the name of the pipeline's input type when `input`
    /// has another type.
    fn run(
        &self,
        input: Input<'_>,
        env: &Env,
        signal: &Signal,
        catch_panics: bool,
    ) -> Result<TypedRun, &'static str>;
}

impl<I, Env, C, L> TypedSteps<Env> for Pipeline<I, Env, C, L>
where
    I: Any,
    Env: ?Sized,
    C: Chain<I, Env, L> + Send + Sync,
    L: Entries + AnyEntries + Send + Sync + 'static,
{
    fn len(&self) -> usize {
        C::LEN
    }

    fn run(
        &self,
        input: Input<'_>,
        env: &Env,
        signal: &Signal,
        catch_panics: bool,
    ) -> Result<TypedRun, &'static str> {
        let input = input.downcast_ref::<I>().ok_or(type_name::<I>())?;
        let report = if catch_panics {
            self.run_on::<CatchPanics>(input, env, signal)
        } else {
            self.run_on::<Unguarded>(input, env, signal)
        };
        let (bag, error) = report.into_parts();
        Ok((Box::new(bag), error))
    }
}
