//! Imports bank statement lines from a CSV file into a SQLite database, idempotently.
//!
//! ```sh
//! cargo run --release --example statement_import -- --db statements.db examples/data/statements.csv
//! ```
//!
//! Each CSV record runs through a two-step pipeline, "create statement" and "create
//! statement line", whose pre-checks skip the inserts that were done before: running the
//! command twice imports every line once. The records run on a pool of worker threads,
//! each with its own SQLite connection. The tables are created if they are missing.
//!
//! Rows that are not imported are printed to standard error with their line in the file,
//! and the counts to standard output.
//!
//! Exit codes:
//!
//! - 0: every record was imported, found already present, or rejected as invalid.
//! - 1: the CSV file or the database cannot be opened or read, or the database work for
//!   some rows failed. Running the command again retries those rows.
//! - 2: the arguments are invalid.

mod date;
mod db;
mod import;
mod line;
mod money;
mod reader;
mod records;
mod summary;

use std::fs::File;
use std::io::{self, Write};
use std::num::NonZero;
use std::path::PathBuf;
use std::process::ExitCode;
use std::thread;

use indicatif::{ProgressBar, ProgressStyle};

use crate::import::{ImportError, error_chain};
use crate::reader::{ReadError, Rows};
use crate::summary::Summary;

const USAGE: &str = "\
usage: statement_import --db PATH [--workers N] CSV

Imports the statement lines of the CSV file into the SQLite database at PATH,
creating the file and its tables if they are missing. Lines already in the
database are skipped, so the same file can be imported again.

  --db PATH     SQLite database file to import into
  --workers N   number of worker threads, each with its own connection
                (default: the number of available CPU threads)
  CSV           file of statement lines, with the header
                statement_id,account,line_number,booking_date,amount,currency,description";

/// The maximum number of problems printed to standard error. Further ones are counted, not
/// printed.
const MAX_PRINTED_PROBLEMS: u64 = 50;

struct Args {
    database: PathBuf,
    csv: PathBuf,
    workers: usize,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            write_line(&mut io::stdout(), USAGE);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            write_line(&mut io::stderr(), &format!("error: {message}\n\n{USAGE}"));
            return ExitCode::from(2);
        }
    };

    let summary = match run(&args) {
        Ok(summary) => summary,
        Err(error) => {
            write_line(
                &mut io::stderr(),
                &format!("error: {}", error_chain(&error)),
            );
            return ExitCode::FAILURE;
        }
    };
    write_line(&mut io::stdout(), &summary.to_string());
    if summary.rows_failed > 0 {
        let rows = if summary.rows_failed == 1 {
            "row"
        } else {
            "rows"
        };
        let message = format!(
            "error: the database work for {} {rows} failed; run the import again to retry them",
            summary.rows_failed
        );
        write_line(&mut io::stderr(), &message);
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Writes `text` and a newline to `stream`, ignoring a failed write.
///
/// `println!` panics when the reader of a pipe has gone, as with `| head -1`. The import's
/// outcome does not depend on its output, so the import goes on and the exit code stays
/// that of the import.
fn write_line(stream: &mut impl Write, text: &str) {
    let _ = writeln!(stream, "{text}");
}

/// Imports the CSV file, showing a progress bar on standard error while it runs.
fn run(args: &Args) -> Result<Summary, ImportError> {
    let csv_path = args.csv.display().to_string();
    let file = File::open(&args.csv).map_err(|error| ReadError::Open {
        path: csv_path.clone(),
        error,
    })?;
    // The bar counts bytes read: the reader runs at most a buffer ahead of the import.
    let size = file.metadata().map(|metadata| metadata.len()).ok();
    let progress = progress_bar(size);
    let rows = Rows::new(progress.wrap_read(file), csv_path)?;

    let mut printed = 0;
    let summary = import::import(rows, &args.database, args.workers, |problem| {
        printed += 1;
        if printed <= MAX_PRINTED_PROBLEMS {
            progress.suspend(|| write_line(&mut io::stderr(), &problem.to_string()));
        }
    });
    progress.finish_and_clear();
    if printed > MAX_PRINTED_PROBLEMS {
        let message = format!(
            "{} more rows were not imported; the first {MAX_PRINTED_PROBLEMS} are shown",
            printed - MAX_PRINTED_PROBLEMS
        );
        write_line(&mut io::stderr(), &message);
    }
    summary
}

/// Creates a progress bar over `size` bytes, drawn on standard error only when it is a
/// terminal.
fn progress_bar(size: Option<u64>) -> ProgressBar {
    let progress = ProgressBar::new(size.unwrap_or(0));
    let template = "{elapsed_precise} [{wide_bar}] {binary_bytes}/{binary_total_bytes} \
                    ({binary_bytes_per_sec}, {eta} left)";
    if let Ok(style) = ProgressStyle::with_template(template) {
        progress.set_style(style.progress_chars("=> "));
    }
    progress
}

/// Parses the arguments; `Ok(None)` means help was requested.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut database = None;
    let mut csv = None;
    let mut workers = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--db" => {
                let path = args.next().ok_or("`--db` needs a database file path")?;
                database = Some(PathBuf::from(path));
            }
            "--workers" => {
                let count = args.next().ok_or("`--workers` needs a number")?;
                match count.parse::<usize>() {
                    Ok(count) if count >= 1 => workers = Some(count),
                    _ => {
                        return Err(format!(
                            "invalid `--workers` value `{count}`: expected a whole number from 1"
                        ));
                    }
                }
            }
            option if option.starts_with('-') => {
                return Err(format!("unknown option `{option}`"));
            }
            path if csv.is_none() => csv = Some(PathBuf::from(path)),
            extra => return Err(format!("unexpected argument `{extra}`: give one CSV file")),
        }
    }
    Ok(Some(Args {
        database: database.ok_or("missing `--db PATH`")?,
        csv: csv.ok_or("missing the CSV file to import")?,
        workers: workers.unwrap_or_else(|| thread::available_parallelism().map_or(1, NonZero::get)),
    }))
}
