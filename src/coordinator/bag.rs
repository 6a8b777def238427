//! The coordinator's data bag: every pre-check and job output of one run, looked up by step
//! name ignoring case.

use std::any::{Any, TypeId, type_name};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::bag::EarlierBag;
use crate::coordinator::names::{StepNames, fold, matches_folded};
use crate::coordinator::typed::ErasedBag;
use crate::error::{Callback, Error, StepId};

/// A stored output: a value of any `'static + Send + Sync` type that reports its type name.
pub(crate) trait AnyValue: Any + Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn type_name(&self) -> &'static str;
}

impl<T: Any + Send + Sync> AnyValue for T {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn type_name(&self) -> &'static str {
        type_name::<T>()
    }
}

/// An output as the bag stores it; `None` for no output.
pub(crate) type Stored = Option<Box<dyn AnyValue>>;

/// Boxes `value` for the bag. A `()` is no output and stores nothing, as a Go callback that
/// returns only an error.
#[inline]
pub(crate) fn store<T: Any + Send + Sync>(value: T) -> Stored {
    if TypeId::of::<T>() == TypeId::of::<()>() {
        None
    } else {
        Some(Box::new(value))
    }
}

/// The outputs stored for one step or key.
#[derive(Default)]
struct Slot {
    pre_check: Stored,
    job: Stored,
}

impl Slot {
    fn get(&self, callback: Callback) -> Option<&dyn AnyValue> {
        match callback {
            Callback::PreCheck => self.pre_check.as_deref(),
            Callback::Job => self.job.as_deref(),
        }
    }

    fn set(&mut self, callback: Callback, value: Stored) {
        match callback {
            Callback::PreCheck => self.pre_check = value,
            Callback::Job => self.job = value,
        }
    }
}

/// Data set through a setter under a name that is no step of the bag.
struct Keyed {
    name: String,
    folded: Box<str>,
    slot: Slot,
}

/// The target of a name: a step's position, or data set under a name that is no step.
#[derive(Clone, Copy)]
enum Key {
    Step(usize),
    Other(usize),
}

/// The pre-check and job outputs of one [`Coordinator`](crate::Coordinator) run, looked up by
/// step name ignoring case.
///
/// Each run starts with an empty bag. A pre-check's output is stored whatever it decided; a
/// job's output only when the job succeeded. The callbacks of a step read the outputs of
/// the steps before it through `cx.bag()`, and the caller reads the whole bag from the
/// run's [`DynReport`](crate::DynReport).
///
/// Names are compared after lowering each character on its own with Unicode's simple
/// lowercase mapping, as Go's `strings.ToLower` does. So `STRAẞE` finds `straße`,
/// `İSTANBUL` finds `istanbul` and `ΟΔΟΣ` finds `οδοσ`. But `STRASSE` does not find
/// `straße`, because lowercasing is not case folding, and `οδος` with a final `ς` does not
/// find `ΟΔΟΣ`, because no context or locale rule applies. Steps with blank names are not
/// reached by any name.
///
/// The typed getters ([`job_data`](DataBag::job_data), [`pre_check_data`](DataBag::pre_check_data))
/// downcast and report a wrong type or an unknown name as an [`Error`]; the `_any` getters
/// return `Option<&dyn Any>`, as Go's `GetJobData` does.
///
/// # Examples
///
/// ```
/// use choreograph::{Coordinator, DynStep};
///
/// let mut coordinator = Coordinator::new();
/// coordinator.add_step(DynStep::new("Parse").job_with(|_, text: &String| Ok(text.parse::<i64>()?)))?;
/// coordinator.add_step(DynStep::new("double").job(|cx| {
///     let parsed = cx.bag().job_data::<i64>("parse")?.copied().unwrap_or_default();
///     Ok(parsed * 2)
/// }))?;
///
/// let report = coordinator.run(&String::from("21"), &());
/// assert_eq!(report.bag().job_data::<i64>("DOUBLE")?, Some(&42));
/// assert!(report.bag().job_data::<u8>("double").is_err());
/// assert!(report.bag().job_data_any("triple").is_none());
/// # Ok::<(), choreograph::Error>(())
/// ```
pub struct DataBag {
    names: Arc<StepNames>,
    slots: Vec<Slot>,
    typed: Option<Box<dyn ErasedBag>>,
    others: Vec<Keyed>,
}

impl DataBag {
    /// Creates an empty bag that belongs to no step: every name set through a setter is a
    /// key of its own, as in the Go library's `DataBag`.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::DataBag;
    ///
    /// let mut bag = DataBag::new();
    /// bag.set_job_data("one", 1_i32);
    /// assert_eq!(bag.job_data::<i32>("ONE")?, Some(&1));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn new() -> Self {
        DataBag::for_run(Arc::default(), 0)
    }

    /// Creates an empty bag for steps with these names, in order; for example for a mock
    /// [`Execute`](crate::Execute) that returns data as a coordinator would.
    ///
    /// # Errors
    ///
    /// Returns [`Error::DuplicateStep`] when two names are equal ignoring case.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{DataBag, Error};
    ///
    /// let bag = DataBag::with_step_names(["create statement", "create statement lines"])?;
    /// assert_eq!(bag.job_data::<String>("create statement")?, None);
    /// assert!(matches!(
    ///     DataBag::with_step_names(["load", "LOAD"]),
    ///     Err(Error::DuplicateStep { .. })
    /// ));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn with_step_names<N>(names: impl IntoIterator<Item = N>) -> Result<Self, Error>
    where
        N: Into<Cow<'static, str>>,
    {
        let mut table = StepNames::default();
        for name in names {
            table.push(name.into())?;
        }
        Ok(DataBag::for_run(Arc::new(table), 0))
    }

    /// Creates the empty bag of one run, with room for `capacity` steps.
    pub(crate) fn for_run(names: Arc<StepNames>, capacity: usize) -> Self {
        DataBag {
            names,
            slots: Vec::with_capacity(capacity),
            typed: None,
            others: Vec::new(),
        }
    }

    /// Looks up the job output of the step named `name` (ignoring case) as a `T`.
    ///
    /// Returns `Ok(None)` when the step stored no job output: its job did not run, failed,
    /// or returned `()`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::StepNotFound`] when no step has this name and no setter used it, and
    /// [`Error::WrongType`] when the stored output is not a `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{DataBag, Error};
    ///
    /// let mut bag = DataBag::new();
    /// bag.set_job_data("id", String::from("a-1"));
    /// assert_eq!(bag.job_data::<String>("id")?.map(String::as_str), Some("a-1"));
    /// assert!(matches!(bag.job_data::<u64>("id"), Err(Error::WrongType { .. })));
    /// assert!(matches!(bag.job_data::<u64>("other"), Err(Error::StepNotFound { .. })));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn job_data<T: Any>(&self, name: &str) -> Result<Option<&T>, Error> {
        self.typed_value(name, Callback::Job)
    }

    /// Looks up the pre-check output of the step named `name` (ignoring case) as a `T`.
    ///
    /// Returns `Ok(None)` when the step stored no pre-check output: the run stopped before
    /// it, or the pre-check returned `()`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::StepNotFound`] when no step has this name and no setter used it, and
    /// [`Error::WrongType`] when the stored output is not a `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::DataBag;
    ///
    /// let mut bag = DataBag::new();
    /// bag.set_pre_check_data("Lookup", 7_u64);
    /// assert_eq!(bag.pre_check_data::<u64>("lookup")?, Some(&7));
    /// assert_eq!(bag.job_data::<u64>("lookup")?, None);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn pre_check_data<T: Any>(&self, name: &str) -> Result<Option<&T>, Error> {
        self.typed_value(name, Callback::PreCheck)
    }

    /// Looks up the job output of the step named `name` (ignoring case), if one is stored.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::DataBag;
    ///
    /// let mut bag = DataBag::new();
    /// bag.set_job_data("one", 1_i32);
    /// assert_eq!(bag.job_data_any("one").and_then(|v| v.downcast_ref::<i32>()), Some(&1));
    /// assert!(bag.job_data_any("two").is_none());
    /// ```
    pub fn job_data_any(&self, name: &str) -> Option<&dyn Any> {
        let key = self.key(name)?;
        self.value(key, Callback::Job).map(|(value, _)| value)
    }

    /// Looks up the pre-check output of the step named `name` (ignoring case), if one is
    /// stored.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::DataBag;
    ///
    /// let mut bag = DataBag::new();
    /// bag.set_pre_check_data("one", 1_i32);
    /// assert!(bag.pre_check_data_any("ONE").is_some());
    /// assert!(bag.job_data_any("one").is_none());
    /// ```
    pub fn pre_check_data_any(&self, name: &str) -> Option<&dyn Any> {
        let key = self.key(name)?;
        self.value(key, Callback::PreCheck).map(|(value, _)| value)
    }

    /// Stores `value` as the job output of the step named `name` (ignoring case), replacing
    /// what was there.
    ///
    /// A name that is no step of the bag becomes a key of its own. Storing `()` removes the
    /// value, as a job that returns `()` stores nothing. For a step of a wrapped
    /// [`Pipeline`](crate::Pipeline), the stored value hides the pipeline's own output.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::DataBag;
    ///
    /// let mut bag = DataBag::new();
    /// bag.set_job_data("total", 10_u32);
    /// bag.set_job_data("TOTAL", 11_u32);
    /// assert_eq!(bag.job_data::<u32>("total")?, Some(&11));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn set_job_data<T: Any + Send + Sync>(&mut self, name: &str, value: T) {
        self.set(name, Callback::Job, store(value));
    }

    /// Stores `value` as the pre-check output of the step named `name` (ignoring case),
    /// replacing what was there.
    ///
    /// A name that is no step of the bag becomes a key of its own. Storing `()` removes the
    /// value.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::DataBag;
    ///
    /// let mut bag = DataBag::new();
    /// bag.set_pre_check_data("exists", true);
    /// assert_eq!(bag.pre_check_data::<bool>("Exists")?, Some(&true));
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn set_pre_check_data<T: Any + Send + Sync>(&mut self, name: &str, value: T) {
        self.set(name, Callback::PreCheck, store(value));
    }

    /// Returns the names of the bag's steps, in order; blank names included.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::DataBag;
    ///
    /// let bag = DataBag::with_step_names(["load", "save"])?;
    /// assert_eq!(bag.step_names().collect::<Vec<_>>(), ["load", "save"]);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn step_names(&self) -> impl ExactSizeIterator<Item = &str> {
        self.names.iter()
    }

    pub(crate) fn names(&self) -> &StepNames {
        &self.names
    }

    /// Stores the output of the step at `index`, which the run reached just now.
    #[inline]
    pub(crate) fn store_at(&mut self, index: usize, callback: Callback, value: Stored) {
        if value.is_none() && index >= self.slots.len() {
            return;
        }
        self.slot_mut(index).set(callback, value);
    }

    /// Attaches the final bag of a wrapped typed pipeline, whose steps come first.
    pub(crate) fn set_typed(&mut self, typed: Box<dyn ErasedBag>) {
        self.typed = Some(typed);
    }

    pub(crate) fn typed(&self) -> Option<&dyn ErasedBag> {
        self.typed.as_deref()
    }

    fn slot_mut(&mut self, index: usize) -> &mut Slot {
        if index >= self.slots.len() {
            self.slots.resize_with(index + 1, Slot::default);
        }
        &mut self.slots[index]
    }

    fn key(&self, name: &str) -> Option<Key> {
        if let Some(index) = self.names.find(name) {
            return Some(Key::Step(index));
        }
        self.others
            .iter()
            .position(|other| matches_folded(name, &other.folded))
            .map(Key::Other)
    }

    fn value(&self, key: Key, callback: Callback) -> Option<(&dyn Any, &'static str)> {
        let slot = match key {
            Key::Step(index) => self.slots.get(index),
            Key::Other(index) => Some(&self.others[index].slot),
        };
        if let Some(value) = slot.and_then(|slot| slot.get(callback)) {
            return Some((value.as_any(), value.type_name()));
        }
        let Key::Step(index) = key else {
            return None;
        };
        let (value, type_name) = self.typed.as_ref()?.value_at(index, callback)?;
        // A typed step's `()` output is no output, as it is for a dynamic step.
        if value.is::<()>() {
            None
        } else {
            Some((value, type_name))
        }
    }

    fn typed_value<T: Any>(&self, name: &str, callback: Callback) -> Result<Option<&T>, Error> {
        let key = self.key(name).ok_or_else(|| Error::StepNotFound {
            name: name.to_owned(),
        })?;
        let Some((value, actual)) = self.value(key, callback) else {
            return Ok(None);
        };
        match value.downcast_ref::<T>() {
            Some(value) => Ok(Some(value)),
            None => Err(Error::WrongType {
                step: self.step_id(key),
                callback,
                expected: type_name::<T>(),
                actual,
            }),
        }
    }

    /// Builds the id that errors show for `key`. Data set under a name that is no step gets the
    /// positions after the last step, in the order the names were first set.
    fn step_id(&self, key: Key) -> StepId {
        match key {
            Key::Step(index) => self.names.step_id(index),
            Key::Other(index) => {
                StepId::new(self.names.len() + index, self.others[index].name.clone())
            }
        }
    }

    fn set(&mut self, name: &str, callback: Callback, value: Stored) {
        match self.key(name) {
            Some(Key::Step(index)) => self.slot_mut(index).set(callback, value),
            Some(Key::Other(index)) => self.others[index].slot.set(callback, value),
            None => {
                let mut slot = Slot::default();
                slot.set(callback, value);
                self.others.push(Keyed {
                    name: name.to_owned(),
                    folded: fold(name),
                    slot,
                });
            }
        }
    }
}

/// Inside a coordinator's callbacks, `cx.bag()` reads the data of the earlier steps by name.
///
/// The methods forward to [`DataBag`]'s, and the references they return live as long as the
/// run's bag, not as long as the `EarlierBag` value, so a lookup can be kept in a `let`.
///
/// # Examples
///
/// ```
/// use choreograph::{Check, Coordinator, DynStep};
///
/// let mut coordinator = Coordinator::<()>::new();
/// coordinator.add_step(
///     DynStep::new("load")
///         .pre_check(|_| Check::Pass(3_u32))
///         .job(|_| Ok(10_u64)),
/// )?;
/// coordinator.add_step(DynStep::new("total").job(|cx| {
///     let count = cx.bag().pre_check_data::<u32>("LOAD")?.copied().unwrap_or(0);
///     let amount = cx.bag().job_data::<u64>("Load")?.copied().unwrap_or(0);
///     let any = cx.bag().job_data_any("load").and_then(|value| value.downcast_ref::<u64>());
///     let pre_check_any = cx.bag().pre_check_data_any("load").is_some();
///     assert_eq!(cx.bag().data_bag().step_names().count(), 2);
///     Ok(u64::from(count) * amount + any.copied().unwrap_or(0) + u64::from(pre_check_any))
/// }))?;
///
/// let report = coordinator.run(&(), &());
/// assert_eq!(report.bag().job_data::<u64>("total")?, Some(&41));
/// # Ok::<(), choreograph::Error>(())
/// ```
impl<'a> EarlierBag<'a, DataBag> {
    /// Returns the job data of the step named `name`, ignoring case; see
    /// [`DataBag::job_data`].
    ///
    /// # Errors
    ///
    /// Returns [`Error::StepNotFound`] for an unknown name and [`Error::WrongType`] when the
    /// step stored another type.
    pub fn job_data<T: Any>(&self, name: &str) -> Result<Option<&'a T>, Error> {
        self.slots().job_data(name)
    }

    /// Returns the pre-check data of the step named `name`, ignoring case; see
    /// [`DataBag::pre_check_data`].
    ///
    /// # Errors
    ///
    /// Returns [`Error::StepNotFound`] for an unknown name and [`Error::WrongType`] when the
    /// step stored another type.
    pub fn pre_check_data<T: Any>(&self, name: &str) -> Result<Option<&'a T>, Error> {
        self.slots().pre_check_data(name)
    }

    /// Returns the job data of the step named `name` as `&dyn Any`, or `None` when there is
    /// none; see [`DataBag::job_data_any`].
    pub fn job_data_any(&self, name: &str) -> Option<&'a dyn Any> {
        self.slots().job_data_any(name)
    }

    /// Returns the pre-check data of the step named `name` as `&dyn Any`, or `None` when
    /// there is none; see [`DataBag::pre_check_data_any`].
    pub fn pre_check_data_any(&self, name: &str) -> Option<&'a dyn Any> {
        self.slots().pre_check_data_any(name)
    }

    /// Returns the run's whole data bag, for the rest of [`DataBag`]'s methods.
    pub fn data_bag(&self) -> &'a DataBag {
        self.slots()
    }
}

impl Default for DataBag {
    fn default() -> Self {
        DataBag::new()
    }
}

impl fmt::Debug for DataBag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let type_of = |key, callback| self.value(key, callback).map(|(_, name)| name);
        let steps = (0..self.names.len()).map(|index| {
            let key = Key::Step(index);
            let name = self.names.name_at(index).unwrap_or_default();
            let types = (
                type_of(key, Callback::PreCheck),
                type_of(key, Callback::Job),
            );
            (name, types)
        });
        let others = self.others.iter().enumerate().map(|(index, other)| {
            let key = Key::Other(index);
            let types = (
                type_of(key, Callback::PreCheck),
                type_of(key, Callback::Job),
            );
            (other.name.as_str(), types)
        });
        // Values are `dyn Any`, so only their type names are shown: (pre-check, job).
        f.debug_map().entries(steps.chain(others)).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_output_stores_nothing() {
        assert!(store(()).is_none());
        assert!(store(0_u8).is_some());
    }

    #[test]
    fn setter_with_unit_removes_value() {
        let mut bag = DataBag::new();
        bag.set_job_data("one", 1_i32);
        bag.set_job_data("one", ());
        assert!(bag.job_data_any("one").is_none());
        assert_eq!(bag.job_data::<i32>("one").unwrap(), None);
    }

    #[test]
    fn wrong_type_names_step_and_both_types() {
        let mut bag = DataBag::with_step_names(["load"]).unwrap();
        bag.set_pre_check_data("LOAD", String::from("id"));
        let error = bag.pre_check_data::<u64>("load").unwrap_err();
        match &error {
            Error::WrongType {
                step,
                callback,
                expected,
                actual,
            } => {
                assert_eq!(step, &StepId::new(0, "load"));
                assert_eq!(*callback, Callback::PreCheck);
                assert_eq!(*expected, "u64");
                assert_eq!(*actual, "alloc::string::String");
            }
            other => panic!("unexpected error: {other:?}"),
        }
        assert_eq!(
            error.to_string(),
            "pre-check data of step `load` has type `alloc::string::String`, \
             not the requested `u64`"
        );
    }

    #[test]
    fn other_keys_follow_step_positions() {
        let mut bag = DataBag::with_step_names(["load"]).unwrap();
        bag.set_job_data("extra", 1_u8);
        let error = bag.job_data::<u16>("EXTRA").unwrap_err();
        assert_eq!(error.step(), Some(&StepId::new(1, "extra")));
    }

    #[test]
    fn debug_shows_type_names() {
        let mut bag = DataBag::with_step_names(["load"]).unwrap();
        bag.set_job_data("load", 1_u8);
        bag.set_pre_check_data("extra", true);
        assert_eq!(
            format!("{bag:?}"),
            r#"{"load": (None, Some("u8")), "extra": (Some("bool"), None)}"#
        );
    }
}
