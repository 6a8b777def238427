//! The import pipeline: for each statement line, find or create its statement, then insert
//! the line unless it is already present.
//!
//! Each step's pre-check looks for the row its job would insert and skips the job when the
//! row is there, so importing a file twice inserts nothing the second time. The jobs do not
//! rely on the pre-check alone, because another worker may insert the same statement or
//! line between a pre-check and its job. So each insert does nothing on a conflict with the
//! table's `UNIQUE` constraint, and the job then uses the row that is there.

use std::cell::RefCell;
use std::error::Error as StdError;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use choreograph::{
    Check, Entry, Error, JobError, Lookup, Outcome, Pipeline, Reason, Report, markers,
};
use rusqlite::Connection;

use crate::db::{self, StoredStatement};
use crate::line::{InvalidRow, StatementLine};
use crate::reader::{ReadError, Row, Rows};
use crate::summary::Summary;

markers! {
    /// Finds the statement of the line, or creates it, and hands its row id on.
    pub CreateStatement = "create statement";
    /// Inserts the line under its statement unless it is already present.
    pub CreateLine = "create statement line";
}

/// The result of an insert that another connection may race to do first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// This insert created the row, which has this row id.
    New(i64),
    /// Another connection inserted the row first, and it has this row id.
    Existing(i64),
}

impl Inserted {
    /// Returns the row id, whichever connection inserted the row.
    pub fn id(self) -> i64 {
        match self {
            Inserted::New(id) | Inserted::Existing(id) => id,
        }
    }
}

/// Imports `rows` into the SQLite database at `database` on `workers` threads, each with
/// its own connection, creates the tables if they are missing, and returns the counts.
///
/// A worker count of 0 is treated as 1. Every row that is not imported is handed to
/// `on_problem` as it is found: a record that is not a valid line, a line that contradicts
/// its stored statement, or a line whose database work failed. The import goes on with the
/// next row in every case.
///
/// # Errors
///
/// Returns [`ImportError::Database`] when the database cannot be opened or its tables
/// cannot be created, [`ImportError::Workers`] when a worker cannot start, and
/// [`ImportError::Read`] when reading the CSV fails partway. The rows imported before a
/// read error stay imported.
pub fn import<R: Read>(
    rows: Rows<R>,
    database: &Path,
    workers: usize,
    mut on_problem: impl FnMut(&Problem),
) -> Result<Summary, ImportError> {
    let started = Instant::now();
    // A bad path fails here, before any worker starts, and the workers find the tables.
    open_database(database)?;

    let pipeline = Arc::new(
        Pipeline::<StatementLine, Connection>::new()
            .step(
                CreateStatement,
                |cx| find_statement(cx.input(), cx.env()),
                |cx| create_statement(cx.input(), cx.env()),
            )
            .step(
                CreateLine,
                |cx| find_line(cx.input(), cx.env()),
                |cx| {
                    // The statement's row id: the one its job created, or else the one its
                    // pre-check found.
                    let statement = match cx.bag().get(CreateStatement) {
                        Outcome::Ran { output, .. } => output.id(),
                        Outcome::Skipped { check, .. } => {
                            check.ok_or("the statement was skipped without a row id")?
                        }
                    };
                    create_line(cx.input(), statement, cx.env())
                },
            ),
    );

    // The pool pulls the valid lines on this thread, while this loop reads the results.
    let skipped = Rc::new(RefCell::new(Skipped::default()));
    let lines = ValidLines {
        rows,
        skipped: Rc::clone(&skipped),
    };
    let path = database.to_path_buf();
    let results = pipeline
        .concurrent()
        .workers(workers)
        .try_run_per_worker(lines, move |_| db::connect(&path))
        .map_err(ImportError::Workers)?;

    let mut summary = Summary::default();
    for record in results {
        skipped.borrow_mut().report(&mut summary, &mut on_problem);
        summary.records += 1;
        if let Some(problem) = tally(&mut summary, record.input(), record.report()) {
            on_problem(&problem);
        }
    }
    let mut skipped = skipped.borrow_mut();
    skipped.report(&mut summary, &mut on_problem);
    if let Some(error) = skipped.read_error.take() {
        return Err(ImportError::Read(error));
    }
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// The valid lines of a CSV file, as the input of the worker pool. The invalid rows and a
/// read error go to `skipped` instead, for the loop over the results to report.
struct ValidLines<R> {
    rows: Rows<R>,
    skipped: Rc<RefCell<Skipped>>,
}

/// The rows that [`ValidLines`] kept from the pool and that are not reported yet.
#[derive(Default)]
struct Skipped {
    invalid: Vec<InvalidRow>,
    read_error: Option<ReadError>,
}

impl Skipped {
    /// Counts the invalid rows in `summary`, hands each to `on_problem`, and removes them.
    fn report(&mut self, summary: &mut Summary, on_problem: &mut impl FnMut(&Problem)) {
        for invalid in self.invalid.drain(..) {
            summary.records += 1;
            summary.rows_rejected += 1;
            on_problem(&Problem::from(invalid));
        }
    }
}

impl<R: Read> Iterator for ValidLines<R> {
    type Item = StatementLine;

    fn next(&mut self) -> Option<StatementLine> {
        loop {
            let row: Row = match self.rows.next()? {
                Ok(row) => row,
                Err(error) => {
                    self.skipped.borrow_mut().read_error = Some(error);
                    return None;
                }
            };
            match row {
                Ok(line) => return Some(line),
                Err(invalid) => self.skipped.borrow_mut().invalid.push(invalid),
            }
        }
    }
}

/// Opens the database, switching it to WAL mode, and creates the tables that are missing.
fn open_database(path: &Path) -> Result<(), ImportError> {
    let database_error = |error| ImportError::Database {
        path: path.display().to_string(),
        error,
    };
    let connection = db::connect(path).map_err(database_error)?;
    db::create_schema(&connection).map_err(database_error)
}

/// Checks for the statement, as the pre-check of "create statement". A stored statement
/// skips the job and hands its row id on, unless it contradicts the line, which cancels the
/// run.
fn find_statement(line: &StatementLine, connection: &Connection) -> Check<Option<i64>> {
    match db::find_statement(connection, &line.statement_id) {
        Ok(None) => Check::Pass(None),
        Ok(Some(stored)) => match Mismatch::check(&stored, line) {
            Ok(()) => Check::Skip(Some(stored.id), Reason::new("statement exists")),
            Err(mismatch) => Check::Cancel(Some(stored.id), Reason::from_error(mismatch)),
        },
        // Without knowing whether the statement exists the line cannot be placed.
        Err(error) => Check::Cancel(None, Reason::from_error(error)),
    }
}

/// Inserts the statement, as the job of "create statement". If another worker inserted it
/// after the pre-check looked, the job uses that row, after the same check for a mismatch.
fn create_statement(line: &StatementLine, connection: &Connection) -> Result<Inserted, JobError> {
    if let Some(id) = db::insert_statement(connection, line)? {
        return Ok(Inserted::New(id));
    }
    let stored = db::find_statement(connection, &line.statement_id)?.ok_or_else(|| {
        format!(
            "statement `{}` conflicts on insert but is not found",
            line.statement_id
        )
    })?;
    Mismatch::check(&stored, line)?;
    Ok(Inserted::Existing(stored.id))
}

/// Checks for the line, as the pre-check of "create statement line". A line already
/// present skips the job.
fn find_line(line: &StatementLine, connection: &Connection) -> Check<()> {
    match db::line_exists(connection, &line.statement_id, line.line_number) {
        Ok(true) => Check::Skip((), Reason::new("line exists")),
        Ok(false) => Check::Pass(()),
        Err(error) => Check::Cancel((), Reason::from_error(error)),
    }
}

/// Inserts the line under the statement with row id `statement`, as the job of "create
/// statement line". If another worker inserted it after the pre-check looked, the job
/// returns that row.
fn create_line(
    line: &StatementLine,
    statement: i64,
    connection: &Connection,
) -> Result<Inserted, JobError> {
    if let Some(id) = db::insert_line(connection, statement, line)? {
        return Ok(Inserted::New(id));
    }
    let id = db::find_line(connection, statement, line.line_number)?.ok_or_else(|| {
        format!(
            "line {} of statement `{}` conflicts on insert but is not found",
            line.line_number, line.statement_id
        )
    })?;
    Ok(Inserted::Existing(id))
}

/// Adds the outcome of one line's run to `summary`, and returns the problem if the line was
/// not imported.
///
/// `L` is the bag of the import pipeline. Its type contains the closures, so it has no name,
/// and the bounds state what this function reads from it.
fn tally<L, S, T>(
    summary: &mut Summary,
    line: &StatementLine,
    report: &Report<L>,
) -> Option<Problem>
where
    L: Lookup<CreateStatement, S, Check = Option<i64>, Output = Inserted, Reason = Reason>
        + Lookup<CreateLine, T, Check = (), Output = Inserted, Reason = Reason>,
{
    if let Entry::Ran {
        output: Inserted::New(_),
        ..
    } = report.bag().get(CreateStatement)
    {
        summary.statements_created += 1;
    }

    let Some(error) = report.error() else {
        match report.bag().get(CreateLine) {
            Entry::Ran {
                output: Inserted::New(_),
                ..
            } => summary.lines_created += 1,
            _ => summary.lines_present += 1,
        }
        return None;
    };

    let mismatch = match error {
        Error::ExecutionCanceled { source, .. } | Error::JobFailed { source, .. } => {
            source.downcast_ref::<Mismatch>()
        }
        _ => None,
    };
    let (kind, message) = match mismatch {
        Some(mismatch) => {
            summary.rows_rejected += 1;
            (ProblemKind::Rejected, mismatch.to_string())
        }
        None => {
            summary.rows_failed += 1;
            (ProblemKind::Failed, error_chain(error))
        }
    };
    Some(Problem {
        file_line: line.file_line,
        kind,
        message,
    })
}

/// A line whose account or currency differs from those of the statement stored under its
/// statement id.
#[derive(Debug, thiserror::Error)]
#[error("statement `{statement_id}` is stored with {column} `{stored}`, but the line has `{line}`")]
pub struct Mismatch {
    statement_id: String,
    column: &'static str,
    stored: String,
    line: String,
}

impl Mismatch {
    /// Checks that `line` has the account and currency of `stored`.
    fn check(stored: &StoredStatement, line: &StatementLine) -> Result<(), Mismatch> {
        let currency = line.amount.currency().code();
        let (column, stored_value, line_value) = if stored.account != line.account {
            ("account", &stored.account, line.account.as_str())
        } else if stored.currency != currency {
            ("currency", &stored.currency, currency)
        } else {
            return Ok(());
        };
        Err(Mismatch {
            statement_id: line.statement_id.clone(),
            column,
            stored: stored_value.clone(),
            line: line_value.to_owned(),
        })
    }
}

/// A row that was not imported, with the line of the CSV file where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The 1-based line of the CSV file where the record starts.
    pub file_line: u64,
    /// Whether the row was rejected or its import failed.
    pub kind: ProblemKind,
    /// The reason, for people to read.
    pub message: String,
}

/// The kind of problem that kept a row from being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The row is invalid or contradicts stored data; importing it again rejects it again.
    Rejected,
    /// The database work for the row failed; importing the file again retries it.
    Failed,
}

impl From<InvalidRow> for Problem {
    fn from(invalid: InvalidRow) -> Self {
        Problem {
            file_line: invalid.file_line,
            kind: ProblemKind::Rejected,
            message: invalid.error.to_string(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ProblemKind::Rejected => "rejected",
            ProblemKind::Failed => "failed",
        };
        write!(f, "line {}: {kind}: {}", self.file_line, self.message)
    }
}

/// An error that stops the import.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The database cannot be opened, or its tables cannot be created.
    #[error("cannot open the database `{path}`: {}", db::explain(error))]
    Database {
        /// The path of the database file.
        path: String,
        /// The SQLite error.
        error: rusqlite::Error,
    },
    /// A worker could not start, because its thread could not be spawned or its
    /// connection could not be opened.
    #[error("cannot start the import workers")]
    Workers(#[source] Error),
    /// Reading the CSV file failed.
    #[error(transparent)]
    Read(#[from] ReadError),
}

/// Formats `error` followed by each of its sources, separated by `: `.
pub fn error_chain(error: &dyn StdError) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(error) = source {
        message.push_str(": ");
        message.push_str(&error.to_string());
        source = error.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(number: u32, currency: &str) -> StatementLine {
        let fields = [
            "ST-1",
            "DE89370400440532013000",
            &number.to_string(),
            "2024-03-01",
            "1",
            currency,
            "",
        ];
        let fields: Vec<String> = fields.iter().map(|field| field.to_string()).collect();
        StatementLine::from_record(&fields, 2).unwrap()
    }

    fn database() -> Connection {
        let connection = Connection::open_in_memory().unwrap();
        db::create_schema(&connection).unwrap();
        connection
    }

    #[test]
    fn create_statement_uses_row_inserted_meanwhile() {
        let connection = database();
        // Another worker inserts the statement after this line's pre-check found none.
        let id = db::insert_statement(&connection, &line(1, "EUR"))
            .unwrap()
            .unwrap();

        let inserted = create_statement(&line(2, "EUR"), &connection).unwrap();
        assert_eq!(inserted, Inserted::Existing(id));
    }

    #[test]
    fn create_statement_rejects_mismatch_inserted_meanwhile() {
        let connection = database();
        db::insert_statement(&connection, &line(1, "EUR")).unwrap();

        let error = create_statement(&line(2, "USD"), &connection).unwrap_err();
        assert!(
            error.get_ref().downcast_ref::<Mismatch>().is_some(),
            "{error}"
        );
        assert_eq!(
            error.to_string(),
            "statement `ST-1` is stored with currency `EUR`, but the line has `USD`"
        );
    }

    #[test]
    fn create_line_uses_row_inserted_meanwhile() {
        let connection = database();
        let statement = db::insert_statement(&connection, &line(1, "EUR"))
            .unwrap()
            .unwrap();
        let id = db::insert_line(&connection, statement, &line(1, "EUR"))
            .unwrap()
            .unwrap();

        let inserted = create_line(&line(1, "EUR"), statement, &connection).unwrap();
        assert_eq!(inserted, Inserted::Existing(id));
    }
}
