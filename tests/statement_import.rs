//! The `statement_import` example's import, run on real SQLite files in temporary
//! directories.
//!
//! The example's modules are compiled into this test as they are, so the tests exercise the
//! code the example runs. Parts that only the example's `main` uses are unused here.

#[allow(dead_code)]
#[path = "../examples/statement_import/date.rs"]
mod date;
#[allow(dead_code)]
#[path = "../examples/statement_import/db.rs"]
mod db;
#[allow(dead_code)]
#[path = "../examples/gen_statements/generate.rs"]
mod generate;
#[allow(dead_code)]
#[path = "../examples/statement_import/import.rs"]
mod import;
#[allow(dead_code)]
#[path = "../examples/statement_import/line.rs"]
mod line;
#[allow(dead_code)]
#[path = "../examples/statement_import/money.rs"]
mod money;
#[allow(dead_code)]
#[path = "../examples/statement_import/reader.rs"]
mod reader;
#[allow(dead_code)]
#[path = "../examples/statement_import/records.rs"]
mod records;
#[allow(dead_code)]
#[path = "../examples/statement_import/summary.rs"]
mod summary;

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::thread;

use rusqlite::Connection;
use tempfile::TempDir;

use crate::import::{Problem, ProblemKind};
use crate::reader::Rows;
use crate::summary::Summary;

/// The header of every CSV file.
const HEADER: &str = "statement_id,account,line_number,booking_date,amount,currency,description";

/// Writes `lines` below the header to a file in `dir`, and returns its path.
fn write_csv(dir: &TempDir, name: &str, lines: &[&str]) -> PathBuf {
    let path = dir.path().join(name);
    let mut text = format!("{HEADER}\n");
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    fs::write(&path, text).unwrap();
    path
}

/// The worker count of the imports whose result does not depend on the order of the rows.
const WORKERS: usize = 4;

/// Imports the CSV file at `csv` into the database at `database` on `workers` threads, as
/// the example does, and returns the summary and every problem reported.
fn import_file(csv: &Path, database: &Path, workers: usize) -> (Summary, Vec<Problem>) {
    let file = File::open(csv).unwrap();
    let rows = Rows::new(file, csv.display().to_string()).unwrap();
    let mut problems = Vec::new();
    let summary = import::import(rows, database, workers, |problem| {
        problems.push(problem.clone())
    })
    .unwrap_or_else(|error| panic!("import failed: {}", import::error_chain(&error)));
    (summary, problems)
}

fn count(connection: &Connection, table: &str) -> u64 {
    let count: i64 = connection
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
            row.get(0)
        })
        .unwrap();
    count.try_into().unwrap()
}

type StoredLine = (String, u32, String, i64, String);

/// Reads every stored line with its statement's bank id, in statement and line order.
fn stored_lines(connection: &Connection) -> Vec<StoredLine> {
    let mut query = connection
        .prepare(
            "SELECT statements.statement_id, line_number, booking_date, amount_minor, description
             FROM statement_lines JOIN statements ON statements.id = statement_lines.statement_id
             ORDER BY statements.statement_id, line_number",
        )
        .unwrap();
    query
        .query_map([], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Reads every stored statement, in bank id order.
fn stored_statements(connection: &Connection) -> Vec<(String, String, String)> {
    let mut query = connection
        .prepare("SELECT statement_id, account, currency FROM statements ORDER BY statement_id")
        .unwrap();
    query
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn line(statement: &str, number: u32, date: &str, minor: i64, text: &str) -> StoredLine {
    (statement.into(), number, date.into(), minor, text.into())
}

#[test]
fn import_twice_creates_rows_once() {
    let dir = TempDir::new().unwrap();
    let csv = write_csv(
        &dir,
        "statements.csv",
        &[
            "ST-A,DE89370400440532013000,1,2024-03-01,-12.50,EUR,\"Card payment Lidl, Berlin\"",
            "ST-A,DE89370400440532013000,2,2024-03-02,2500.00,EUR,Salary March",
            "ST-B,GB29NWBK60161331926819,1,2024-03-05,-0.99,GBP,\"Café \"\"Zum Hirschen\"\"\"",
            "ST-B,GB29NWBK60161331926819,2,2024-03-05,abc,GBP,Bad amount",
            "ST-C,GB29NWBK60161331926820,1,2024-03-07,1500,JPY,",
            "ST-A,DE89370400440532013000,3,2024-03-09,7,EUR,Interest",
        ],
    );
    let database = dir.path().join("import.db");

    let (first, problems) = import_file(&csv, &database, WORKERS);
    assert_eq!(first.records, 6);
    assert_eq!(first.statements_created, 3);
    assert_eq!(first.lines_created, 5);
    assert_eq!(first.lines_present, 0);
    assert_eq!(first.rows_rejected, 1);
    assert_eq!(first.rows_failed, 0);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file_line, 5);
    assert_eq!(problems[0].kind, ProblemKind::Rejected);
    assert!(
        problems[0].message.starts_with("invalid `amount` `abc`"),
        "{}",
        problems[0].message
    );

    let connection = Connection::open(&database).unwrap();
    assert_eq!(
        stored_statements(&connection),
        [
            ("ST-A".into(), "DE89370400440532013000".into(), "EUR".into()),
            ("ST-B".into(), "GB29NWBK60161331926819".into(), "GBP".into()),
            ("ST-C".into(), "GB29NWBK60161331926820".into(), "JPY".into()),
        ]
    );
    let expected_lines = [
        line("ST-A", 1, "2024-03-01", -1250, "Card payment Lidl, Berlin"),
        line("ST-A", 2, "2024-03-02", 250_000, "Salary March"),
        line("ST-A", 3, "2024-03-09", 700, "Interest"),
        line("ST-B", 1, "2024-03-05", -99, "Café \"Zum Hirschen\""),
        line("ST-C", 1, "2024-03-07", 1500, ""),
    ];
    assert_eq!(stored_lines(&connection), expected_lines);

    let (second, problems) = import_file(&csv, &database, WORKERS);
    assert_eq!(second.records, 6);
    assert_eq!(second.statements_created, 0);
    assert_eq!(second.lines_created, 0);
    assert_eq!(second.lines_present, 5);
    assert_eq!(second.rows_rejected, 1);
    assert_eq!(second.rows_failed, 0);
    assert_eq!(problems.len(), 1);
    assert_eq!(stored_lines(&connection), expected_lines);
    assert_eq!(count(&connection, "statements"), 3);
}

#[test]
fn import_twice_generated_csv() {
    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("generated.csv");
    let generated = generate::write_csv(&mut File::create(&csv).unwrap(), 200, 7).unwrap();
    assert_eq!(generated.valid_lines, 200);
    assert_eq!(generated.malformed_rows, 8);
    let database = dir.path().join("import.db");

    let (first, problems) = import_file(&csv, &database, WORKERS);
    assert_eq!(first.records, 208);
    assert_eq!(first.statements_created, generated.statements);
    assert_eq!(first.lines_created, 200);
    assert_eq!(first.lines_present, 0);
    assert_eq!(first.rows_rejected, 8);
    assert_eq!(first.rows_failed, 0);
    assert!(
        problems
            .iter()
            .all(|problem| problem.kind == ProblemKind::Rejected)
    );

    let connection = Connection::open(&database).unwrap();
    assert_eq!(count(&connection, "statements"), generated.statements);
    assert_eq!(count(&connection, "statement_lines"), 200);
    let lines_before = stored_lines(&connection);

    let (second, _) = import_file(&csv, &database, WORKERS);
    assert_eq!(second.statements_created, 0);
    assert_eq!(second.lines_created, 0);
    assert_eq!(second.lines_present, 200);
    assert_eq!(second.rows_rejected, 8);
    assert_eq!(stored_lines(&connection), lines_before);
}

#[test]
fn shipped_sample_matches_generator() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/statements.csv");
    let mut regenerated = Vec::new();
    let generated = generate::write_csv(&mut regenerated, 10_000, 42).unwrap();
    assert!(generated.statements >= 1_000, "{generated:?}");
    assert!(
        fs::read(&shipped).unwrap() == regenerated,
        "examples/data/statements.csv differs from `gen_statements --lines 10000 --seed 42`"
    );

    let dir = TempDir::new().unwrap();
    let (summary, problems) = import_file(&shipped, &dir.path().join("sample.db"), WORKERS);
    assert_eq!(summary.records, 10_008);
    assert_eq!(summary.statements_created, generated.statements);
    assert_eq!(summary.lines_created, 10_000);
    assert_eq!(summary.rows_rejected, 8);
    assert_eq!(summary.rows_failed, 0);
    let mut lines: Vec<u64> = problems.iter().map(|problem| problem.file_line).collect();
    lines.sort_unstable();
    assert_eq!(lines, [1113, 2225, 3337, 4449, 5561, 6673, 7785, 8897]);
}

#[test]
fn workers_race_on_new_statements() {
    const STATEMENTS: u32 = 5;
    const LINES: u32 = 100;
    let dir = TempDir::new().unwrap();
    // Consecutive records belong to the same statement, so the workers take several lines
    // of a new statement at once and race to create it.
    let records: Vec<String> = (1..=STATEMENTS)
        .flat_map(|statement| {
            (1..=LINES).map(move |number| {
                format!(
                    "ST-{statement},DE89370400440532013000,{number},2024-03-01,-{number}.00,EUR,x"
                )
            })
        })
        .collect();
    let records: Vec<&str> = records.iter().map(String::as_str).collect();
    let csv = write_csv(&dir, "racing.csv", &records);
    let database = dir.path().join("import.db");

    let (first, problems) = import_file(&csv, &database, 8);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(first.statements_created, u64::from(STATEMENTS));
    assert_eq!(first.lines_created, u64::from(STATEMENTS * LINES));
    assert_eq!(first.lines_present, 0);

    let connection = Connection::open(&database).unwrap();
    assert_eq!(count(&connection, "statements"), u64::from(STATEMENTS));
    let lines = stored_lines(&connection);
    assert_eq!(lines.len(), (STATEMENTS * LINES) as usize);
    for (index, line) in lines.iter().enumerate() {
        let number = index as u32 % LINES + 1;
        assert_eq!(line.1, number);
        assert_eq!(line.3, -100 * i64::from(number));
    }

    let (second, _) = import_file(&csv, &database, 8);
    assert_eq!(second.statements_created, 0);
    assert_eq!(second.lines_created, 0);
    assert_eq!(second.lines_present, u64::from(STATEMENTS * LINES));
}

#[test]
fn concurrent_imports_insert_each_row_once() {
    const THREADS: u64 = 4;
    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("generated.csv");
    let generated = generate::write_csv(&mut File::create(&csv).unwrap(), 300, 11).unwrap();
    let database = dir.path().join("import.db");

    // Every thread imports the same file in the same order, so they reach each new
    // statement and line at about the same time and race to insert it.
    let start = Arc::new(Barrier::new(THREADS as usize));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (csv, database, start) = (csv.clone(), database.clone(), Arc::clone(&start));
            thread::spawn(move || {
                start.wait();
                import_file(&csv, &database, 2)
            })
        })
        .collect();
    let summaries: Vec<Summary> = handles
        .into_iter()
        .map(|handle| handle.join().unwrap().0)
        .collect();

    let total = |field: fn(&Summary) -> u64| summaries.iter().map(field).sum::<u64>();
    assert_eq!(total(|s| s.rows_failed), 0);
    assert_eq!(total(|s| s.statements_created), generated.statements);
    assert_eq!(total(|s| s.lines_created), generated.valid_lines);
    assert_eq!(
        total(|s| s.lines_present),
        (THREADS - 1) * generated.valid_lines
    );
    assert_eq!(
        total(|s| s.rows_rejected),
        THREADS * generated.malformed_rows
    );

    let connection = Connection::open(&database).unwrap();
    assert_eq!(count(&connection, "statements"), generated.statements);
    assert_eq!(count(&connection, "statement_lines"), generated.valid_lines);
}

#[test]
fn line_contradicting_statement_is_rejected() {
    let dir = TempDir::new().unwrap();
    let csv = write_csv(
        &dir,
        "mismatch.csv",
        &[
            "ST-A,DE89370400440532013000,1,2024-03-01,-12.50,EUR,first",
            "ST-A,DE89370400440532013000,2,2024-03-02,-3.00,USD,other currency",
            "ST-A,FR7630006000011234567890189,3,2024-03-03,-4.00,EUR,other account",
            "ST-A,DE89370400440532013000,4,2024-03-04,-5.00,EUR,fourth",
        ],
    );
    let database = dir.path().join("import.db");

    // One worker, so that the first line creates the statement the later lines are checked
    // against.
    let (summary, problems) = import_file(&csv, &database, 1);
    assert_eq!(summary.statements_created, 1);
    assert_eq!(summary.lines_created, 2);
    assert_eq!(summary.rows_rejected, 2);
    assert_eq!(summary.rows_failed, 0);
    let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "line 3: rejected: statement `ST-A` is stored with currency `EUR`, but the line \
             has `USD`",
            "line 4: rejected: statement `ST-A` is stored with account \
             `DE89370400440532013000`, but the line has `FR7630006000011234567890189`",
        ]
    );
    let connection = Connection::open(&database).unwrap();
    let numbers: Vec<u32> = stored_lines(&connection)
        .iter()
        .map(|line| line.1)
        .collect();
    assert_eq!(numbers, [1, 4]);
}

#[test]
fn repeated_line_in_file_is_present() {
    let dir = TempDir::new().unwrap();
    let csv = write_csv(
        &dir,
        "repeated.csv",
        &[
            "ST-A,DE89370400440532013000,1,2024-03-01,-12.50,EUR,first",
            "ST-A,DE89370400440532013000,1,2024-03-01,-99.00,EUR,changed amount",
        ],
    );
    let database = dir.path().join("import.db");

    // One worker, so that the first of the two records is the one stored.
    let (summary, problems) = import_file(&csv, &database, 1);
    assert_eq!(summary.lines_created, 1);
    assert_eq!(summary.lines_present, 1);
    assert!(problems.is_empty());
    let connection = Connection::open(&database).unwrap();
    assert_eq!(
        stored_lines(&connection),
        [line("ST-A", 1, "2024-03-01", -1250, "first")]
    );
}

#[test]
fn failing_insert_counts_row_failed() {
    let dir = TempDir::new().unwrap();
    let database = dir.path().join("import.db");
    // A table created beforehand with an extra rule: the import keeps the existing table,
    // so inserting a line that breaks the rule fails in the database.
    Connection::open(&database)
        .unwrap()
        .execute_batch(
            "CREATE TABLE statement_lines (
                 id           INTEGER PRIMARY KEY,
                 statement_id INTEGER NOT NULL,
                 line_number  INTEGER NOT NULL,
                 booking_date TEXT    NOT NULL,
                 amount_minor INTEGER NOT NULL CHECK (amount_minor > -100000),
                 description  TEXT    NOT NULL,
                 UNIQUE (statement_id, line_number)
             )",
        )
        .unwrap();
    let csv = write_csv(
        &dir,
        "large.csv",
        &[
            "ST-A,DE89370400440532013000,1,2024-03-01,-12.50,EUR,small",
            "ST-A,DE89370400440532013000,2,2024-03-02,-5000.00,EUR,large",
            "ST-A,DE89370400440532013000,3,2024-03-03,-1.00,EUR,small",
        ],
    );

    let (summary, problems) = import_file(&csv, &database, WORKERS);
    assert_eq!(summary.lines_created, 2);
    assert_eq!(summary.rows_failed, 1);
    assert_eq!(summary.rows_rejected, 0);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file_line, 3);
    assert_eq!(problems[0].kind, ProblemKind::Failed);
    assert!(
        problems[0]
            .message
            .starts_with("job of step `create statement line` failed: CHECK constraint failed"),
        "{}",
        problems[0].message
    );
}

#[test]
fn unopenable_database_is_an_error() {
    let dir = TempDir::new().unwrap();
    let csv = write_csv(&dir, "one.csv", &["ST-A,DE89,1,2024-03-01,1.00,EUR,x"]);
    let database = dir.path().join("missing-directory").join("import.db");
    let rows = Rows::new(File::open(&csv).unwrap(), "one.csv").unwrap();

    let error = import::import(rows, &database, 1, |_| {}).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "cannot open the database `{}`: cannot open the file; check that its directory \
             exists and is writable",
            database.display()
        )
    );
}
