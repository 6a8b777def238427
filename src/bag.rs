//! The typed data bag: every pre-check and job output of one run, addressed by step marker.

use std::any::{Any, type_name};
use std::error::Error as StdError;
use std::fmt;
use std::marker::PhantomData;

use frunk::{HCons, HNil};

use crate::index::{Lookup, LookupOutput};
use crate::marker::Marker;
use crate::outcome::StepValue;
use crate::sealed::Sealed;

/// The outputs of the steps of one run, addressed by step marker.
///
/// Inside a step, the bag holds the [`Outcome`](crate::Outcome) of every earlier step. After
/// the run, the report's bag holds an [`Entry`](crate::Entry) for every step. `L` is a frunk
/// HList of [`Slot`]s, newest step first; the type is spelled out by the pipeline, never by
/// hand.
///
/// # Examples
///
/// ```
/// use choreograph::{Entry, Outcome, Pipeline, markers};
///
/// markers! {
///     /// Parses the amount.
///     pub Parse = "parse";
///     /// Doubles it.
///     pub Double = "double";
/// }
///
/// let pipeline = Pipeline::<&str>::new()
///     .job(Parse, |cx| Ok(cx.input().parse::<i64>()?))
///     .job(Double, |cx| match cx.bag().get(Parse) {
///         Outcome::Ran { output, .. } => Ok(format!("{}", output * 2)),
///         Outcome::Skipped { .. } => Ok(String::new()),
///     });
/// let report = pipeline.run(&"21", &());
/// assert!(matches!(report.bag().get(Parse), Entry::Ran { output: 21, .. }));
/// // `i64` is the job output type of one step only, so it can stand for the marker.
/// assert_eq!(report.bag().output_of_type::<i64, _>(), Some(&21));
/// assert_eq!(report.bag().get(Double).output().map(String::as_str), Some("42"));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Bag<L>(pub(crate) L);

impl<L> Bag<L> {
    /// The value stored for the step marked `M`.
    ///
    /// Naming a step that is not in the bag (a later step, the reading step itself, or an
    /// unknown marker) is a compile error.
    pub fn get<M, Index>(&self, marker: M) -> &L::Value
    where
        L: Lookup<M, Index>,
    {
        let _ = marker;
        self.0.lookup()
    }

    /// The job output of the one step whose job output type is `T`, if its job ran.
    ///
    /// This is a shortcut for bags where `T` is unique; with two such steps the call does
    /// not compile, and [`get`](Bag::get) with a marker tells them apart.
    pub fn output_of_type<T, Index>(&self) -> Option<&T>
    where
        L: LookupOutput<T, Index>,
    {
        self.0.lookup_output()
    }

    /// The number of steps in the bag.
    pub fn len(&self) -> usize
    where
        L: Entries,
    {
        L::LEN
    }

    /// Returns whether the bag holds no step.
    pub fn is_empty(&self) -> bool
    where
        L: Entries,
    {
        L::LEN == 0
    }

    /// The HList of slots, newest step first.
    pub fn into_hlist(self) -> L {
        self.0
    }

    /// The HList of slots, newest step first.
    pub fn as_hlist(&self) -> &L {
        &self.0
    }
}

impl<L: fmt::Debug> fmt::Debug for Bag<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Bag").field(&self.0).finish()
    }
}

/// The value of one step in a data bag, tagged with the step's marker type.
pub struct Slot<M, V> {
    value: V,
    marker: PhantomData<fn() -> M>,
}

impl<M, V> Slot<M, V> {
    pub(crate) fn new(value: V) -> Self {
        Slot {
            value,
            marker: PhantomData,
        }
    }

    /// The stored value.
    pub fn value(&self) -> &V {
        &self.value
    }

    /// Moves the stored value out.
    pub fn into_value(self) -> V {
        self.value
    }
}

impl<M, V: Clone> Clone for Slot<M, V> {
    fn clone(&self) -> Self {
        Slot::new(self.value.clone())
    }
}

impl<M, V: Copy> Copy for Slot<M, V> {}

impl<M, V: PartialEq> PartialEq for Slot<M, V> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<M, V: Eq> Eq for Slot<M, V> {}

impl<M: Marker, V: fmt::Debug> fmt::Debug for Slot<M, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Slot")
            .field("step", &M::NAME)
            .field("value", &self.value)
            .finish()
    }
}

/// Position-based access to the slots of a bag, for code that walks every step: execution
/// errors, name lookups and reports.
///
/// Positions are 0-based in the order the steps were added. Sealed.
pub trait Entries: Sealed {
    /// The number of steps.
    const LEN: usize;

    /// The name of the step at `index`.
    fn name_at(index: usize) -> Option<&'static str>;

    /// The skip reason of the step at `index`, if its pre-check skipped the job.
    fn skip_error_at(&self, index: usize) -> Option<&(dyn StdError + Send + Sync + 'static)>;
}

impl Entries for HNil {
    const LEN: usize = 0;

    fn name_at(_: usize) -> Option<&'static str> {
        None
    }

    fn skip_error_at(&self, _: usize) -> Option<&(dyn StdError + Send + Sync + 'static)> {
        None
    }
}

impl<M: Marker, V: StepValue, Tail: Entries> Entries for HCons<Slot<M, V>, Tail> {
    const LEN: usize = Tail::LEN + 1;

    fn name_at(index: usize) -> Option<&'static str> {
        if index == Tail::LEN {
            Some(M::NAME)
        } else {
            Tail::name_at(index)
        }
    }

    fn skip_error_at(&self, index: usize) -> Option<&(dyn StdError + Send + Sync + 'static)> {
        if index == Tail::LEN {
            self.head.value.skip_error()
        } else {
            self.tail.skip_error_at(index)
        }
    }
}

/// Position-based access to the pre-check and job outputs of a bag's slots as `&dyn Any`,
/// for lookups that know a step only by name, such as the
/// [`Coordinator`](crate::Coordinator)'s data bag.
///
/// Each value comes with the name of its type, as [`std::any::type_name`] gives it, so a
/// lookup that requests another type can report which type the step stored. Implemented for
/// every bag list whose output types are `'static`. Sealed.
///
/// # Examples
///
/// ```
/// use choreograph::{AnyEntries, Pipeline, markers};
///
/// markers! {
///     /// Parses the amount.
///     pub Parse = "parse";
/// }
///
/// let pipeline = Pipeline::<str>::new().job(Parse, |cx| Ok(cx.input().parse::<i64>()?));
/// let report = pipeline.run("42", &());
/// let slots = report.bag().as_hlist();
/// let (output, type_name) = slots.output_at(0).expect("the job ran");
/// assert_eq!(output.downcast_ref::<i64>(), Some(&42));
/// assert_eq!(type_name, "i64");
/// assert!(slots.output_at(1).is_none());
/// ```
pub trait AnyEntries: Entries {
    /// The pre-check output of the step at `index` and its type name, if the pre-check
    /// returned.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{AnyEntries, Check, Pipeline, Reason, markers};
    ///
    /// markers! {
    ///     /// Finds the record.
    ///     pub Find = "find";
    /// }
    ///
    /// let pipeline = Pipeline::<u32>::new()
    ///     .step(Find, |_| Check::Skip(7_u64, Reason::new("exists")), |_| Ok(()));
    /// let report = pipeline.run(&1, &());
    /// let (check, type_name) = report.bag().as_hlist().check_at(0).expect("it returned");
    /// assert_eq!(check.downcast_ref::<u64>(), Some(&7));
    /// assert_eq!(type_name, "u64");
    /// ```
    fn check_at(&self, index: usize) -> Option<(&dyn Any, &'static str)>;

    /// The job output of the step at `index` and its type name, if the job ran and
    /// succeeded.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{AnyEntries, Pipeline, markers};
    ///
    /// markers! {
    ///     /// Counts the characters.
    ///     pub Count = "count";
    /// }
    ///
    /// let pipeline = Pipeline::<str>::new().job(Count, |cx| Ok(cx.input().len()));
    /// let report = pipeline.run("four", &());
    /// let (output, _) = report.bag().as_hlist().output_at(0).expect("the job ran");
    /// assert_eq!(output.downcast_ref::<usize>(), Some(&4));
    /// ```
    fn output_at(&self, index: usize) -> Option<(&dyn Any, &'static str)>;
}

impl AnyEntries for HNil {
    fn check_at(&self, _: usize) -> Option<(&dyn Any, &'static str)> {
        None
    }

    fn output_at(&self, _: usize) -> Option<(&dyn Any, &'static str)> {
        None
    }
}

impl<M, V, Tail> AnyEntries for HCons<Slot<M, V>, Tail>
where
    M: Marker,
    V: StepValue,
    V::Check: Any,
    V::Output: Any,
    Tail: AnyEntries,
{
    fn check_at(&self, index: usize) -> Option<(&dyn Any, &'static str)> {
        if index == Tail::LEN {
            let check = self.head.value.check_output()?;
            Some((check, type_name::<V::Check>()))
        } else {
            self.tail.check_at(index)
        }
    }

    fn output_at(&self, index: usize) -> Option<(&dyn Any, &'static str)> {
        if index == Tail::LEN {
            let output = self.head.value.job_output()?;
            Some((output, type_name::<V::Output>()))
        } else {
            self.tail.output_at(index)
        }
    }
}
