//! What a pre-check decides, and the reasons it gives for skipping or canceling.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

use crate::error::BoxError;

/// The decision of a pre-check, with the output it produced.
///
/// The output is stored in the data bag in all three cases, so a pre-check that finds an
/// existing record can return its id and skip the job that would create it.
///
/// `R` is the reason type for skipping or canceling. Steps written as closures use
/// [`Reason`]; steps written as types choose any type that implements [`SkipReason`].
///
/// # Examples
///
/// ```
/// use choreograph::{Check, Reason};
///
/// fn find_statement(known: Option<u64>) -> Check<Option<u64>> {
///     match known {
///         Some(id) => Check::Skip(Some(id), Reason::new("statement exists")),
///         None => Check::Pass(None),
///     }
/// }
///
/// assert!(find_statement(None).is_pass());
/// assert_eq!(find_statement(Some(7)).output(), &Some(7));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a pre-check's decision decides whether the job runs"]
pub enum Check<P, R = Reason> {
    /// The job runs.
    Pass(P),
    /// The job does not run; the reason is recorded and the run goes on with the next step.
    Skip(P, R),
    /// The job does not run; the reason is recorded and the whole run stops with
    /// [`Error::ExecutionCanceled`](crate::Error::ExecutionCanceled).
    Cancel(P, R),
}

impl<P, R> Check<P, R> {
    /// Returns the output of the pre-check, whatever it decided.
    pub fn output(&self) -> &P {
        match self {
            Check::Pass(output) | Check::Skip(output, _) | Check::Cancel(output, _) => output,
        }
    }

    /// Returns whether the pre-check lets the job run.
    pub fn is_pass(&self) -> bool {
        matches!(self, Check::Pass(_))
    }
}

/// A type a pre-check can give as its reason to skip or cancel.
///
/// It is implemented for every `std::error::Error + Send + Sync + 'static` and for
/// [`Reason`]. The execution errors of a run show the reason through
/// [`as_error`](SkipReason::as_error), and a cancel reason becomes the source of
/// [`Error::ExecutionCanceled`](crate::Error::ExecutionCanceled) through
/// [`into_error`](SkipReason::into_error).
pub trait SkipReason: Send + Sync + 'static {
    /// Returns the reason as an error, for the execution errors of the run.
    fn as_error(&self) -> &(dyn StdError + Send + Sync + 'static);

    /// Converts the reason into an owned error, for the source of a runtime error.
    fn into_error(self) -> BoxError;
}

impl<E: StdError + Send + Sync + 'static> SkipReason for E {
    fn as_error(&self) -> &(dyn StdError + Send + Sync + 'static) {
        self
    }

    fn into_error(self) -> BoxError {
        Box::new(self)
    }
}

/// The reason a pre-check written as a closure gives for skipping or canceling: a message,
/// or an error of any type.
///
/// A message from a `&'static str` does not allocate. A wrapped error stays reachable by
/// type: the execution errors and the source of
/// [`Error::ExecutionCanceled`](crate::Error::ExecutionCanceled) are the wrapped error
/// itself, not the `Reason`.
///
/// # Examples
///
/// ```
/// use choreograph::Reason;
///
/// #[derive(Debug, thiserror::Error)]
/// #[error("connection lost")]
/// struct ConnectionLost;
///
/// assert_eq!(Reason::new("statement exists").to_string(), "statement exists");
/// assert_eq!(Reason::from(format!("line {} exists", 3)).to_string(), "line 3 exists");
///
/// let reason = Reason::from_error(ConnectionLost);
/// assert!(reason.downcast_ref::<ConnectionLost>().is_some());
/// ```
pub struct Reason(Repr);

enum Repr {
    Message(Message),
    Error(BoxError),
}

/// A reason given as text; it is the error the execution errors show for it.
#[derive(Debug)]
struct Message(Cow<'static, str>);

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for Message {}

impl Reason {
    /// Creates a reason from a static message, without allocating.
    pub const fn new(message: &'static str) -> Self {
        Reason(Repr::Message(Message(Cow::Borrowed(message))))
    }

    /// Creates a reason from an error, which stays reachable with
    /// [`downcast_ref`](Reason::downcast_ref).
    pub fn from_error(error: impl Into<BoxError>) -> Self {
        Reason(Repr::Error(error.into()))
    }

    /// Returns the wrapped error if it has type `T`.
    pub fn downcast_ref<T: StdError + 'static>(&self) -> Option<&T> {
        self.as_error().downcast_ref::<T>()
    }
}

impl SkipReason for Reason {
    fn as_error(&self) -> &(dyn StdError + Send + Sync + 'static) {
        match &self.0 {
            Repr::Message(message) => message,
            Repr::Error(error) => error.as_ref(),
        }
    }

    fn into_error(self) -> BoxError {
        match self.0 {
            Repr::Message(message) => Box::new(message),
            Repr::Error(error) => error,
        }
    }
}

impl From<&'static str> for Reason {
    fn from(message: &'static str) -> Self {
        Reason::new(message)
    }
}

impl From<String> for Reason {
    fn from(message: String) -> Self {
        Reason(Repr::Message(Message(Cow::Owned(message))))
    }
}

impl From<BoxError> for Reason {
    fn from(error: BoxError) -> Self {
        Reason(Repr::Error(error))
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_error(), f)
    }
}

impl fmt::Debug for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Message(message) => f.debug_tuple("Reason").field(&message.0).finish(),
            Repr::Error(error) => f.debug_tuple("Reason").field(error).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("not found")]
    struct NotFound;

    #[test]
    fn reason_into_error_unwraps_wrapped_error() {
        let error = Reason::from_error(NotFound).into_error();
        assert!(error.downcast_ref::<NotFound>().is_some());
    }

    #[test]
    fn reason_message_becomes_error_with_same_text() {
        let error = Reason::new("exists").into_error();
        assert_eq!(error.to_string(), "exists");
    }

    #[test]
    fn check_output_is_kept_in_every_case() {
        let checks: [Check<u8>; 3] = [
            Check::Pass(1),
            Check::Skip(1, "skip".into()),
            Check::Cancel(1, "cancel".into()),
        ];
        for check in &checks {
            assert_eq!(check.output(), &1);
        }
    }
}
