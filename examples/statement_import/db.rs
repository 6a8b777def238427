//! The SQLite database: connections, the schema, and the queries the import steps run.
//!
//! Every query runs in its own transaction (SQLite's autocommit mode). Two connections
//! that insert the same statement or line at the same time are kept apart by the `UNIQUE`
//! constraints: the insert that comes second changes nothing, and the caller looks up the
//! row the first one inserted.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OptionalExtension, params};

use crate::line::StatementLine;

/// How long a connection waits for another connection's write transaction to finish
/// before its own statement fails with `database is locked`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The tables, created when missing. `statements.id` and `statement_lines.id` are SQLite
/// row ids; `statement_lines.statement_id` refers to `statements.id`.
const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS statements (
        id           INTEGER PRIMARY KEY,
        statement_id TEXT    NOT NULL UNIQUE,
        account      TEXT    NOT NULL,
        currency     TEXT    NOT NULL
    ) STRICT;

    CREATE TABLE IF NOT EXISTS statement_lines (
        id           INTEGER PRIMARY KEY,
        statement_id INTEGER NOT NULL REFERENCES statements (id),
        line_number  INTEGER NOT NULL CHECK (line_number >= 1),
        booking_date TEXT    NOT NULL,
        amount_minor INTEGER NOT NULL,
        description  TEXT    NOT NULL,
        UNIQUE (statement_id, line_number)
    ) STRICT;
";

/// Opens a connection to the database file at `path`, creating the file if it is missing.
///
/// The connection uses the WAL journal, in which readers do not block the writer and the
/// writer does not block readers. It waits up to [`BUSY_TIMEOUT`] for the write lock and
/// enforces foreign keys. With WAL, `synchronous = NORMAL` keeps the file consistent, but
/// a power loss can roll back the last commits (SQLite's documentation pages "Write-Ahead
/// Logging" and "PRAGMA synchronous").
///
/// # Errors
///
/// Returns the SQLite error when the file cannot be opened or created, or is not a
/// database.
pub fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    connection.pragma_update(None, "foreign_keys", true)?;
    Ok(connection)
}

/// Describes an error of opening a database, with what to check for the common causes.
pub fn explain(error: &rusqlite::Error) -> String {
    match error.sqlite_error_code() {
        Some(ErrorCode::CannotOpen) => {
            String::from("cannot open the file; check that its directory exists and is writable")
        }
        Some(ErrorCode::NotADatabase) => String::from("the file is not a SQLite database"),
        Some(ErrorCode::ReadOnly) => {
            String::from("the database is read-only; check the permissions of the file")
        }
        _ => error.to_string(),
    }
}

/// Creates the tables that are missing.
///
/// # Errors
///
/// Returns the SQLite error, such as `attempt to write a readonly database`.
pub fn create_schema(connection: &Connection) -> rusqlite::Result<()> {
    connection.execute_batch(SCHEMA)
}

/// A statement as stored in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStatement {
    /// The row id in `statements`.
    pub id: i64,
    /// The account the statement belongs to.
    pub account: String,
    /// The ISO 4217 code of the statement's currency.
    pub currency: String,
}

/// Looks up the statement with the bank's id `statement_id`.
///
/// # Errors
///
/// Returns the SQLite error.
pub fn find_statement(
    connection: &Connection,
    statement_id: &str,
) -> rusqlite::Result<Option<StoredStatement>> {
    connection
        .prepare_cached("SELECT id, account, currency FROM statements WHERE statement_id = ?1")?
        .query_row([statement_id], |row| {
            Ok(StoredStatement {
                id: row.get(0)?,
                account: row.get(1)?,
                currency: row.get(2)?,
            })
        })
        .optional()
}

/// Inserts the statement that `line` belongs to, and returns its row id, or `None` if a
/// statement with that id exists already.
///
/// # Errors
///
/// Returns the SQLite error.
pub fn insert_statement(
    connection: &Connection,
    line: &StatementLine,
) -> rusqlite::Result<Option<i64>> {
    connection
        .prepare_cached(
            "INSERT INTO statements (statement_id, account, currency) VALUES (?1, ?2, ?3)
             ON CONFLICT (statement_id) DO NOTHING
             RETURNING id",
        )?
        .query_row(
            params![
                line.statement_id,
                line.account,
                line.amount.currency().code()
            ],
            |row| row.get(0),
        )
        .optional()
}

/// Returns whether the statement with the bank's id `statement_id` has a line numbered
/// `line_number`.
///
/// # Errors
///
/// Returns the SQLite error.
pub fn line_exists(
    connection: &Connection,
    statement_id: &str,
    line_number: u32,
) -> rusqlite::Result<bool> {
    connection
        .prepare_cached(
            "SELECT EXISTS (
                 SELECT 1 FROM statement_lines
                 JOIN statements ON statements.id = statement_lines.statement_id
                 WHERE statements.statement_id = ?1 AND statement_lines.line_number = ?2
             )",
        )?
        .query_row(params![statement_id, line_number], |row| row.get(0))
}

/// Inserts `line` under the statement with row id `statement`, and returns the line's row
/// id, or `None` if the statement has a line with that number already.
///
/// A line is identified by its statement and number only: a line that is present with
/// another amount or text is left as it is.
///
/// # Errors
///
/// Returns the SQLite error.
pub fn insert_line(
    connection: &Connection,
    statement: i64,
    line: &StatementLine,
) -> rusqlite::Result<Option<i64>> {
    connection
        .prepare_cached(
            "INSERT INTO statement_lines
                 (statement_id, line_number, booking_date, amount_minor, description)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (statement_id, line_number) DO NOTHING
             RETURNING id",
        )?
        .query_row(
            params![
                statement,
                line.line_number,
                line.booking_date.to_string(),
                line.amount.minor_units(),
                line.description
            ],
            |row| row.get(0),
        )
        .optional()
}

/// Looks up the row id of the line numbered `line_number` of the statement with row id
/// `statement`.
///
/// # Errors
///
/// Returns the SQLite error.
pub fn find_line(
    connection: &Connection,
    statement: i64,
    line_number: u32,
) -> rusqlite::Result<Option<i64>> {
    connection
        .prepare_cached(
            "SELECT id FROM statement_lines WHERE statement_id = ?1 AND line_number = ?2",
        )?
        .query_row(params![statement, line_number], |row| row.get(0))
        .optional()
}
