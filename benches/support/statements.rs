//! Scenario c: importing statement lines in memory.
//!
//! Step 1, "import statement", looks the line's statement up in the ledger. Its pre-check
//! skips the job when the statement exists and outputs its record number, and its job
//! creates a record id string. Step 2, "add line", reads step 1's outcome and adds the
//! line's amount to the ledger's total.

use std::any::Any;
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use choreograph::{
    BoxError, Check, Coordinator, DynReport, DynStep, Lookup, Reason, Report, SkipReason,
};

use super::naive::{NaiveDecision, NaiveStep};

/// The number of distinct input lines; runs cycle through them.
pub const LINES: usize = 1_000;

/// The number of those lines whose statement the ledger already holds.
pub const KNOWN_STATEMENTS: usize = 500;

/// One input record.
pub struct Line {
    pub statement_id: String,
    pub amount: f64,
}

/// The environment: the known statements and the running total.
pub struct Ledger {
    statements: HashMap<String, u64>,
    total_bits: AtomicU64,
}

impl Ledger {
    /// Returns the record number of the statement `statement_id`, if the ledger contains it.
    #[inline]
    pub fn find(&self, statement_id: &str) -> Option<u64> {
        self.statements.get(statement_id).copied()
    }

    /// Adds `amount` to the total, from any thread.
    #[inline]
    pub fn add(&self, amount: f64) {
        let _ = self
            .total_bits
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                Some((f64::from_bits(bits) + amount).to_bits())
            });
    }

    /// Returns the sum of every amount added so far.
    pub fn total(&self) -> f64 {
        f64::from_bits(self.total_bits.load(Ordering::Relaxed))
    }
}

/// Creates the [`LINES`] input lines: statement ids `statement-0000` up, amounts in steps
/// of 0.25.
pub fn lines() -> Vec<Line> {
    (0..LINES)
        .map(|index| Line {
            statement_id: format!("statement-{index:04}"),
            amount: index as f64 * 0.25,
        })
        .collect()
}

/// Creates a ledger that contains the statements of [`KNOWN_STATEMENTS`] of the [`lines`],
/// picked by a fixed pseudo-random shuffle so that skips do not alternate in a pattern.
pub fn ledger() -> Ledger {
    let mut order: Vec<usize> = (0..LINES).collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for index in (1..order.len()).rev() {
        // xorshift64: a fixed, dependency-free sequence.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        order.swap(index, (state % (index as u64 + 1)) as usize);
    }
    let statements = order[..KNOWN_STATEMENTS]
        .iter()
        .zip(1..)
        .map(|(&line, record)| (format!("statement-{line:04}"), record))
        .collect();
    Ledger {
        statements,
        total_bits: AtomicU64::new(0.0_f64.to_bits()),
    }
}

/// Step 1's name.
pub const IMPORT_STATEMENT: &str = "import statement";

/// Step 2's name.
pub const ADD_LINE: &str = "add line";

/// Step 1's pre-check: skips when the ledger contains the statement, with its record number.
#[inline]
pub fn find_statement(line: &Line, ledger: &Ledger) -> Check<Option<u64>> {
    match ledger.find(&line.statement_id) {
        Some(record) => Check::Skip(Some(record), Reason::new("statement exists")),
        None => Check::Pass(None),
    }
}

/// Step 1's job: the new statement's record id.
#[inline]
pub fn create_statement(line: &Line) -> Result<String, BoxError> {
    let mut record_id = String::with_capacity(4 + line.statement_id.len());
    record_id.push_str("rec-");
    record_id.push_str(&line.statement_id);
    Ok(record_id)
}

/// The statement a line is added to: the one step 1 created, or the one its pre-check found.
pub enum Statement<'a> {
    Created(&'a str),
    Found(u64),
}

/// Step 2's job, once step 1's outcome is read: adds the amount, and returns whether step 1
/// created the statement.
#[inline]
pub fn add_line(
    statement: Option<Statement<'_>>,
    line: &Line,
    ledger: &Ledger,
) -> Result<bool, BoxError> {
    let Some(statement) = statement else {
        return Err("no record of the statement from step `import statement`".into());
    };
    ledger.add(line.amount);
    Ok(matches!(statement, Statement::Created(_)))
}

/// The rounds of [`spin`] that [`add_line_after_work`] runs: about 2 µs of CPU work on the
/// machine of `BENCHMARKS.md`, less on a faster one.
pub const WORK_ROUNDS: u32 = 1_200;

/// Runs `rounds` rounds of xorshift64 from `seed`: CPU work that the compiler can neither
/// skip nor vectorize, since each round depends on the one before.
#[inline(never)]
pub fn spin(seed: u64, rounds: u32) -> u64 {
    let mut state = seed | 1;
    for _ in 0..rounds {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
    }
    state
}

/// Step 2's job in the CPU-bound variant: [`WORK_ROUNDS`] rounds of [`spin`], then
/// [`add_line`].
#[inline]
pub fn add_line_after_work(
    statement: Option<Statement<'_>>,
    line: &Line,
    ledger: &Ledger,
) -> Result<bool, BoxError> {
    black_box(spin(line.amount.to_bits(), WORK_ROUNDS));
    add_line(statement, line, ledger)
}

/// Both steps written by hand, with the same callbacks and the same stops as a pipeline:
/// the pre-check's output, the new record id if the job ran, and step 2's output.
#[inline]
pub fn import_by_hand(
    line: &Line,
    ledger: &Ledger,
) -> Result<(Option<u64>, Option<String>, bool), BoxError> {
    import_by_hand_with(line, ledger, add_line)
}

/// [`import_by_hand`] with `add` as step 2's job.
#[inline]
pub fn import_by_hand_with(
    line: &Line,
    ledger: &Ledger,
    add: impl Fn(Option<Statement<'_>>, &Line, &Ledger) -> Result<bool, BoxError>,
) -> Result<(Option<u64>, Option<String>, bool), BoxError> {
    let (found, record_id) = match find_statement(line, ledger) {
        Check::Pass(found) => (found, Some(create_statement(line)?)),
        Check::Skip(found, _) => (found, None),
        Check::Cancel(_, reason) => return Err(reason.into_error()),
    };
    let statement = match &record_id {
        Some(record_id) => Some(Statement::Created(record_id)),
        None => found.map(Statement::Found),
    };
    let created = add(statement, line, ledger)?;
    Ok((found, record_id, created))
}

/// Step 2's job: [`add_line`] or [`add_line_after_work`].
pub type AddFn = fn(Option<Statement<'_>>, &Line, &Ledger) -> Result<bool, BoxError>;

/// Returns a coordinator with both steps added at run time, around the same callbacks, for inputs
/// of type `Line`.
pub fn coordinator() -> Coordinator<Ledger> {
    coordinator_for::<Line>(add_line)
}

/// Returns a coordinator with both steps added at run time for inputs of type `T`, with `add` as
/// step 2's job.
pub fn coordinator_for<T: Borrow<Line> + Any>(add: AddFn) -> Coordinator<Ledger> {
    let mut coordinator = Coordinator::new();
    let import = DynStep::new(IMPORT_STATEMENT)
        .pre_check_with(|cx, line: &T| find_statement(line.borrow(), cx.env()))
        .job_with(|_, line: &T| Ok(create_statement(line.borrow())?));
    let add = DynStep::new(ADD_LINE).job_with(move |cx, line: &T| {
        let bag = cx.bag();
        let statement = match bag.job_data::<String>(IMPORT_STATEMENT)? {
            Some(record_id) => Some(Statement::Created(record_id)),
            None => bag
                .pre_check_data::<Option<u64>>(IMPORT_STATEMENT)?
                .and_then(|found| found.map(Statement::Found)),
        };
        Ok(add(statement, line.borrow(), cx.env())?)
    });
    coordinator
        .add_step(import)
        .expect("step names are distinct");
    coordinator.add_step(add).expect("step names are distinct");
    coordinator
}

/// Returns what a caller reads from a pipeline's report of one import: whether it
/// succeeded, the new record id and step 2's output.
///
/// `L` is the bag of [`statement_pipeline!`], whose type names closures, so the bounds
/// state what the function reads from it.
#[inline]
pub fn read_pipeline_report<L, S, A>(report: &Report<L>) -> (bool, Option<&str>, Option<bool>)
where
    L: Lookup<ImportStatement, S, Output = String> + Lookup<AddLine, A, Output = bool>,
    S: 'static,
    A: 'static,
{
    let bag = report.bag();
    (
        report.is_ok(),
        bag.get(ImportStatement).output().map(String::as_str),
        bag.get(AddLine).output().copied(),
    )
}

/// Returns what a caller reads from a coordinator's report of one import: whether it
/// succeeded, the new record id and step 2's output.
#[inline]
pub fn read_coordinator_report(report: &DynReport) -> (bool, Option<&str>, Option<bool>) {
    let bag = report.bag();
    let record_id = bag.job_data::<String>(IMPORT_STATEMENT).ok().flatten();
    let created = bag.job_data::<bool>(ADD_LINE).ok().flatten();
    (
        report.is_ok(),
        record_id.map(String::as_str),
        created.copied(),
    )
}

/// Both steps for the naive baseline, around the same callbacks.
pub fn naive_steps() -> Vec<NaiveStep<Line, Ledger>> {
    vec![
        NaiveStep {
            name: IMPORT_STATEMENT.to_owned(),
            pre_check: Box::new(|line, ledger, _| match find_statement(line, ledger) {
                Check::Pass(found) => (Box::new(found), NaiveDecision::Pass),
                Check::Skip(found, reason) => {
                    (Box::new(found), NaiveDecision::Skip(reason.into_error()))
                }
                Check::Cancel(found, reason) => {
                    (Box::new(found), NaiveDecision::Cancel(reason.into_error()))
                }
            }),
            job: Box::new(|line, _, _| Ok(Box::new(create_statement(line)?))),
        },
        NaiveStep {
            name: ADD_LINE.to_owned(),
            pre_check: Box::new(|_, _, _| (Box::new(()), NaiveDecision::Pass)),
            job: Box::new(|line, ledger, run| {
                let statement = match run.output::<String>(IMPORT_STATEMENT) {
                    Some(record_id) => Some(Statement::Created(record_id)),
                    None => run
                        .check::<Option<u64>>(IMPORT_STATEMENT)
                        .and_then(|found| found.map(Statement::Found)),
                };
                Ok(Box::new(add_line(statement, line, ledger)?))
            }),
        },
    ]
}

choreograph::markers! {
    /// Step 1 of the statement import.
    pub ImportStatement = IMPORT_STATEMENT;
    /// Step 2 of the statement import.
    pub AddLine = ADD_LINE;
}

/// Builds the statement import as a typed [`Pipeline`](choreograph::Pipeline) over the same
/// callbacks: for inputs of type `Line` or the given type, which must dereference to a
/// `Line`, and with `add_line` or the given function as step 2's job. A macro, because the
/// pipeline's type names closures.
macro_rules! statement_pipeline {
    () => {
        $crate::support::statements::statement_pipeline!(
            $crate::support::statements::Line,
            $crate::support::statements::add_line
        )
    };
    ($input:ty, $add:path) => {{
        use choreograph::{Outcome, Pipeline};
        use $crate::support::statements::{
            AddLine, ImportStatement, Ledger, Statement, create_statement, find_statement,
        };

        Pipeline::<$input, Ledger>::new()
            .step(
                ImportStatement,
                |cx| find_statement(cx.input(), cx.env()),
                |cx| Ok(create_statement(cx.input())?),
            )
            .job(AddLine, |cx| {
                let statement = match cx.bag().get(ImportStatement) {
                    Outcome::Ran { output, .. } => Some(Statement::Created(output)),
                    Outcome::Skipped { check, .. } => check.map(Statement::Found),
                };
                Ok($add(statement, cx.input(), cx.env())?)
            })
    }};
}

pub(crate) use statement_pipeline;
