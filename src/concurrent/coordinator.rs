//! Concurrent runs of a [`Coordinator`].
//!
//! A coordinator takes dynamic inputs, but the items of a concurrent run are owned values
//! that cross to the worker threads. Each item has one type `T: Any + Send`, and the worker
//! hands it to the steps as `Input::new(&item)`, so its own type is the input type. An
//! [`AnyInput`](crate::AnyInput) item is unwrapped there, which lets one run mix records of
//! several types.

use std::any::Any;
use std::borrow::Borrow;
use std::sync::Arc;

use crate::cancel::CancelToken;
use crate::concurrent::{Concurrent, Results};
use crate::coordinator::{Coordinator, DynReport, Input};
use crate::error::{BoxError, Error};

/// The result stream of a coordinator over the inputs of `It`.
type CoordinatorResults<It> = Results<<It as IntoIterator>::IntoIter, DynReport>;

impl<Env: ?Sized + 'static> Coordinator<Env> {
    /// Creates the options to run this coordinator over many inputs on worker threads.
    ///
    /// The coordinator is shared with the worker threads, so it is called on an `Arc`. The
    /// same coordinator can run many times, and from several threads at once. The worker
    /// count defaults to the coordinator's own ([`with_workers`](Coordinator::with_workers)),
    /// and [`Concurrent::workers`] overrides it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use choreograph::{Coordinator, DynStep};
    ///
    /// let mut coordinator = Coordinator::new().with_workers(3);
    /// coordinator.add_step(DynStep::new("double").job_with(|_, amount: &u64| Ok(amount * 2)))?;
    /// let coordinator = Arc::new(coordinator);
    ///
    /// let results = coordinator.concurrent().run(vec![1_u64, 2, 3], ())?;
    /// assert_eq!(results.workers(), 3);
    /// let mut doubled: Vec<u64> = results
    ///     .map(|record| *record.report().bag().job_data::<u64>("double").unwrap().unwrap())
    ///     .collect();
    /// doubled.sort();
    /// assert_eq!(doubled, [2, 4, 6]);
    /// assert_eq!(coordinator.concurrent().workers(1).run([1_u64], ())?.workers(), 1);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn concurrent(self: &Arc<Self>) -> Concurrent<Self> {
        Concurrent::new(Arc::clone(self))
    }

    /// Runs the coordinator over every input on worker threads with the default options,
    /// and returns the results as records finish.
    ///
    /// It is [`concurrent`](Coordinator::concurrent)`().`[`run`](Concurrent::run)`(inputs, env)`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::WorkerStartFailed`] when a worker thread cannot be spawned.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use choreograph::{Coordinator, DynStep};
    ///
    /// struct Rates {
    ///     cents_per_unit: u64,
    /// }
    ///
    /// let mut coordinator = Coordinator::<Rates>::new();
    /// coordinator.add_step(
    ///     DynStep::<Rates>::new("price")
    ///         .job_with(|cx, units: &u64| Ok(units * cx.env().cents_per_unit)),
    /// )?;
    /// let total: u64 = Arc::new(coordinator)
    ///     .run_concurrent(1..=4_u64, Rates { cents_per_unit: 25 })?
    ///     .map(|record| *record.report().bag().job_data::<u64>("price").unwrap().unwrap())
    ///     .sum();
    /// assert_eq!(total, 250);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn run_concurrent<It>(
        self: &Arc<Self>,
        inputs: It,
        env: impl Into<Arc<Env>>,
    ) -> Result<CoordinatorResults<It>, Error>
    where
        It: IntoIterator,
        It::Item: Any + Send,
        Env: Send + Sync,
    {
        self.concurrent().run(inputs, env)
    }
}

impl<Env: ?Sized + 'static> Concurrent<Coordinator<Env>> {
    /// Runs the coordinator over every input on worker threads that share one environment.
    ///
    /// Each item is an owned value of a `'static + Send` type `T`, and the steps see it as
    /// `Input::new(&item)`: callbacks written for `&T` accept it, and the others report
    /// [`Error::UnassignableInput`] for that record. Wrap items in
    /// [`AnyInput`](crate::AnyInput) to mix types in one run. Each result carries its item
    /// back, with the record's [`DynReport`].
    ///
    /// # Errors
    ///
    /// Returns [`Error::WorkerStartFailed`] when a worker thread cannot be spawned. The
    /// input iterator is then dropped without being pulled.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use choreograph::{Coordinator, DynStep};
    ///
    /// let mut coordinator = Coordinator::<AtomicUsize>::new();
    /// coordinator.add_step(DynStep::<AtomicUsize>::new("count").job_with(|cx, word: &String| {
    ///     cx.env().fetch_add(word.chars().count(), Ordering::Relaxed);
    ///     Ok(())
    /// }))?;
    /// let coordinator = Arc::new(coordinator);
    ///
    /// let total = Arc::new(AtomicUsize::new(0));
    /// let words = vec![String::from("héllo"), String::from("wörld")];
    /// let results = coordinator.concurrent().run(words, Arc::clone(&total))?;
    /// assert_eq!(results.count(), 2);
    /// assert_eq!(total.load(Ordering::Relaxed), 10);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn run<It>(
        &self,
        inputs: It,
        env: impl Into<Arc<Env>>,
    ) -> Result<CoordinatorResults<It>, Error>
    where
        It: IntoIterator,
        It::Item: Any + Send,
        Env: Send + Sync,
    {
        let env: Arc<Env> = env.into();
        self.start(inputs, move |_| Ok(Arc::clone(&env)))
    }

    /// Runs the coordinator over every input on worker threads that each own an
    /// environment, built by `make_env` from the worker's 0-based index.
    ///
    /// `make_env` runs once per worker, on that worker's thread, before the run takes any
    /// input. The environment never leaves its thread, so it need be neither `Send` nor
    /// `Sync`: a database connection or a buffer in a `RefCell` fits. Inputs are handed to
    /// the steps as [`run`](Concurrent::run) describes.
    ///
    /// # Errors
    ///
    /// Returns [`Error::WorkerStartFailed`] when a worker thread cannot be spawned or
    /// `make_env` panics. No input is pulled then, and the input iterator is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::sync::Arc;
    /// use choreograph::{Coordinator, DynStep};
    ///
    /// type Buffer = RefCell<String>;
    ///
    /// let mut coordinator = Coordinator::<Buffer>::new();
    /// coordinator.add_step(DynStep::<Buffer>::new("format").job_with(|cx, number: &u32| {
    ///     let mut buffer = cx.env().borrow_mut();
    ///     buffer.clear();
    ///     buffer.push_str(&format!("#{number}"));
    ///     Ok(buffer.len())
    /// }))?;
    /// let results = Arc::new(coordinator)
    ///     .concurrent()
    ///     .workers(2)
    ///     .run_per_worker(0..100_u32, |_| RefCell::new(String::with_capacity(16)))?;
    /// let bytes: usize = results
    ///     .map(|record| *record.report().bag().job_data::<usize>("format").unwrap().unwrap())
    ///     .sum();
    /// assert_eq!(bytes, 10 * 2 + 90 * 3);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn run_per_worker<It, F>(
        &self,
        inputs: It,
        make_env: F,
    ) -> Result<CoordinatorResults<It>, Error>
    where
        It: IntoIterator,
        It::Item: Any + Send,
        Env: Sized,
        F: Fn(usize) -> Env + Send + Sync + 'static,
    {
        self.start(inputs, move |worker| Ok(make_env(worker)))
    }

    /// Runs the coordinator like [`run_per_worker`](Concurrent::run_per_worker), with a
    /// factory that can fail.
    ///
    /// # Errors
    ///
    /// Returns [`Error::WorkerStartFailed`] for the lowest-numbered worker whose thread
    /// cannot be spawned, or whose `make_env` returns an error or panics. Its source is
    /// the factory's error. No input is pulled then, and every worker thread has ended.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use choreograph::{Coordinator, DynStep, Error};
    ///
    /// struct Connection;
    ///
    /// fn connect(worker: usize) -> Result<Connection, std::io::Error> {
    ///     if worker < 2 {
    ///         Ok(Connection)
    ///     } else {
    ///         Err(std::io::Error::other("too many connections"))
    ///     }
    /// }
    ///
    /// let mut coordinator = Coordinator::<Connection>::new();
    /// coordinator.add_step(DynStep::new("noop"))?;
    /// let coordinator = Arc::new(coordinator);
    ///
    /// let two = coordinator.concurrent().workers(2).try_run_per_worker(0..10, connect)?;
    /// assert_eq!(two.count(), 10);
    ///
    /// let three = coordinator.concurrent().workers(3).try_run_per_worker(0..10, connect);
    /// let Err(Error::WorkerStartFailed { worker, source }) = three else {
    ///     panic!("the third connection should fail");
    /// };
    /// assert_eq!(worker, 2);
    /// assert_eq!(source.to_string(), "too many connections");
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn try_run_per_worker<It, F, E>(
        &self,
        inputs: It,
        make_env: F,
    ) -> Result<CoordinatorResults<It>, Error>
    where
        It: IntoIterator,
        It::Item: Any + Send,
        Env: Sized,
        F: Fn(usize) -> Result<Env, E> + Send + Sync + 'static,
        E: Into<BoxError>,
    {
        self.start(inputs, move |worker| make_env(worker).map_err(Into::into))
    }

    /// Starts the workers, each with the value that `make_env` builds for it, and which
    /// the coordinator borrows as its environment.
    fn start<It, W, F>(&self, inputs: It, make_env: F) -> Result<CoordinatorResults<It>, Error>
    where
        It: IntoIterator,
        It::Item: Any + Send,
        W: Borrow<Env>,
        F: Fn(usize) -> Result<W, BoxError> + Send + Sync + 'static,
    {
        let coordinator = Arc::clone(&self.runner);
        let process = move |env: &W, input: &It::Item, token: &CancelToken| {
            coordinator.run_catch_unwind(Input::new(input), env.borrow(), token)
        };
        let coordinator = Arc::clone(&self.runner);
        self.launch(
            inputs,
            || self.runner.workers(),
            make_env,
            process,
            move |message| coordinator.run_panicked(message),
        )
    }
}
