//! Many records at once: the steps of a pipeline or a coordinator run over a sequence of
//! inputs on worker threads.
//!
//! [`Concurrent`] contains the options of such a run, and its `run` methods start the
//! workers and return [`Results`], an iterator of [`Processed`] records in finishing order
//! or, on request, in input order. `pipeline.rs` runs a typed [`Pipeline`](crate::Pipeline)
//! and `coordinator.rs` a [`Coordinator`](crate::Coordinator), both on the engine in
//! `pool.rs`.
//!
//! # Examples
//!
//! ```
//! use std::sync::Arc;
//! use choreograph::{Check, Pipeline, Reason, markers};
//!
//! markers! {
//!     /// Rejects odd numbers.
//!     pub Even = "even";
//!     /// Halves the number.
//!     pub Halve = "halve";
//! }
//!
//! let pipeline = Arc::new(
//!     Pipeline::<u32>::new()
//!         .step(
//!             Even,
//!             |cx| match cx.input() % 2 {
//!                 0 => Check::Pass(()),
//!                 _ => Check::Cancel((), Reason::new("odd number")),
//!             },
//!             |_| Ok(()),
//!         )
//!         .job(Halve, |cx| Ok(cx.input() / 2)),
//! );
//!
//! let mut halves = Vec::new();
//! let mut rejected = 0;
//! for record in pipeline.concurrent().workers(4).run(0..10, ())? {
//!     match record.report().bag().get(Halve).output() {
//!         Some(half) => halves.push(*half),
//!         None => rejected += 1,
//!     }
//! }
//! halves.sort();
//! assert_eq!(halves, [0, 1, 2, 3, 4]);
//! assert_eq!(rejected, 5);
//! # Ok::<(), choreograph::Error>(())
//! ```

mod coordinator;
mod ordered;
mod pipeline;
mod pool;
mod results;

use std::fmt;
use std::num::NonZero;
use std::sync::Arc;

use crate::cancel::CancelToken;
use crate::error::{BoxError, Error};
use pool::Pool;

pub use results::{Processed, Results};

/// The maximum number of worker threads of one concurrent run.
///
/// A larger request, and an available parallelism above it, is lowered to this count, so
/// that a count such as `usize::MAX` starts a pool instead of failing to spawn threads.
pub const MAX_WORKERS: usize = 256;

/// The options of a concurrent run, and the pipeline or coordinator it runs.
///
/// Created by [`Pipeline::concurrent`](crate::Pipeline::concurrent),
/// [`Coordinator::concurrent`](crate::Coordinator::concurrent) or [`Concurrent::new`]. The
/// options apply to every run started from this value, and one
/// value can start many runs, from several threads at once.
///
/// # How a run works
///
/// - The worker threads outlive the call that starts them, because the results are read
///   later through an iterator. So the runner and a shared environment are held in an
///   [`Arc`], and a run needs `'static` inputs, outputs and steps.
/// - Inputs are pulled from the input iterator on the consumer's thread, inside
///   [`Results::next`](Iterator::next), and only while fewer than the worker count plus
///   the buffer size are outstanding. The input iterator need not be `Send`, memory does
///   not grow with the input count, and a consumer that stops reading stops the feeding.
/// - Each run gets a [`CancelToken`] derived from the caller's: canceling the caller's
///   token stops every record, and so does a callback's
///   [`Context::cancel`](crate::Context::cancel), which cancels only the derived token and
///   leaves the caller's as it was. Dropping the results cancels the derived token too.
/// - A per-worker environment is built by a factory on the worker's own thread, so it
///   need not be `Send` or `Sync`: a database connection or a scratch buffer in a
///   `RefCell` fits.
/// - Channels come from `crossbeam-channel`: its queues let every worker take from one
///   task queue, which the standard library's `mpsc` does not.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use choreograph::{CancelToken, Pipeline, markers};
///
/// markers! {
///     /// Counts the bytes.
///     pub Count = "count";
/// }
///
/// let pipeline = Arc::new(Pipeline::<String>::new().job(Count, |cx| Ok(cx.input().len())));
/// let concurrent = pipeline
///     .concurrent()
///     .workers(2)
///     .buffer(8)
///     .ordered(true)
///     .cancel_token(CancelToken::new());
///
/// let words = ["one", "three", "five"].map(String::from);
/// let lengths: Vec<usize> = concurrent
///     .run(words, ())?
///     .map(|record| *record.report().bag().get(Count).output().unwrap())
///     .collect();
/// assert_eq!(lengths, [3, 5, 4]);
/// # Ok::<(), choreograph::Error>(())
/// ```
pub struct Concurrent<R: ?Sized> {
    runner: Arc<R>,
    workers: Option<usize>,
    buffer: Option<usize>,
    ordered: bool,
    cancel: CancelToken,
}

impl<R: ?Sized> Concurrent<R> {
    /// Creates the options to run `runner` with the default options.
    ///
    /// The defaults are as many workers as the available parallelism, a buffer as large
    /// as the worker count, results in finishing order, and no cancellation from outside.
    /// A [`Coordinator`](crate::Coordinator) runs on its own worker count instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use choreograph::{Concurrent, Pipeline, markers};
    ///
    /// markers! {
    ///     /// Does nothing.
    ///     pub Noop = "noop";
    /// }
    ///
    /// let concurrent = Concurrent::new(Arc::new(Pipeline::<u8>::new().job(Noop, |_| Ok(()))));
    /// assert_eq!(concurrent.run([1, 2, 3], ())?.count(), 3);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn new(runner: Arc<R>) -> Self {
        Concurrent {
            runner,
            workers: None,
            buffer: None,
            ordered: false,
            cancel: CancelToken::new(),
        }
    }

    /// Sets the number of worker threads.
    ///
    /// A count of 0 is treated as 1, and a count above [`MAX_WORKERS`] as `MAX_WORKERS`.
    /// A run also starts no more workers than the input iterator's upper size bound.
    /// Without this call, a pipeline runs on as many workers as the available parallelism,
    /// and a coordinator on its own count,
    /// [`Coordinator::workers`](crate::Coordinator::workers).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use choreograph::{MAX_WORKERS, Pipeline, markers};
    ///
    /// markers! {
    ///     /// Does nothing.
    ///     pub Noop = "noop";
    /// }
    ///
    /// let pipeline = Arc::new(Pipeline::<u32>::new().job(Noop, |_| Ok(())));
    /// let inputs = 0..1_000;
    /// assert_eq!(pipeline.concurrent().workers(0).run(inputs.clone(), ())?.workers(), 1);
    /// let results = pipeline.concurrent().workers(usize::MAX).run(inputs, ())?;
    /// assert_eq!(results.workers(), MAX_WORKERS);
    /// assert_eq!(results.count(), 1_000);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn workers(mut self, count: usize) -> Self {
        self.workers = Some(count);
        self
    }

    /// Sets how many inputs may wait in the queue or results wait to be read, on top of
    /// one record in progress per worker.
    ///
    /// The default is the worker count. At most the worker count plus this buffer size of
    /// inputs are pulled and not yet returned at any time, which bounds the memory a run
    /// uses whatever the input count. In input order, that window also contains the records
    /// that finished before an earlier one: a slow record makes the workers idle once the
    /// window is full.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use choreograph::{Pipeline, markers};
    ///
    /// markers! {
    ///     /// Does nothing.
    ///     pub Noop = "noop";
    /// }
    ///
    /// let pipeline = Arc::new(Pipeline::<u32>::new().job(Noop, |_| Ok(())));
    /// let results = pipeline.concurrent().workers(1).buffer(0).run(0..5, ())?;
    /// assert_eq!(results.count(), 5);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn buffer(mut self, size: usize) -> Self {
        self.buffer = Some(size);
        self
    }

    /// Sets whether results come in input order (`true`) or as records finish (`false`,
    /// the default).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use choreograph::{Pipeline, markers};
    ///
    /// markers! {
    ///     /// Does nothing.
    ///     pub Noop = "noop";
    /// }
    ///
    /// let pipeline = Arc::new(Pipeline::<u32>::new().job(Noop, |_| Ok(())));
    /// let results = pipeline.concurrent().ordered(true).run(0..100, ())?;
    /// let positions: Vec<usize> = results.map(|record| record.position()).collect();
    /// assert_eq!(positions, (0..100).collect::<Vec<_>>());
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn ordered(mut self, ordered: bool) -> Self {
        self.ordered = ordered;
        self
    }

    /// Sets the token that cancels the runs.
    ///
    /// Once `token` is canceled or its deadline passes, every record stops before its next
    /// step with [`Error::Canceled`](crate::Error::Canceled), and records that had not
    /// started run no callback. Every input pulled still yields its result. A run never
    /// cancels `token` itself: a callback's [`Context::cancel`](crate::Context::cancel)
    /// and a dropped result stream cancel only that run.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use choreograph::{CancelToken, Error, Pipeline, markers};
    ///
    /// markers! {
    ///     /// Does nothing.
    ///     pub Noop = "noop";
    /// }
    ///
    /// let pipeline = Arc::new(Pipeline::<u32>::new().job(Noop, |_| Ok(())));
    /// let token = CancelToken::new();
    /// token.cancel();
    /// let results = pipeline.concurrent().cancel_token(token).run(0..10, ())?;
    /// let canceled = results
    ///     .filter(|record| matches!(record.report().error(), Some(Error::Canceled { .. })))
    ///     .count();
    /// assert_eq!(canceled, 10);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn cancel_token(mut self, token: CancelToken) -> Self {
        self.cancel = token;
        self
    }

    /// Returns the pipeline or coordinator that the runs use.
    pub fn runner(&self) -> &Arc<R> {
        &self.runner
    }

    /// Starts the workers of a run over `inputs` and returns the stream of its results.
    ///
    /// `default` gives the worker count when [`workers`](Concurrent::workers) was not
    /// called. Each worker builds its environment with `make_env`, runs `process` for each
    /// input it takes, and turns the message of a panic outside the callbacks into a
    /// result with `recover`.
    fn launch<It, W, Out, F, P, X>(
        &self,
        inputs: It,
        default: impl FnOnce() -> usize,
        make_env: F,
        process: P,
        recover: X,
    ) -> Result<Results<It::IntoIter, Out>, Error>
    where
        It: IntoIterator,
        It::Item: Send + 'static,
        Out: Send + 'static,
        F: Fn(usize) -> Result<W, BoxError> + Send + Sync + 'static,
        P: Fn(&W, &It::Item, &CancelToken) -> Out + Send + Sync + 'static,
        X: Fn(String) -> Out + Send + Sync + 'static,
    {
        let inputs = inputs.into_iter();
        let settings = self.settings(inputs.size_hint().1, default);
        let pool = Pool::start(settings.workers, &self.cancel, make_env, process, recover)?;
        Ok(Results::new(
            inputs,
            pool,
            settings.capacity,
            settings.ordered,
        ))
    }

    /// Resolves the options for an input iterator whose upper size bound is `upper`, with
    /// `default` giving the worker count when [`workers`](Concurrent::workers) was not
    /// called.
    fn settings(&self, upper: Option<usize>, default: impl FnOnce() -> usize) -> Settings {
        let requested = self.workers.unwrap_or_else(default);
        let mut workers = requested.clamp(1, MAX_WORKERS);
        if let Some(upper) = upper {
            workers = workers.min(upper.max(1));
        }
        let buffer = self.buffer.unwrap_or(workers);
        Settings {
            workers,
            capacity: workers.saturating_add(buffer),
            ordered: self.ordered,
        }
    }
}

impl<R: ?Sized> Clone for Concurrent<R> {
    fn clone(&self) -> Self {
        Concurrent {
            runner: Arc::clone(&self.runner),
            workers: self.workers,
            buffer: self.buffer,
            ordered: self.ordered,
            cancel: self.cancel.clone(),
        }
    }
}

impl<R: ?Sized + fmt::Debug> fmt::Debug for Concurrent<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Concurrent")
            .field("runner", &self.runner)
            .field("workers", &self.workers)
            .field("buffer", &self.buffer)
            .field("ordered", &self.ordered)
            .field("cancel", &self.cancel)
            .finish()
    }
}

/// The options of one run, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Settings {
    /// The number of worker threads, from 1 to [`MAX_WORKERS`].
    workers: usize,
    /// The maximum number of inputs pulled and not yet returned.
    capacity: usize,
    ordered: bool,
}

/// Returns the available parallelism, 1 when the platform cannot report it, and at most
/// [`MAX_WORKERS`].
pub(crate) fn default_workers() -> usize {
    std::thread::available_parallelism()
        .map_or(1, NonZero::get)
        .min(MAX_WORKERS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(workers: Option<usize>, buffer: Option<usize>) -> Concurrent<()> {
        Concurrent {
            runner: Arc::new(()),
            workers,
            buffer,
            ordered: false,
            cancel: CancelToken::new(),
        }
    }

    #[test]
    fn settings_clamp_worker_count() {
        let cases = [
            (Some(0), None, 1),
            (Some(1), None, 1),
            (Some(7), None, 7),
            (Some(usize::MAX), None, MAX_WORKERS),
            (Some(8), Some(3), 3),
            (Some(8), Some(0), 1),
            (Some(usize::MAX), Some(usize::MAX), MAX_WORKERS),
        ];
        for (requested, upper, expected) in cases {
            let settings = options(requested, None).settings(upper, default_workers);
            assert_eq!(
                settings.workers, expected,
                "requested {requested:?}, upper {upper:?}"
            );
        }
    }

    #[test]
    fn settings_default_to_available_parallelism() {
        let settings = options(None, None).settings(None, default_workers);
        assert_eq!(settings.workers, default_workers());
        assert_eq!(settings.capacity, 2 * settings.workers);
    }

    #[test]
    fn settings_saturate_capacity() {
        assert_eq!(
            options(Some(4), Some(0))
                .settings(None, default_workers)
                .capacity,
            4
        );
        assert_eq!(
            options(Some(4), Some(10))
                .settings(None, default_workers)
                .capacity,
            14
        );
        let huge = options(Some(4), Some(usize::MAX)).settings(None, default_workers);
        assert_eq!(huge.capacity, usize::MAX);
    }
}
