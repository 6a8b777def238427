//! Generates a CSV of bank statement lines for the `statement_import` example.
//!
//! ```sh
//! cargo run --example gen_statements -- --lines 10000 --seed 42 --out examples/data/statements.csv
//! ```
//!
//! The output depends only on `--lines` and `--seed`: the same arguments always write the
//! same file. Without `--out` the CSV goes to standard output. Eight malformed rows (a bad
//! amount, `NaN`, a missing statement id, a missing column, three bad dates and an unknown
//! currency) sit at fixed places among the valid lines, so the import shows how it rejects
//! them.

mod generate;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: gen_statements [--lines N] [--seed N] [--out PATH]

  --lines N   number of valid statement lines to write (default 10000)
  --seed N    seed of the random generator; the same seed writes the same file (default 42)
  --out PATH  file to write; without it the CSV goes to standard output";

struct Args {
    lines: u64,
    seed: u64,
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let result = match &args.out {
        Some(path) => File::create(path)
            .map_err(|error| format!("cannot create `{}`: {error}", path.display()))
            .and_then(|file| write(BufWriter::new(file), &args)),
        None => write(io::stdout().lock(), &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn write(mut out: impl Write, args: &Args) -> Result<(), String> {
    let generated = generate::write_csv(&mut out, args.lines, args.seed)
        .and_then(|generated| out.flush().map(|()| generated))
        .map_err(|error| format!("cannot write the CSV: {error}"))?;
    eprintln!(
        "wrote {} valid lines over {} statements and {} malformed rows",
        generated.valid_lines, generated.statements, generated.malformed_rows
    );
    Ok(())
}

/// Parses the arguments; `Ok(None)` means help was requested.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        lines: 10_000,
        seed: 42,
        out: None,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--lines" => parsed.lines = number(&arg, args.next())?,
            "--seed" => parsed.seed = number(&arg, args.next())?,
            "--out" => {
                let path = args.next().ok_or("`--out` needs a file path")?;
                parsed.out = Some(PathBuf::from(path));
            }
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    Ok(Some(parsed))
}

fn number(option: &str, value: Option<String>) -> Result<u64, String> {
    let value = value.ok_or_else(|| format!("`{option}` needs a number"))?;
    value
        .parse()
        .map_err(|_| format!("invalid `{option}` value `{value}`: expected a whole number"))
}
