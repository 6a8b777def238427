//! The typed data bag: every pre-check and job output of one run, addressed by step marker.

use std::any::{Any, type_name};
use std::error::Error as StdError;
use std::fmt;
use std::marker::PhantomData;

use frunk::{HCons, HNil};

use crate::check::SkipReason;
use crate::index::{Locate, LookupOutput};
use crate::marker::Marker;
use crate::outcome::{Entry, Outcome};
use crate::sealed::Sealed;

/// The outputs of the steps of one finished run: an [`Entry`] per step, addressed by step
/// marker.
///
/// `L` is a frunk HList of [`Slot`]s, newest step first; the pipeline spells the type out,
/// so users never write it. Inside a run, steps read the earlier steps through
/// [`EarlierBag`] instead.
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
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Bag<L>(pub(crate) L);

impl<L> Bag<L> {
    /// Returns the entry of the step marked `M`.
    ///
    /// Naming a marker that is not a step of the pipeline is a compile error.
    pub fn get<M, Index, P, J, R>(&self, marker: M) -> &Entry<P, J, R>
    where
        L: Locate<M, Index, P, J, R>,
    {
        let _ = marker;
        self.0.locate()
    }

    /// Returns the job output of the one step whose job output type is `T`, if its job ran.
    ///
    /// This is a shortcut for bags where `T` is unique. With two such steps the call does
    /// not compile, and [`get`](Bag::get) with a marker distinguishes them.
    pub fn output_of_type<T, Index>(&self) -> Option<&T>
    where
        L: LookupOutput<T, Index>,
    {
        self.0.lookup_output()
    }

    /// Returns the number of steps in the bag.
    pub fn len(&self) -> usize
    where
        L: Entries,
    {
        L::LEN
    }

    /// Returns whether the bag contains no step.
    pub fn is_empty(&self) -> bool
    where
        L: Entries,
    {
        L::LEN == 0
    }

    /// Returns the HList of slots, newest step first.
    pub fn into_hlist(self) -> L {
        self.0
    }

    /// Returns the HList of slots, newest step first.
    pub fn as_hlist(&self) -> &L {
        &self.0
    }
}

impl<L: fmt::Debug> fmt::Debug for Bag<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Bag").field(&self.0).finish()
    }
}

/// The outcomes of the steps before the current one, as a step's callbacks read them.
///
/// Every step in it ran its job or was skipped, since a cancel or a job failure stops the
/// run, so [`get`](EarlierBag::get) returns an [`Outcome`] with exactly those two cases.
/// Naming the current step, a later step or an unknown marker is a compile error.
///
/// # Examples
///
/// ```
/// use choreograph::{Check, Outcome, Pipeline, Reason, markers};
///
/// markers! {
///     /// Finds an existing record.
///     pub Find = "find";
///     /// Uses the record.
///     pub Use = "use";
/// }
///
/// let pipeline = Pipeline::<u64>::new()
///     .step(Find, |cx| Check::Skip(*cx.input(), Reason::new("exists")), |_| Ok(0_u64))
///     .job(Use, |cx| {
///         let id = match cx.bag().get(Find) {
///             Outcome::Ran { output, .. } => *output,
///             Outcome::Skipped { check, .. } => *check,
///         };
///         Ok(id)
///     });
/// assert_eq!(pipeline.run(&9, &()).bag().get(Use).output(), Some(&9));
/// ```
pub struct EarlierBag<'a, L> {
    slots: &'a L,
}

impl<'a, L> EarlierBag<'a, L> {
    pub(crate) fn new(slots: &'a L) -> Self {
        EarlierBag { slots }
    }

    pub(crate) fn slots(&self) -> &'a L {
        self.slots
    }

    /// Returns the outcome of the earlier step marked `M`.
    pub fn get<M, Index, P, J, R>(&self, marker: M) -> Outcome<'a, P, J, R>
    where
        L: Locate<M, Index, P, J, R>,
    {
        let _ = marker;
        match self.slots.locate().outcome() {
            Some(outcome) => outcome,
            // A step runs only after every earlier step ran or was skipped; any other end
            // stops the run before it.
            None => unreachable!("an earlier step of a running pipeline did not finish"),
        }
    }

    /// Returns the job output of the one earlier step whose job output type is `T`, if its
    /// job ran.
    ///
    /// With two such steps the call does not compile, and [`get`](EarlierBag::get) with a
    /// marker distinguishes them.
    pub fn output_of_type<T, Index>(&self) -> Option<&'a T>
    where
        L: LookupOutput<T, Index>,
    {
        self.slots.lookup_output()
    }
}

impl<L> Clone for EarlierBag<'_, L> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<L> Copy for EarlierBag<'_, L> {}

impl<L: fmt::Debug> fmt::Debug for EarlierBag<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("EarlierBag").field(self.slots).finish()
    }
}

/// The entry of one step in a data bag, tagged with the step's marker type `M`.
pub struct Slot<M, P, J, R> {
    entry: Entry<P, J, R>,
    marker: PhantomData<fn() -> M>,
}

impl<M, P, J, R> Slot<M, P, J, R> {
    pub(crate) const NOT_REACHED: Self = Slot::new(Entry::NotReached);

    pub(crate) const fn new(entry: Entry<P, J, R>) -> Self {
        Slot {
            entry,
            marker: PhantomData,
        }
    }

    /// Returns the stored entry.
    pub fn entry(&self) -> &Entry<P, J, R> {
        &self.entry
    }

    /// Moves the stored entry out.
    pub fn into_entry(self) -> Entry<P, J, R> {
        self.entry
    }

    #[inline(always)]
    pub(crate) fn set(&mut self, entry: Entry<P, J, R>) {
        self.entry = entry;
    }
}

impl<M, P: Clone, J: Clone, R: Clone> Clone for Slot<M, P, J, R> {
    fn clone(&self) -> Self {
        Slot::new(self.entry.clone())
    }
}

impl<M, P: Copy, J: Copy, R: Copy> Copy for Slot<M, P, J, R> {}

impl<M, P: PartialEq, J: PartialEq, R: PartialEq> PartialEq for Slot<M, P, J, R> {
    fn eq(&self, other: &Self) -> bool {
        self.entry == other.entry
    }
}

impl<M, P: Eq, J: Eq, R: Eq> Eq for Slot<M, P, J, R> {}

impl<M: Marker, P: fmt::Debug, J: fmt::Debug, R: fmt::Debug> fmt::Debug for Slot<M, P, J, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Slot")
            .field("step", &M::NAME)
            .field("entry", &self.entry)
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

    /// Returns the name of the step at `index`.
    fn name_at(index: usize) -> Option<&'static str>;

    /// Returns the skip reason of the step at `index`, if its pre-check skipped the job.
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

impl<M, P, J, R, Tail> Entries for HCons<Slot<M, P, J, R>, Tail>
where
    M: Marker,
    R: SkipReason,
    Tail: Entries,
{
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
            self.head.entry.reason().map(SkipReason::as_error)
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
    /// Returns the pre-check output of the step at `index` and its type name, if the pre-check
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

    /// Returns the job output of the step at `index` and its type name, if the job ran and
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

impl<M, P, J, R, Tail> AnyEntries for HCons<Slot<M, P, J, R>, Tail>
where
    M: Marker,
    P: Any,
    J: Any,
    R: SkipReason,
    Tail: AnyEntries,
{
    fn check_at(&self, index: usize) -> Option<(&dyn Any, &'static str)> {
        if index == Tail::LEN {
            let check = self.head.entry.check()?;
            Some((check, type_name::<P>()))
        } else {
            self.tail.check_at(index)
        }
    }

    fn output_at(&self, index: usize) -> Option<(&dyn Any, &'static str)> {
        if index == Tail::LEN {
            let output = self.head.entry.output()?;
            Some((output, type_name::<J>()))
        } else {
            self.tail.output_at(index)
        }
    }
}
