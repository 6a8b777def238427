//! Dynamic inputs: a borrowed value of any `'static` type, with the name of that type, and
//! its owned counterpart for concurrent runs over records of several types.

use std::any::{Any, TypeId, type_name};
use std::fmt;

/// The input record of one [`Coordinator`](crate::Coordinator) run: a borrowed value of any
/// `'static` type, together with the name of that type.
///
/// A `&dyn Any` has no type name at run time, so `Input` records
/// [`std::any::type_name`] when it is created from a typed reference. The coordinator
/// shows that name when a callback expects another type, in
/// [`Error::UnassignableInput`](crate::Error::UnassignableInput).
///
/// A run without a record takes `()`, the counterpart of Go's `nil` input:
/// [`Input::none`] is `Input::new(&())`. A boxed `dyn Any` passed by reference is a value
/// of the box type; [`Input::from_dyn`] passes the value inside the box instead. An
/// [`AnyInput`] passed by reference is the one exception: the input is the value inside it.
///
/// # Examples
///
/// ```
/// use choreograph::Input;
///
/// let amount = 42_i64;
/// let input = Input::new(&amount);
/// assert_eq!(input.downcast_ref::<i64>(), Some(&42));
/// assert_eq!(input.downcast_ref::<u64>(), None);
/// assert_eq!(input.type_name(), "i64");
/// assert!(Input::none().is::<()>());
/// ```
#[derive(Clone, Copy)]
pub struct Input<'a> {
    value: &'a dyn Any,
    type_name: &'static str,
}

impl<'a> Input<'a> {
    /// Creates the input for `value`, recording the name of its type.
    ///
    /// When `value` is an [`AnyInput`], the input is the value inside it, with the type
    /// name that the `AnyInput` recorded.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{AnyInput, Input};
    ///
    /// let line = String::from("a;3.13");
    /// assert_eq!(Input::new(&line).type_name(), "alloc::string::String");
    ///
    /// let amount = AnyInput::new(3_u8);
    /// assert_eq!(Input::new(&amount).downcast_ref::<u8>(), Some(&3));
    /// assert_eq!(Input::new(&amount).type_name(), "u8");
    /// ```
    pub fn new<T: Any>(value: &'a T) -> Self {
        // Both type ids are constants, so the optimizer can drop this branch for every
        // other `T`.
        if TypeId::of::<T>() == TypeId::of::<AnyInput>() {
            if let Some(owned) = (value as &dyn Any).downcast_ref::<AnyInput>() {
                return owned.as_input();
            }
        }
        Input {
            value,
            type_name: type_name::<T>(),
        }
    }

    /// Creates the input for a value whose type is known only as `dyn Any`, with the type
    /// name to show in errors.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::any::Any;
    /// use choreograph::Input;
    ///
    /// let records: Vec<(Box<dyn Any + Send + Sync>, &'static str)> =
    ///     vec![(Box::new(3_u8), "u8"), (Box::new("text"), "&str")];
    /// let input = Input::from_dyn(records[0].0.as_ref(), records[0].1);
    /// assert_eq!(input.downcast_ref::<u8>(), Some(&3));
    /// assert_eq!(input.type_name(), "u8");
    /// ```
    pub fn from_dyn(value: &'a dyn Any, type_name: &'static str) -> Self {
        Input { value, type_name }
    }

    /// Returns the input of a run without a record: `()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::Input;
    ///
    /// assert_eq!(Input::none().type_name(), "()");
    /// ```
    pub fn none() -> Input<'static> {
        Input::new(&())
    }

    /// Returns the value if it has type `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::Input;
    ///
    /// assert_eq!(Input::new(&7_u32).downcast_ref::<u32>(), Some(&7));
    /// ```
    pub fn downcast_ref<T: Any>(&self) -> Option<&'a T> {
        self.value.downcast_ref()
    }

    /// Returns whether the value has type `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::Input;
    ///
    /// assert!(Input::new(&7_u32).is::<u32>());
    /// ```
    pub fn is<T: Any>(&self) -> bool {
        self.value.is::<T>()
    }

    /// Returns the value as `&dyn Any`.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::Input;
    ///
    /// assert!(Input::new(&7_u32).value().is::<u32>());
    /// ```
    pub fn value(&self) -> &'a dyn Any {
        self.value
    }

    /// Returns the name of the value's type, as recorded when the input was created.
    ///
    /// The name comes from [`std::any::type_name`], so it is meant for messages: it is not
    /// guaranteed to be unique or to stay the same across compiler versions.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::Input;
    ///
    /// assert_eq!(Input::new(&7_u32).type_name(), "u32");
    /// ```
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }
}

impl<'a, T: Any> From<&'a T> for Input<'a> {
    fn from(value: &'a T) -> Self {
        Input::new(value)
    }
}

impl fmt::Debug for Input<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Input")
            .field("type_name", &self.type_name)
            .finish_non_exhaustive()
    }
}

/// An owned input of any `'static + Send` type, with the name of that type: the item of a
/// concurrent coordinator run over records of several types.
///
/// A concurrent run of a [`Coordinator`](crate::Coordinator) takes owned items of one type
/// `T`, and each callback receives an item as `Input::new(&item)`, so the item's own type is
/// the input type. To mix record types in one run, wrap each record in an `AnyInput`.
/// [`Input::new`] unwraps it, so the callbacks receive the record itself, and a record whose
/// type a callback does not expect stops with
/// [`Error::UnassignableInput`](crate::Error::UnassignableInput) naming the record's type.
/// A `Box<dyn Any + Send>` item, by contrast, reaches the callbacks as the box.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use choreograph::{AnyInput, Coordinator, DynStep, Error};
///
/// let mut coordinator = Coordinator::new();
/// coordinator.add_step(DynStep::new("double").job_with(|_, amount: &u64| Ok(amount * 2)))?;
/// let coordinator = Arc::new(coordinator);
///
/// let records = [AnyInput::new(21_u64), AnyInput::new("21")];
/// let reports: Vec<_> = coordinator
///     .concurrent()
///     .ordered(true)
///     .run(records, ())?
///     .map(|record| record.into_report())
///     .collect();
/// assert_eq!(reports[0].bag().job_data::<u64>("double")?, Some(&42));
/// assert!(matches!(
///     reports[1].error(),
///     Some(Error::UnassignableInput { expected: "u64", actual, .. }) if actual == "&str"
/// ));
/// # Ok::<(), choreograph::Error>(())
/// ```
pub struct AnyInput {
    value: Box<dyn Any + Send>,
    type_name: &'static str,
}

impl AnyInput {
    /// Wraps `value`, recording the name of its type. An `AnyInput` given as `value` is
    /// returned as it is.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::AnyInput;
    ///
    /// assert_eq!(AnyInput::new(7_i32).type_name(), "i32");
    /// assert_eq!(AnyInput::new(AnyInput::new(7_i32)).type_name(), "i32");
    /// ```
    pub fn new<T: Any + Send>(value: T) -> Self {
        let value: Box<dyn Any + Send> = Box::new(value);
        // An `AnyInput` inside an `AnyInput` would hide the record from `Input::new`.
        match value.downcast::<AnyInput>() {
            Ok(inner) => *inner,
            Err(value) => AnyInput {
                value,
                type_name: type_name::<T>(),
            },
        }
    }

    /// Returns the borrowed [`Input`] of the value inside, as the callbacks of a run
    /// receive it.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::AnyInput;
    ///
    /// let record = AnyInput::new(String::from("a;3.13"));
    /// assert!(record.as_input().is::<String>());
    /// ```
    pub fn as_input(&self) -> Input<'_> {
        Input::from_dyn(self.value.as_ref(), self.type_name)
    }

    /// Returns the value if it has type `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::AnyInput;
    ///
    /// let record = AnyInput::new(7_u32);
    /// assert_eq!(record.downcast_ref::<u32>(), Some(&7));
    /// assert_eq!(record.downcast_ref::<u64>(), None);
    /// ```
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        self.value.downcast_ref()
    }

    /// Moves the value out if it has type `T`.
    ///
    /// # Errors
    ///
    /// Returns the `AnyInput` unchanged when the value has another type.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::AnyInput;
    ///
    /// let record = AnyInput::new(String::from("text"));
    /// let record = record.downcast::<u32>().unwrap_err();
    /// assert_eq!(record.downcast::<String>().unwrap(), "text");
    /// ```
    pub fn downcast<T: Any>(self) -> Result<T, Self> {
        match self.value.downcast::<T>() {
            Ok(value) => Ok(*value),
            Err(value) => Err(AnyInput {
                value,
                type_name: self.type_name,
            }),
        }
    }

    /// Returns the name of the value's type, from [`std::any::type_name`].
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::AnyInput;
    ///
    /// assert_eq!(AnyInput::new(()).type_name(), "()");
    /// ```
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }
}

impl fmt::Debug for AnyInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyInput")
            .field("type_name", &self.type_name)
            .finish_non_exhaustive()
    }
}
