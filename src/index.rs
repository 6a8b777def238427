//! Compile-time lookups into a data bag, keyed by phantom index types that users never write.
//!
//! Each lookup trait has an impl for the value at the head of the list ([`Here`]) and one for
//! the value in the tail at some index `I` ([`There<I>`]). The compiler infers the index; when
//! no impl fits, the `on_unimplemented` message names the requested marker or type.

use frunk::{HCons, HNil};

pub use frunk::indices::{Here, There};

use crate::bag::Slot;
use crate::outcome::Entry;
use crate::sealed::Sealed;

/// The lookup of the step marked `M` in a data bag's list of slots, with the entry's types
/// as parameters: `P` the pre-check output, `J` the job output and `R` the skip reason.
///
/// Sealed: the crate implements it for the lists it builds. Call it through
/// [`Bag::get`](crate::Bag::get) or [`EarlierBag::get`](crate::EarlierBag::get); a step
/// written as a type names [`Lookup`] in its bounds instead. One trait selection settles
/// the index and the three types together, which keeps the compile time of long pipelines
/// low: associated types would be normalized again at every level of the list.
#[diagnostic::on_unimplemented(
    message = "`{M}` is not an earlier step of this pipeline",
    label = "no step marked `{M}` comes before this point",
    note = "a step reads only the steps added before it; after a run, the report's bag holds \
            every step of the pipeline",
    note = "add the step marked `{M}` before the step that reads it, or check the marker type"
)]
pub trait Locate<M, Index, P, J, R>: Sealed {
    /// Returns the entry stored for the step marked `M`.
    fn locate(&self) -> &Entry<P, J, R>;
}

#[diagnostic::do_not_recommend]
impl<M, P, J, R, Tail> Locate<M, Here, P, J, R> for HCons<Slot<M, P, J, R>, Tail> {
    #[inline(always)]
    fn locate(&self) -> &Entry<P, J, R> {
        self.head.entry()
    }
}

#[diagnostic::do_not_recommend]
impl<M, I, P, J, R, Other, OtherP, OtherJ, OtherR, Tail> Locate<M, There<I>, P, J, R>
    for HCons<Slot<Other, OtherP, OtherJ, OtherR>, Tail>
where
    Tail: Locate<M, I, P, J, R>,
{
    #[inline(always)]
    fn locate(&self) -> &Entry<P, J, R> {
        self.tail.locate()
    }
}

/// The step marked `M` in a data bag's list of slots, and the types of its entry.
///
/// Sealed: the crate implements it for the lists it builds. A step written as a type bounds
/// its bag by it to read an earlier step, and can fix the types:
/// `L: Lookup<Validate, Index, Output = i64>`. The bound gives the step
/// [`EarlierBag::get`](crate::EarlierBag::get) for that marker, through the supertrait
/// [`Locate`].
///
/// A function that returns a reference into a [`Report`](crate::Report)'s bag also bounds
/// `Index: 'static`, or fixes `Check` and `Reason`: otherwise the compiler cannot tell that
/// the entry's types outlive the borrow.
///
/// # Examples
///
/// ```
/// use choreograph::{Lookup, Pipeline, Report, markers};
///
/// markers! {
///     /// Trims the line.
///     pub Trim = "trim";
/// }
///
/// fn trimmed<L, Index>(report: &Report<L>) -> Option<&str>
/// where
///     L: Lookup<Trim, Index, Output = String>,
///     Index: 'static,
/// {
///     report.bag().get(Trim).output().map(String::as_str)
/// }
///
/// let pipeline = Pipeline::<str>::new().job(Trim, |cx| Ok(cx.input().trim().to_owned()));
/// assert_eq!(trimmed(&pipeline.run(" a ", &())), Some("a"));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{M}` is not an earlier step of this pipeline",
    label = "no step marked `{M}` comes before this point",
    note = "a step reads only the steps added before it; after a run, the report's bag holds \
            every step of the pipeline",
    note = "add the step marked `{M}` before the step that reads it, or check the marker type"
)]
pub trait Lookup<M, Index>: Locate<M, Index, Self::Check, Self::Output, Self::Reason> {
    /// The step's pre-check output type.
    type Check;
    /// The step's job output type.
    type Output;
    /// The step's skip reason type.
    type Reason;
}

#[diagnostic::do_not_recommend]
impl<M, P, J, R, Tail> Lookup<M, Here> for HCons<Slot<M, P, J, R>, Tail> {
    type Check = P;
    type Output = J;
    type Reason = R;
}

#[diagnostic::do_not_recommend]
impl<M, Other, P, J, R, Tail, I> Lookup<M, There<I>> for HCons<Slot<Other, P, J, R>, Tail>
where
    Tail: Lookup<M, I>,
{
    type Check = Tail::Check;
    type Output = Tail::Output;
    type Reason = Tail::Reason;
}

/// Finds the one step whose job output has type `T` in a data bag's list of slots.
///
/// Sealed. Call it through [`Bag::output_of_type`](crate::Bag::output_of_type). When two
/// steps have job output type `T`, the compiler cannot choose an index and requests type
/// annotations: look the step up by marker instead.
#[diagnostic::on_unimplemented(
    message = "no earlier step of this pipeline has job output type `{T}`",
    label = "no step before this point outputs `{T}`",
    note = "look the step up by its marker with `get(Marker)`, or check the output type"
)]
pub trait LookupOutput<T, Index>: Sealed {
    /// Returns the job output of that step, if its job ran.
    fn lookup_output(&self) -> Option<&T>;
}

#[diagnostic::do_not_recommend]
impl<T, M, P, R, Tail> LookupOutput<T, Here> for HCons<Slot<M, P, T, R>, Tail> {
    fn lookup_output(&self) -> Option<&T> {
        self.head.entry().output()
    }
}

#[diagnostic::do_not_recommend]
impl<T, M, P, J, R, Tail, I> LookupOutput<T, There<I>> for HCons<Slot<M, P, J, R>, Tail>
where
    Tail: LookupOutput<T, I>,
{
    fn lookup_output(&self) -> Option<&T> {
        self.tail.lookup_output()
    }
}

/// The index of a lookup into an empty list, which never succeeds.
///
/// Without a candidate impl of [`Locate`] for [`HNil`], the compiler would settle a lookup
/// into a one-step list on that step's marker before it looks at the marker the caller
/// passed, and report a type mismatch instead of the lookup's own message.
pub enum Nowhere {}

/// A bound that no type satisfies, so the [`HNil`] impls below never apply.
pub trait Unsatisfiable {}

#[diagnostic::do_not_recommend]
impl<M: Unsatisfiable, P, J, R> Locate<M, Nowhere, P, J, R> for HNil {
    fn locate(&self) -> &Entry<P, J, R> {
        unreachable!("`Unsatisfiable` has no impl")
    }
}

#[diagnostic::do_not_recommend]
impl<T: Unsatisfiable> LookupOutput<T, Nowhere> for HNil {
    fn lookup_output(&self) -> Option<&T> {
        None
    }
}

impl Sealed for HNil {}
impl<H, T> Sealed for HCons<H, T> {}
