//! The stream of finished records that a concurrent run returns.

use std::fmt;
use std::iter::FusedIterator;

use crate::concurrent::ordered::Reorder;
use crate::concurrent::pool::{Pool, Task};

/// One finished record of a concurrent run: the input, its position in the input sequence,
/// and the report of its run.
///
/// For a [`Pipeline`](crate::Pipeline), `R` is a [`Report`](crate::Report), and for a
/// [`Coordinator`](crate::Coordinator) a [`DynReport`](crate::DynReport). Both contain the
/// record's data bag, runtime error and execution errors.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use choreograph::{Pipeline, markers};
///
/// markers! {
///     /// Parses the input.
///     pub Parse = "parse";
/// }
///
/// let pipeline = Arc::new(Pipeline::<str>::new().job(Parse, |cx| Ok(cx.input().parse::<u8>()?)));
/// let mut results = pipeline.concurrent().ordered(true).run(["7", "x"], ())?;
///
/// let first = results.next().unwrap();
/// assert_eq!((first.position(), *first.input()), (0, "7"));
/// assert_eq!(first.report().bag().get(Parse).output(), Some(&7));
///
/// let second = results.next().unwrap();
/// assert_eq!(second.position(), 1);
/// assert!(second.report().error().is_some());
/// # Ok::<(), choreograph::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Processed<In, R> {
    position: usize,
    input: In,
    report: R,
}

impl<In, R> Processed<In, R> {
    pub(crate) fn new(position: usize, input: In, report: R) -> Self {
        Processed {
            position,
            input,
            report,
        }
    }

    /// Returns the 0-based position of the input in the input sequence.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Returns the input the record was run for.
    pub fn input(&self) -> &In {
        &self.input
    }

    /// Returns the report of the record's run.
    pub fn report(&self) -> &R {
        &self.report
    }

    /// Moves the input out, dropping the report.
    pub fn into_input(self) -> In {
        self.input
    }

    /// Moves the report out, dropping the input.
    pub fn into_report(self) -> R {
        self.report
    }

    /// Splits the record into its position, input and report.
    pub fn into_parts(self) -> (usize, In, R) {
        (self.position, self.input, self.report)
    }
}

/// The order in which [`Results`] returns finished records.
enum Order<T> {
    /// As the records finish.
    Finished,
    /// In input order, holding records that finish early.
    Input(Reorder<T>),
}

/// A stream of finished records: an iterator that blocks until the next record finishes.
///
/// Created by [`Concurrent::run`](crate::Concurrent::run) and its siblings. Inputs are
/// pulled from the input iterator on the thread that calls [`next`](Iterator::next), and
/// only as fast as results are read. At most the worker count plus the buffer size of
/// inputs are in flight or waiting to be read, so a consumer that stops reading makes the
/// workers wait. Every input pulled yields exactly one result, and the stream ends after
/// the last one.
///
/// # Drop
///
/// Dropping the stream stops the run: records in flight stop before their next step,
/// inputs not yet pulled are never pulled, and the drop returns once every worker thread
/// has ended. It waits for the step that each worker is running to finish, so a step that
/// never returns keeps the drop waiting.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use choreograph::{Pipeline, markers};
///
/// markers! {
///     /// Squares the input.
///     pub Square = "square";
/// }
///
/// let pipeline = Arc::new(Pipeline::<u64>::new().job(Square, |cx| Ok(cx.input() * cx.input())));
/// let results = pipeline.concurrent().workers(2).run(1..=100, ())?;
/// let sum: u64 = results
///     .map(|record| *record.report().bag().get(Square).output().unwrap())
///     .sum();
/// assert_eq!(sum, 338_350);
/// # Ok::<(), choreograph::Error>(())
/// ```
pub struct Results<It: Iterator, R> {
    inputs: Option<It>,
    next_position: usize,
    in_flight: usize,
    capacity: usize,
    order: Order<Processed<It::Item, R>>,
    pool: Pool<It::Item, R>,
}

impl<It, R> Results<It, R>
where
    It: Iterator,
    It::Item: Send + 'static,
    R: Send + 'static,
{
    /// Wraps a started pool that takes at most `capacity` inputs at a time.
    pub(crate) fn new(inputs: It, pool: Pool<It::Item, R>, capacity: usize, ordered: bool) -> Self {
        Results {
            inputs: Some(inputs),
            next_position: 0,
            in_flight: 0,
            capacity,
            order: if ordered {
                Order::Input(Reorder::new())
            } else {
                Order::Finished
            },
            pool,
        }
    }

    /// Returns the number of worker threads of the run.
    ///
    /// It is the requested count, or the available parallelism, limited to
    /// [`MAX_WORKERS`](crate::MAX_WORKERS) and to the input iterator's upper size bound,
    /// and at least 1.
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
    /// let pipeline = Arc::new(Pipeline::<u8>::new().job(Noop, |_| Ok(())));
    /// assert_eq!(pipeline.concurrent().workers(8).run([1, 2, 3], ())?.workers(), 3);
    /// assert_eq!(pipeline.concurrent().workers(0).run(0..100, ())?.workers(), 1);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn workers(&self) -> usize {
        self.pool.workers()
    }

    /// Returns the number of inputs pulled whose results were not returned yet.
    fn outstanding(&self) -> usize {
        match &self.order {
            Order::Finished => self.in_flight,
            Order::Input(buffer) => self.next_position - buffer.next_position(),
        }
    }

    /// Pulls inputs and queues them until `capacity` are outstanding or the inputs run out.
    fn feed(&mut self) {
        while self.outstanding() < self.capacity {
            let Some(inputs) = &mut self.inputs else {
                return;
            };
            let Some(input) = inputs.next() else {
                self.inputs = None;
                self.pool.close();
                return;
            };
            let task = Task {
                position: self.next_position,
                input,
            };
            if self.pool.send(task).is_err() {
                // No worker is left to take inputs, which only a worker thread that died
                // outside every panic guard could cause: end the stream.
                self.inputs = None;
                self.pool.close();
                return;
            }
            self.next_position += 1;
            self.in_flight += 1;
        }
    }
}

impl<It, R> Iterator for Results<It, R>
where
    It: Iterator,
    It::Item: Send + 'static,
    R: Send + 'static,
{
    type Item = Processed<It::Item, R>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.feed();
            if let Order::Input(buffer) = &mut self.order {
                if let Some(record) = buffer.pop() {
                    return Some(record);
                }
            }
            if self.in_flight == 0 {
                return None;
            }

            let record = self.pool.recv()?;
            self.in_flight -= 1;
            match &mut self.order {
                Order::Finished => return Some(record),
                Order::Input(buffer) => buffer.insert(record.position(), record),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let held = match &self.order {
            Order::Finished => 0,
            Order::Input(buffer) => buffer.len(),
        };
        let pulled = self.in_flight + held;
        match &self.inputs {
            None => (pulled, Some(pulled)),
            Some(inputs) => {
                let (lower, upper) = inputs.size_hint();
                (
                    pulled.saturating_add(lower),
                    upper.and_then(|upper| upper.checked_add(pulled)),
                )
            }
        }
    }
}

impl<It, R> FusedIterator for Results<It, R>
where
    It: Iterator,
    It::Item: Send + 'static,
    R: Send + 'static,
{
}

impl<It: Iterator, R> fmt::Debug for Results<It, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Results")
            .field("workers", &self.pool.workers())
            .field("capacity", &self.capacity)
            .field("in_flight", &self.in_flight)
            .field("ordered", &matches!(self.order, Order::Input(_)))
            .field("inputs_done", &self.inputs.is_none())
            .finish()
    }
}
