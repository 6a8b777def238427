//! Compile-time lookups into a data bag, keyed by phantom index types that users never write.
//!
//! Each lookup trait has two impls: the value is at the head of the list ([`Here`]), or it is
//! in the tail at some index `I` ([`There<I>`]). The compiler infers the index; when no impl
//! fits, the `on_unimplemented` message names the marker or type that was asked for.

use frunk::{HCons, HNil};

pub use frunk::indices::{Here, There};

use crate::bag::Slot;
use crate::outcome::StepValue;
use crate::sealed::Sealed;

/// Finds the value of the step marked `M` in a data bag's list of slots.
///
/// Sealed: the crate implements it for the lists it builds. Call it through
/// [`Bag::get`](crate::Bag::get).
#[diagnostic::on_unimplemented(
    message = "`{M}` is not an earlier step of this pipeline",
    label = "no step marked `{M}` comes before this point",
    note = "a step reads only the steps added before it; after a run, the report's bag holds \
            every step of the pipeline",
    note = "add the step marked `{M}` before the step that reads it, or check the marker type"
)]
pub trait Lookup<M, Index>: Sealed {
    /// The value stored for the step: an [`Outcome`](crate::Outcome) while the run goes on,
    /// an [`Entry`](crate::Entry) in a finished run's bag.
    type Value;

    /// The value stored for the step marked `M`.
    fn lookup(&self) -> &Self::Value;
}

#[diagnostic::do_not_recommend]
impl<M, V, Tail> Lookup<M, Here> for HCons<Slot<M, V>, Tail> {
    type Value = V;

    fn lookup(&self) -> &V {
        self.head.value()
    }
}

#[diagnostic::do_not_recommend]
impl<M, Other, V, Tail, I> Lookup<M, There<I>> for HCons<Slot<Other, V>, Tail>
where
    Tail: Lookup<M, I>,
{
    type Value = Tail::Value;

    fn lookup(&self) -> &Self::Value {
        self.tail.lookup()
    }
}

/// Finds the one step whose job output has type `T` in a data bag's list of slots.
///
/// Sealed. Call it through [`Bag::output_of_type`](crate::Bag::output_of_type). When two
/// steps have job output type `T`, the compiler cannot choose an index and asks for type
/// annotations: look the step up by marker instead.
#[diagnostic::on_unimplemented(
    message = "no earlier step of this pipeline has job output type `{T}`",
    label = "no step before this point outputs `{T}`",
    note = "look the step up by its marker with `get(Marker)`, or check the output type"
)]
pub trait LookupOutput<T, Index>: Sealed {
    /// The job output of that step, if its job ran.
    fn lookup_output(&self) -> Option<&T>;
}

#[diagnostic::do_not_recommend]
impl<T, M, V, Tail> LookupOutput<T, Here> for HCons<Slot<M, V>, Tail>
where
    V: StepValue<Output = T>,
{
    fn lookup_output(&self) -> Option<&T> {
        self.head.value().job_output()
    }
}

#[diagnostic::do_not_recommend]
impl<T, M, V, Tail, I> LookupOutput<T, There<I>> for HCons<Slot<M, V>, Tail>
where
    Tail: LookupOutput<T, I>,
{
    fn lookup_output(&self) -> Option<&T> {
        self.tail.lookup_output()
    }
}

impl Sealed for HNil {}
impl<H, T> Sealed for HCons<H, T> {}
