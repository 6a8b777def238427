//! Cancellation of runs from outside: a shared token and an optional deadline.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The cause of a cancellation from outside a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CancelCause {
    /// [`CancelToken::cancel`] or [`Context::cancel`](crate::Context::cancel) was called.
    Requested,
    /// The token's deadline passed.
    DeadlineExceeded,
}

impl fmt::Display for CancelCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CancelCause::Requested => "cancel requested",
            CancelCause::DeadlineExceeded => "deadline exceeded",
        })
    }
}

/// The state a run polls before every step.
#[derive(Debug, Default)]
pub(crate) struct Signal {
    canceled: AtomicBool,
    deadline: Option<Instant>,
    /// The signal of the token this one was derived from: canceling it stops these runs too.
    parent: Option<Arc<Signal>>,
}

impl Signal {
    pub(crate) fn cancel(&self) {
        self.canceled.store(true, Ordering::Release);
    }

    /// Returns why the run must stop, or `None` while it may go on.
    ///
    /// A run polls before every step. The flag guards no other data, so a relaxed load is
    /// enough, and unlike an acquire load it lets the compiler drop the check on a run's
    /// own signal when no callback can cancel it. Deadlines and parents are polled out of
    /// line.
    #[inline(always)]
    pub(crate) fn poll(&self) -> Option<CancelCause> {
        if self.canceled.load(Ordering::Relaxed) {
            return Some(CancelCause::Requested);
        }
        if self.deadline.is_none() && self.parent.is_none() {
            return None;
        }
        self.poll_limits()
    }

    /// Polls the deadline, then the parent's signal.
    #[inline(never)]
    fn poll_limits(&self) -> Option<CancelCause> {
        if let Some(deadline) = self.deadline {
            if Instant::now() >= deadline {
                return Some(CancelCause::DeadlineExceeded);
            }
        }
        self.parent.as_deref().and_then(Signal::poll)
    }
}

/// A handle that cancels the runs it is given to, from any thread or from inside a callback.
///
/// Clones share one state: canceling any clone cancels them all. A run checks the token
/// before every step. The step that is running when the token is canceled finishes, and the
/// run stops before the next one with [`Error::Canceled`](crate::Error::Canceled). A token
/// with a deadline cancels itself when the deadline passes. Cancellation cannot be undone:
/// use a new token for new runs.
///
/// # Examples
///
/// ```
/// use choreograph::{CancelToken, Error, Pipeline, markers};
///
/// markers! {
///     /// The only step.
///     pub Only = "only";
/// }
///
/// let pipeline = Pipeline::<u32>::new().job(Only, |cx| Ok(*cx.input() + 1));
/// let token = CancelToken::new();
/// token.cancel();
/// let report = pipeline.run_with(&1, &(), &token);
/// assert!(matches!(report.error(), Some(Error::Canceled { .. })));
/// ```
#[derive(Debug, Clone, Default)]
pub struct CancelToken {
    signal: Arc<Signal>,
}

impl CancelToken {
    /// Creates a token that is not canceled and has no deadline.
    pub fn new() -> Self {
        CancelToken::default()
    }

    /// Creates a token that cancels itself once `deadline` has passed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Instant;
    /// use choreograph::CancelToken;
    ///
    /// let token = CancelToken::with_deadline(Instant::now());
    /// assert!(token.is_canceled());
    /// ```
    pub fn with_deadline(deadline: Instant) -> Self {
        CancelToken {
            signal: Arc::new(Signal {
                canceled: AtomicBool::new(false),
                deadline: Some(deadline),
                parent: None,
            }),
        }
    }

    /// Creates a token that cancels itself `timeout` from now.
    ///
    /// A timeout too large to be represented as an [`Instant`] means no deadline.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use choreograph::CancelToken;
    ///
    /// let token = CancelToken::with_timeout(Duration::from_secs(60));
    /// assert!(!token.is_canceled());
    /// assert!(token.deadline().is_some());
    /// ```
    pub fn with_timeout(timeout: Duration) -> Self {
        match Instant::now().checked_add(timeout) {
            Some(deadline) => CancelToken::with_deadline(deadline),
            None => CancelToken::new(),
        }
    }

    /// Cancels every run that uses this token or one of its clones.
    pub fn cancel(&self) {
        self.signal.cancel();
    }

    /// Returns whether the token was canceled or its deadline has passed.
    pub fn is_canceled(&self) -> bool {
        self.signal.poll().is_some()
    }

    /// Returns the deadline the token was created with, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.signal.deadline
    }

    pub(crate) fn signal(&self) -> &Signal {
        &self.signal
    }

    /// Creates a token that is canceled when this one is, and that can also be canceled on
    /// its own without canceling this one.
    pub(crate) fn child(&self) -> CancelToken {
        CancelToken {
            signal: Arc::new(Signal {
                canceled: AtomicBool::new(false),
                deadline: None,
                parent: Some(Arc::clone(&self.signal)),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_reports_request_before_deadline() {
        let signal = Signal {
            canceled: AtomicBool::new(true),
            deadline: Some(Instant::now()),
            parent: None,
        };
        assert_eq!(signal.poll(), Some(CancelCause::Requested));
    }

    #[test]
    fn child_sees_parent_cancel() {
        let parent = CancelToken::with_timeout(Duration::MAX);
        let child = parent.child();
        assert!(!child.is_canceled());
        parent.cancel();
        assert_eq!(child.signal().poll(), Some(CancelCause::Requested));
    }

    #[test]
    fn child_cancel_spares_parent() {
        let parent = CancelToken::new();
        let child = parent.child();
        child.cancel();
        assert!(child.is_canceled());
        assert!(!parent.is_canceled());
    }

    #[test]
    fn child_sees_parent_deadline() {
        let parent = CancelToken::with_deadline(Instant::now());
        let child = parent.child();
        assert_eq!(child.signal().poll(), Some(CancelCause::DeadlineExceeded));
    }

    #[test]
    fn token_clones_share_cancel() {
        let token = CancelToken::new();
        let clone = token.clone();
        assert!(!token.is_canceled());
        clone.cancel();
        assert!(token.is_canceled());
    }

    #[test]
    fn huge_timeout_means_no_deadline() {
        let token = CancelToken::with_timeout(Duration::MAX);
        assert_eq!(token.deadline(), None);
        assert!(!token.is_canceled());
    }
}
