//! The typed pipeline: a builder that composes steps and runs them fully monomorphized.

use std::fmt;
use std::marker::PhantomData;

use frunk::{HCons, HNil};

use crate::bag::{Bag, Entries, Slot};
use crate::cancel::{CancelToken, Signal};
use crate::chain::private::{CatchPanics, Guard, RunState, Unguarded};
use crate::chain::{Chain, Link};
use crate::check::{Check, Reason};
use crate::error::JobError;
use crate::marker::Marker;
use crate::report::Report;
use crate::step::{Context, FnStep, JobStep, Step};

/// A fixed sequence of steps over input records of type `I`, with shared resources of type
/// `Env`.
///
/// Each builder call adds one step at the end and returns a pipeline of a new type, which
/// records the step and its output types. A run calls each step's pre-check and then, if it
/// passes, its job, in the order the steps were added. It allocates nothing of its own and
/// calls every callback statically.
///
/// # Order
///
/// Steps run in the order they were added. A step can read the outcome of every step added
/// before it, and of no other: naming itself or a later step does not compile.
///
/// # Examples
///
/// ```
/// use std::collections::HashMap;
/// use choreograph::{Check, Entry, Outcome, Pipeline, Reason, markers};
///
/// struct Line {
///     statement: &'static str,
///     amount: i64,
/// }
///
/// struct Db {
///     statements: HashMap<&'static str, u64>,
/// }
///
/// markers! {
///     /// Finds or creates the statement.
///     pub CreateStatement = "create statement";
///     /// Books the line on it.
///     pub CreateLine = "create statement line";
/// }
///
/// let pipeline = Pipeline::<Line, Db>::new()
///     .step(
///         CreateStatement,
///         |cx| match cx.env().statements.get(cx.input().statement) {
///             Some(&id) => Check::Skip(Some(id), Reason::new("statement exists")),
///             None => Check::Pass(None),
///         },
///         |cx| Ok(cx.env().statements.len() as u64 + 1),
///     )
///     .job(CreateLine, |cx| {
///         let statement = match cx.bag().get(CreateStatement) {
///             Outcome::Ran { output, .. } => *output,
///             Outcome::Skipped { check, .. } => check.expect("the pre-check found it"),
///         };
///         Ok((statement, cx.input().amount))
///     });
///
/// let db = Db { statements: HashMap::from([("a", 1)]) };
/// let report = pipeline.run(&Line { statement: "a", amount: 5 }, &db);
/// assert!(report.is_ok());
/// assert_eq!(report.execution_errors().count(), 1);
/// assert!(matches!(report.bag().get(CreateLine), Entry::Ran { output: (1, 5), .. }));
/// ```
///
/// # Type parameters
///
/// `C` is the chain of steps and `L` the list of slots of the data bag, both frunk HLists
/// with the newest step first. The builder spells them out, so users name them rarely. The
/// builder carries the bag's type along, and [`Chain`] takes it as a parameter. Computing it
/// from `C` instead made the compiler prove the whole chain again at every builder call and
/// normalize it again at every step, which slowed the compilation of long pipelines.
///
/// # Returning or storing a pipeline
///
/// Closures have no names, so a function that returns a pipeline writes `C` as
/// `impl Chain<..>`. It spells out `L` instead, which keeps the bag typed for its callers:
/// one [`Slot`]`<Marker, pre-check output, job output, skip reason>` per step, newest first.
/// A struct that stores a pipeline takes `C` as a type parameter in the same way.
///
/// ```
/// use choreograph::{Chain, HCons, HNil, Pipeline, Reason, Slot, markers};
///
/// markers! {
///     /// Parses the amount.
///     pub Parse = "parse";
///     /// Doubles it.
///     pub Double = "double";
/// }
///
/// type Slots = HCons<Slot<Double, (), i64, Reason>, HCons<Slot<Parse, (), i64, Reason>, HNil>>;
///
/// fn doubling() -> Pipeline<str, (), impl Chain<str, (), Slots>, Slots> {
///     Pipeline::<str>::new()
///         .job(Parse, |cx| Ok(cx.input().parse::<i64>()?))
///         .job(Double, |cx| Ok(cx.bag().get(Parse).output().copied().unwrap_or(0) * 2))
/// }
///
/// struct Calculator<C> {
///     pipeline: Pipeline<str, (), C, Slots>,
/// }
///
/// let calculator = Calculator { pipeline: doubling() };
/// let report = calculator.pipeline.run("21", &());
/// assert_eq!(report.bag().get(Double).output(), Some(&42));
/// ```
pub struct Pipeline<I: ?Sized, Env: ?Sized = (), C = HNil, L = HNil> {
    chain: C,
    types: PhantomData<fn(&I, &Env) -> L>,
}

impl<I: ?Sized, Env: ?Sized> Pipeline<I, Env, HNil, HNil> {
    /// Creates a pipeline without steps.
    pub const fn new() -> Self {
        Pipeline {
            chain: HNil,
            types: PhantomData,
        }
    }
}

impl<I: ?Sized, Env: ?Sized> Default for Pipeline<I, Env, HNil, HNil> {
    fn default() -> Self {
        Pipeline::new()
    }
}

/// The pipeline type after adding the step `H`, whose slot is `Slot<M, P, O, R>`, to chain
/// `C` with slots `L`.
type Extended<I, Env, C, L, H, M, P, O, R = Reason> =
    Pipeline<I, Env, HCons<H, C>, HCons<Slot<M, P, O, R>, L>>;

/// The pipeline type after adding a step built from closures, `FnStep<M, Pre, Job>`.
type ExtendedByFn<I, Env, C, L, M, Pre, Job, P, O> =
    Extended<I, Env, C, L, FnStep<M, Pre, Job>, M, P, O>;

/// The pipeline type after adding the step type `S` to chain `C` with slots `L`.
type ExtendedBy<I, Env, C, L, S, Index> = Extended<
    I,
    Env,
    C,
    L,
    Link<S, Index>,
    <S as Step<I, Env, L, Index>>::Marker,
    <S as Step<I, Env, L, Index>>::Check,
    <S as Step<I, Env, L, Index>>::Output,
    <S as Step<I, Env, L, Index>>::Reason,
>;

impl<I: ?Sized, Env: ?Sized, C, L> Pipeline<I, Env, C, L> {
    /// Adds a step made of a marker, a pre-check and a job, written as closures.
    ///
    /// Both closures receive the step's [`Context`]: the input, the environment, and the
    /// outcomes of the earlier steps. The pre-check returns a [`Check`] with its output; the
    /// job returns its output or a [`JobError`], which stops the run. `?` and `.into()` turn
    /// any error, `&str` or `String` into a `JobError`.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Check, Pipeline, Reason, markers};
    ///
    /// markers! {
    ///     /// Charges the card unless the amount is zero.
    ///     pub Charge = "charge";
    /// }
    ///
    /// let pipeline = Pipeline::<u64>::new().step(
    ///     Charge,
    ///     |cx| {
    ///         if *cx.input() == 0 {
    ///             Check::Skip((), Reason::new("nothing to charge"))
    ///         } else {
    ///             Check::Pass(())
    ///         }
    ///     },
    ///     |cx| Ok(format!("charged {}", cx.input())),
    /// );
    /// assert_eq!(pipeline.run(&0, &()).execution_errors().count(), 1);
    /// assert!(pipeline.run(&3, &()).bag().get(Charge).output().is_some());
    /// ```
    pub fn step<M, P, O, Pre, Job>(
        self,
        marker: M,
        pre_check: Pre,
        job: Job,
    ) -> ExtendedByFn<I, Env, C, L, M, Pre, Job, P, O>
    where
        M: Marker,
        Pre: Fn(Context<'_, I, Env, L>) -> Check<P>,
        Job: Fn(Context<'_, I, Env, L>) -> Result<O, JobError>,
    {
        let _ = marker;
        self.push(FnStep::new(pre_check, job))
    }

    /// Adds a step whose pre-check always passes with output `()`, and whose job is the
    /// closure.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Pipeline, markers};
    ///
    /// markers! {
    ///     /// Doubles the input.
    ///     pub Double = "double";
    /// }
    ///
    /// let pipeline = Pipeline::<u64>::new().job(Double, |cx| Ok(cx.input() * 2));
    /// assert_eq!(pipeline.run(&21, &()).bag().get(Double).output(), Some(&42));
    /// ```
    pub fn job<M, O, Job>(
        self,
        marker: M,
        job: Job,
    ) -> Extended<I, Env, C, L, JobStep<M, Job>, M, (), O>
    where
        M: Marker,
        Job: Fn(Context<'_, I, Env, L>) -> Result<O, JobError>,
    {
        let _ = marker;
        self.push(JobStep::new(job))
    }

    /// Adds a step written as a type that implements [`Step`].
    ///
    /// `Index` is inferred: it records where the step's bag lookups point.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    /// use choreograph::{Check, Context, Pipeline, Reason, Step, markers};
    ///
    /// markers! {
    ///     /// Counts the characters.
    ///     pub Count = "count";
    /// }
    ///
    /// struct CountStep;
    ///
    /// impl<Env, B> Step<str, Env, B> for CountStep {
    ///     type Marker = Count;
    ///     type Check = ();
    ///     type Reason = Reason;
    ///     type Output = usize;
    ///     type Error = Infallible;
    ///
    ///     fn pre_check(&self, _: Context<'_, str, Env, B>) -> Check<()> {
    ///         Check::Pass(())
    ///     }
    ///
    ///     fn job(&self, cx: Context<'_, str, Env, B>) -> Result<usize, Infallible> {
    ///         Ok(cx.input().chars().count())
    ///     }
    /// }
    ///
    /// let pipeline = Pipeline::<str>::new().add_step(CountStep);
    /// assert_eq!(pipeline.run("héllo", &()).bag().get(Count).output(), Some(&5));
    /// ```
    pub fn add_step<S, Index>(self, step: S) -> ExtendedBy<I, Env, C, L, S, Index>
    where
        S: Step<I, Env, L, Index>,
    {
        self.push(Link::new(step))
    }

    fn push<H, Slots>(self, head: H) -> Pipeline<I, Env, HCons<H, C>, Slots> {
        Pipeline {
            chain: HCons {
                head,
                tail: self.chain,
            },
            types: PhantomData,
        }
    }

    /// Returns the chain of steps, newest first.
    pub fn chain(&self) -> &C {
        &self.chain
    }
}

impl<I: ?Sized, Env: ?Sized, C, L> Pipeline<I, Env, C, L>
where
    C: Chain<I, Env, L>,
{
    /// Returns the number of steps.
    pub const fn len(&self) -> usize {
        C::LEN
    }

    /// Returns whether the pipeline has no step.
    pub const fn is_empty(&self) -> bool {
        C::LEN == 0
    }

    /// Runs every step once for `input`, and returns the report: the data bag, the
    /// runtime error if the run stopped, and through the bag the execution errors.
    ///
    /// A panic in a callback unwinds to the caller; the concurrent runners catch it
    /// instead and report it as [`Error::Panicked`](crate::Error::Panicked).
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Pipeline, markers};
    ///
    /// markers! {
    ///     /// Parses the input.
    ///     pub Parse = "parse";
    /// }
    ///
    /// let pipeline = Pipeline::<str>::new().job(Parse, |cx| Ok(cx.input().parse::<u8>()?));
    /// assert!(pipeline.run("7", &()).is_ok());
    /// assert!(pipeline.run("seven", &()).error().is_some());
    /// ```
    #[inline]
    pub fn run(&self, input: &I, env: &Env) -> Report<L> {
        let signal = Signal::default();
        self.run_on::<Unguarded>(input, env, &signal)
    }

    /// Runs every step once for `input`, stopping before the next step once `token` is
    /// canceled or its deadline has passed.
    ///
    /// A callback's [`Context::cancel`] cancels `token` itself, and with it every run that
    /// shares it.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{CancelToken, Error, Pipeline, markers};
    ///
    /// markers! {
    ///     /// Gives up.
    ///     pub GiveUp = "give up";
    ///     /// Never runs.
    ///     pub Later = "later";
    /// }
    ///
    /// let pipeline = Pipeline::<()>::new()
    ///     .job(GiveUp, |cx| {
    ///         cx.cancel();
    ///         Ok(())
    ///     })
    ///     .job(Later, |_| Ok(()));
    /// let token = CancelToken::new();
    /// let report = pipeline.run_with(&(), &(), &token);
    /// assert!(matches!(report.error(), Some(Error::Canceled { step, .. }) if step.index() == 1));
    /// assert!(token.is_canceled());
    /// ```
    #[inline]
    pub fn run_with(&self, input: &I, env: &Env, token: &CancelToken) -> Report<L> {
        self.run_on::<Unguarded>(input, env, token.signal())
    }

    /// Runs every step once like [`run_with`](Pipeline::run_with), and turns a panic in a
    /// callback into [`Error::Panicked`](crate::Error::Panicked) with the step's name and the
    /// panic message, instead of unwinding to the caller.
    ///
    /// The panic hook still runs, so the default hook prints the panic to stderr. The step
    /// whose job panicked has the entry [`Entry::Failed`](crate::Entry::Failed); one whose
    /// pre-check panicked has [`Entry::NotReached`](crate::Entry::NotReached).
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{CancelToken, Error, Pipeline, markers};
    ///
    /// markers! {
    ///     /// Divides 100 by the input.
    ///     pub Divide = "divide";
    /// }
    ///
    /// let pipeline = Pipeline::<u32>::new().job(Divide, |cx| Ok(100 / *cx.input()));
    /// let report = pipeline.run_catch_unwind(&0, &(), &CancelToken::new());
    /// assert!(matches!(
    ///     report.error(),
    ///     Some(Error::Panicked { step, message, .. })
    ///         if step.name() == "divide" && message.contains("divide by zero")
    /// ));
    /// ```
    #[inline]
    pub fn run_catch_unwind(&self, input: &I, env: &Env, token: &CancelToken) -> Report<L> {
        self.run_on::<CatchPanics>(input, env, token.signal())
    }

    #[inline(always)]
    pub(crate) fn run_on<G: Guard>(&self, input: &I, env: &Env, signal: &Signal) -> Report<L> {
        let state = RunState { input, env, signal };
        let mut slots = C::NOT_REACHED;
        let error = self.chain.run::<G>(&mut slots, &state).err();
        Report::new(Bag(slots), error)
    }

    /// Returns the names of the steps, in the order they run.
    ///
    /// # Examples
    ///
    /// ```
    /// use choreograph::{Pipeline, markers};
    ///
    /// markers! {
    ///     /// First.
    ///     pub A = "a";
    ///     /// Second.
    ///     pub B = "b";
    /// }
    ///
    /// let pipeline = Pipeline::<()>::new().job(A, |_| Ok(())).job(B, |_| Ok(()));
    /// assert_eq!(pipeline.step_names().collect::<Vec<_>>(), ["a", "b"]);
    /// ```
    pub fn step_names(&self) -> impl ExactSizeIterator<Item = &'static str> + use<I, Env, C, L>
    where
        L: Entries,
    {
        (0..L::LEN).map(|index| L::name_at(index).unwrap_or_default())
    }
}

impl<I: ?Sized, Env: ?Sized, C: Clone, L> Clone for Pipeline<I, Env, C, L> {
    fn clone(&self) -> Self {
        Pipeline {
            chain: self.chain.clone(),
            types: PhantomData,
        }
    }
}

impl<I: ?Sized, Env: ?Sized, C, L> fmt::Debug for Pipeline<I, Env, C, L>
where
    C: Chain<I, Env, L>,
    L: Entries,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pipeline")
            .field("steps", &self.step_names().collect::<Vec<_>>())
            .finish()
    }
}
