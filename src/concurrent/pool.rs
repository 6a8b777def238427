//! The worker threads of one concurrent run, and the channels that connect them to the
//! consumer.
//!
//! The engine does not depend on pipelines. It takes three closures: one that builds a
//! worker's environment on the worker's thread, one that processes an input, and one that
//! turns a panic which escaped the processing into an output. The consumer hands out
//! numbered inputs through one task queue that every worker takes from, and reads outputs
//! from one result queue that every worker sends to. Both queues are unbounded
//! `crossbeam-channel` queues: the consumer alone decides how many inputs are in flight,
//! so neither queue ever contains more than that many items.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender};

use crate::cancel::CancelToken;
use crate::chain::panic_message;
use crate::concurrent::results::Processed;
use crate::error::{BoxError, Error};

/// One input on its way to a worker, with its 0-based position in the input sequence.
pub(crate) struct Task<In> {
    pub(crate) position: usize,
    pub(crate) input: In,
}

/// The closures that one run's workers share.
struct Work<F, P, R> {
    make_env: F,
    process: P,
    recover: R,
}

/// The message a worker sends once it has built its environment, or failed to.
type Started = Result<(), Error>;

/// The running workers of one concurrent run.
///
/// Dropping the pool stops it: records in flight stop before their next step, workers
/// take no further input, and the drop returns once every worker thread has ended.
pub(crate) struct Pool<In, Out> {
    tasks: Option<Sender<Task<In>>>,
    results: Receiver<Processed<In, Out>>,
    threads: Vec<JoinHandle<()>>,
    stopped: Arc<AtomicBool>,
    token: CancelToken,
}

impl<In, Out> Pool<In, Out>
where
    In: Send + 'static,
    Out: Send + 'static,
{
    /// Spawns `workers` threads and waits until each has built its environment.
    ///
    /// Every run of `process` gets a token derived from `cancel`: canceling `cancel`
    /// stops the runs, and so does dropping the pool, which leaves `cancel` as it was.
    ///
    /// # Errors
    ///
    /// Returns [`Error::WorkerStartFailed`] for the lowest-numbered worker whose thread
    /// could not be spawned or whose environment factory failed or panicked. Every worker
    /// thread that was spawned has ended by then.
    pub(crate) fn start<W, F, P, R>(
        workers: usize,
        cancel: &CancelToken,
        make_env: F,
        process: P,
        recover: R,
    ) -> Result<Self, Error>
    where
        F: Fn(usize) -> Result<W, BoxError> + Send + Sync + 'static,
        P: Fn(&W, &In, &CancelToken) -> Out + Send + Sync + 'static,
        R: Fn(String) -> Out + Send + Sync + 'static,
    {
        let work = Arc::new(Work {
            make_env,
            process,
            recover,
        });
        let (task_sender, task_receiver) = crossbeam_channel::unbounded();
        let (result_sender, result_receiver) = crossbeam_channel::unbounded();
        let (started_sender, started_receiver) = crossbeam_channel::unbounded();
        let mut pool = Pool {
            tasks: Some(task_sender),
            results: result_receiver,
            threads: Vec::with_capacity(workers),
            stopped: Arc::new(AtomicBool::new(false)),
            token: cancel.child(),
        };

        let mut failures = Vec::new();
        for index in 0..workers {
            let worker = Worker {
                index,
                tasks: task_receiver.clone(),
                results: result_sender.clone(),
                stopped: Arc::clone(&pool.stopped),
                token: pool.token.clone(),
            };
            let work = Arc::clone(&work);
            let started = started_sender.clone();
            let spawned = thread::Builder::new()
                .name(format!("choreograph-worker-{index}"))
                .spawn(move || worker.run(&work, started));
            match spawned {
                Ok(handle) => pool.threads.push(handle),
                Err(error) => {
                    failures.push(Error::WorkerStartFailed {
                        worker: index,
                        source: Box::new(error),
                    });
                    break;
                }
            }
        }
        drop(started_sender);

        // Each spawned worker sends one message and then drops its sender, so the channel
        // closes once every worker has built its environment or failed to.
        failures.extend(started_receiver.iter().filter_map(Result::err));
        let first_failure = failures.into_iter().min_by_key(|failure| match failure {
            Error::WorkerStartFailed { worker, .. } => *worker,
            _ => usize::MAX,
        });
        match first_failure {
            Some(failure) => Err(failure),
            None => Ok(pool),
        }
    }
}

impl<In, Out> Pool<In, Out> {
    /// Returns the number of worker threads.
    pub(crate) fn workers(&self) -> usize {
        self.threads.len()
    }

    /// Queues `task` for the next free worker.
    ///
    /// # Errors
    ///
    /// Returns the task when the queue is closed or no worker is left to take it.
    pub(crate) fn send(&self, task: Task<In>) -> Result<(), Task<In>> {
        match &self.tasks {
            Some(tasks) => tasks.send(task).map_err(|error| error.into_inner()),
            None => Err(task),
        }
    }

    /// Closes the task queue: each worker ends once the queue is empty.
    pub(crate) fn close(&mut self) {
        self.tasks = None;
    }

    /// Waits for the next finished record, or returns `None` once every worker has ended
    /// and every result was received.
    pub(crate) fn recv(&self) -> Option<Processed<In, Out>> {
        self.results.recv().ok()
    }
}

impl<In, Out> Drop for Pool<In, Out> {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::Release);
        self.token.cancel();
        self.tasks = None;
        for handle in self.threads.drain(..) {
            // A worker that panicked (only possible in a `Drop` of its environment) has
            // ended all the same, which is all the join waits for.
            let _ = handle.join();
        }
    }
}

/// The state one worker thread owns.
struct Worker<In, Out> {
    index: usize,
    tasks: Receiver<Task<In>>,
    results: Sender<Processed<In, Out>>,
    stopped: Arc<AtomicBool>,
    token: CancelToken,
}

impl<In, Out> Worker<In, Out> {
    /// Builds the worker's environment, then processes tasks until the queue closes or the
    /// pool stops.
    fn run<W, F, P, R>(self, work: &Work<F, P, R>, started: Sender<Started>)
    where
        F: Fn(usize) -> Result<W, BoxError>,
        P: Fn(&W, &In, &CancelToken) -> Out,
        R: Fn(String) -> Out,
    {
        let env = match catch_unwind(AssertUnwindSafe(|| (work.make_env)(self.index))) {
            Ok(Ok(env)) => env,
            Ok(Err(source)) => {
                let _ = started.send(Err(self.start_failed(source)));
                return;
            }
            Err(payload) => {
                let message = take_message(payload);
                let source = format!("environment factory panicked: {message}").into();
                let _ = started.send(Err(self.start_failed(source)));
                return;
            }
        };
        if started.send(Ok(())).is_err() {
            return;
        }
        drop(started);

        for task in &self.tasks {
            if self.stopped.load(Ordering::Acquire) {
                break;
            }
            let processed = catch_unwind(AssertUnwindSafe(|| {
                (work.process)(&env, &task.input, &self.token)
            }));
            let output = match processed {
                Ok(output) => output,
                Err(payload) => (work.recover)(take_message(payload)),
            };
            let result = Processed::new(task.position, task.input, output);
            if self.results.send(result).is_err() {
                break;
            }
        }
    }

    fn start_failed(&self, source: BoxError) -> Error {
        Error::WorkerStartFailed {
            worker: self.index,
            source,
        }
    }
}

/// Extracts the message of a caught panic and drops the payload. A panic in the payload's
/// own `Drop` is caught too, so that the worker goes on.
fn take_message(payload: Box<dyn Any + Send>) -> String {
    let message = panic_message(payload.as_ref());
    if let Err(inner) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        // Dropping this payload could panic again, so it is leaked on purpose.
        std::mem::forget(inner);
    }
    message
}
