//! Dynamic inputs: a borrowed value of any `'static` type, with the name of that type.

use std::any::{Any, type_name};
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
/// of the box type; [`Input::from_dyn`] passes the value inside the box instead.
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
    /// # Examples
    ///
    /// ```
    /// use choreograph::Input;
    ///
    /// let line = String::from("a;3.13");
    /// assert_eq!(Input::new(&line).type_name(), "alloc::string::String");
    /// ```
    pub fn new<T: Any>(value: &'a T) -> Self {
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

    /// The value as `&dyn Any`.
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

    /// The name of the value's type, as recorded when the input was created.
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
