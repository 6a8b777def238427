//! Concurrent runs of a typed [`Pipeline`].

use std::borrow::Borrow;
use std::sync::Arc;

use crate::bag::Bag;
use crate::cancel::CancelToken;
use crate::chain::Chain;
use crate::concurrent::{Concurrent, Results, default_workers};
use crate::error::{BoxError, Error};
use crate::pipeline::Pipeline;
use crate::report::Report;

/// The result stream of a pipeline with bag slots `L` over the inputs of `It`.
type PipelineResults<It, L> = Results<<It as IntoIterator>::IntoIter, Report<L>>;

impl<I, Env, C, L> Pipeline<I, Env, C, L>
where
    I: ?Sized + 'static,
    Env: ?Sized + 'static,
    C: Chain<I, Env, L> + Send + Sync + 'static,
    L: Send + 'static,
{
    /// Creates the options to run this pipeline over many inputs on worker threads.
    ///
    /// The pipeline is shared with the worker threads, so it is called on an `Arc`. The
    /// same pipeline can run many times, and from several threads at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use choreograph::{Pipeline, markers};
    ///
    /// markers! {
    ///     /// Doubles the input.
    ///     pub Double = "double";
    /// }
    ///
    /// let pipeline = Arc::new(Pipeline::<u64>::new().job(Double, |cx| Ok(cx.input() * 2)));
    /// let mut doubled: Vec<u64> = pipeline
    ///     .concurrent()
    ///     .workers(3)
    ///     .run(vec![1, 2, 3], ())?
    ///     .map(|record| *record.report().bag().get(Double).output().unwrap())
    ///     .collect();
    /// doubled.sort();
    /// assert_eq!(doubled, [2, 4, 6]);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn concurrent(self: &Arc<Self>) -> Concurrent<Self> {
        Concurrent::new(Arc::clone(self))
    }

    /// Runs the pipeline over every input on worker threads with the default options, and
    /// returns the results as records finish.
    ///
    /// It is [`concurrent`](Pipeline::concurrent)`().`[`run`](Concurrent::run)`(inputs, env)`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::WorkerStartFailed`] when a worker thread cannot be spawned.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use choreograph::{Pipeline, markers};
    ///
    /// struct Rates {
    ///     cents_per_unit: u64,
    /// }
    ///
    /// markers! {
    ///     /// Prices the order.
    ///     pub Price = "price";
    /// }
    ///
    /// let pipeline = Arc::new(
    ///     Pipeline::<u64, Rates>::new().job(Price, |cx| Ok(cx.input() * cx.env().cents_per_unit)),
    /// );
    /// let total: u64 = pipeline
    ///     .run_concurrent(1..=4, Rates { cents_per_unit: 25 })?
    ///     .map(|record| *record.report().bag().get(Price).output().unwrap())
    ///     .sum();
    /// assert_eq!(total, 250);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn run_concurrent<It>(
        self: &Arc<Self>,
        inputs: It,
        env: impl Into<Arc<Env>>,
    ) -> Result<PipelineResults<It, L>, Error>
    where
        It: IntoIterator,
        It::Item: Borrow<I> + Send + 'static,
        Env: Send + Sync,
    {
        self.concurrent().run(inputs, env)
    }
}

impl<I, Env, C, L> Concurrent<Pipeline<I, Env, C, L>>
where
    I: ?Sized + 'static,
    Env: ?Sized + 'static,
    C: Chain<I, Env, L> + Send + Sync + 'static,
    L: Send + 'static,
{
    /// Runs the pipeline over every input on worker threads that share one environment.
    ///
    /// Inputs are any values that borrow as the pipeline's input type, so a
    /// `Pipeline<str>` takes `String`s. Each result carries its input back.
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
    /// use choreograph::{Pipeline, markers};
    ///
    /// markers! {
    ///     /// Counts the characters.
    ///     pub Count = "count";
    /// }
    ///
    /// let pipeline = Arc::new(Pipeline::<str, AtomicUsize>::new().job(Count, |cx| {
    ///     cx.env().fetch_add(cx.input().chars().count(), Ordering::Relaxed);
    ///     Ok(())
    /// }));
    /// let total = Arc::new(AtomicUsize::new(0));
    /// let words = vec![String::from("héllo"), String::from("wörld")];
    /// let results = pipeline.concurrent().run(words, Arc::clone(&total))?;
    /// assert_eq!(results.count(), 2);
    /// assert_eq!(total.load(Ordering::Relaxed), 10);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn run<It>(
        &self,
        inputs: It,
        env: impl Into<Arc<Env>>,
    ) -> Result<PipelineResults<It, L>, Error>
    where
        It: IntoIterator,
        It::Item: Borrow<I> + Send + 'static,
        Env: Send + Sync,
    {
        let env: Arc<Env> = env.into();
        self.start(inputs, move |_| Ok(Arc::clone(&env)))
    }

    /// Runs the pipeline over every input on worker threads that each own an environment,
    /// built by `make_env` from the worker's 0-based index.
    ///
    /// `make_env` runs once per worker, on that worker's thread, before the run takes any
    /// input. The environment never leaves its thread, so it need be neither `Send` nor
    /// `Sync`: a database connection or a buffer in a `RefCell` fits. To share resources
    /// too, let `make_env` clone an `Arc` into each environment.
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
    /// use choreograph::{Pipeline, markers};
    ///
    /// markers! {
    ///     /// Formats the input into the worker's buffer.
    ///     pub Format = "format";
    /// }
    ///
    /// let pipeline = Arc::new(Pipeline::<u32, RefCell<String>>::new().job(Format, |cx| {
    ///     let mut buffer = cx.env().borrow_mut();
    ///     buffer.clear();
    ///     buffer.push_str(&format!("#{}", cx.input()));
    ///     Ok(buffer.len())
    /// }));
    /// let results = pipeline
    ///     .concurrent()
    ///     .workers(2)
    ///     .run_per_worker(0..100, |_| RefCell::new(String::with_capacity(16)))?;
    /// let bytes: usize = results
    ///     .map(|record| *record.report().bag().get(Format).output().unwrap())
    ///     .sum();
    /// assert_eq!(bytes, 10 * 2 + 90 * 3);
    /// # Ok::<(), choreograph::Error>(())
    /// ```
    pub fn run_per_worker<It, F>(
        &self,
        inputs: It,
        make_env: F,
    ) -> Result<PipelineResults<It, L>, Error>
    where
        It: IntoIterator,
        It::Item: Borrow<I> + Send + 'static,
        Env: Sized,
        F: Fn(usize) -> Env + Send + Sync + 'static,
    {
        self.start(inputs, move |worker| Ok(make_env(worker)))
    }

    /// Runs the pipeline like [`run_per_worker`](Concurrent::run_per_worker), with a
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
    /// use choreograph::{Error, Pipeline, markers};
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
    /// markers! {
    ///     /// Does nothing.
    ///     pub Noop = "noop";
    /// }
    ///
    /// let pipeline = Arc::new(Pipeline::<u32, Connection>::new().job(Noop, |_| Ok(())));
    /// let two = pipeline.concurrent().workers(2).try_run_per_worker(0..10, connect)?;
    /// assert_eq!(two.count(), 10);
    ///
    /// let three = pipeline.concurrent().workers(3).try_run_per_worker(0..10, connect);
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
    ) -> Result<PipelineResults<It, L>, Error>
    where
        It: IntoIterator,
        It::Item: Borrow<I> + Send + 'static,
        Env: Sized,
        F: Fn(usize) -> Result<Env, E> + Send + Sync + 'static,
        E: Into<BoxError>,
    {
        self.start(inputs, move |worker| make_env(worker).map_err(Into::into))
    }

    /// Starts the workers, each with the value that `make_env` builds for it, and which
    /// the pipeline borrows as its environment.
    fn start<It, W, F>(&self, inputs: It, make_env: F) -> Result<PipelineResults<It, L>, Error>
    where
        It: IntoIterator,
        It::Item: Borrow<I> + Send + 'static,
        W: Borrow<Env>,
        F: Fn(usize) -> Result<W, BoxError> + Send + Sync + 'static,
    {
        let pipeline = Arc::clone(&self.runner);
        let process = move |env: &W, input: &It::Item, token: &CancelToken| {
            pipeline.run_catch_unwind(input.borrow(), env.borrow(), token)
        };
        self.launch(inputs, default_workers, make_env, process, |message| {
            Report::new(Bag(C::NOT_REACHED), Some(Error::RunPanicked { message }))
        })
    }
}
