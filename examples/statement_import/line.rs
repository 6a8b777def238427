//! A statement line as the import works with it, and the checks that turn a CSV record into
//! one.

use std::fmt;

use crate::date::Date;
use crate::money::{Amount, Currency};
use crate::records::RecordError;

/// The CSV columns, in order. The first row of a file must name them exactly.
pub const COLUMNS: [&str; 7] = [
    "statement_id",
    "account",
    "line_number",
    "booking_date",
    "amount",
    "currency",
    "description",
];

/// One line of a bank statement, with every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    /// The 1-based line of the CSV file where the record starts, for messages.
    pub file_line: u64,
    /// The bank's id of the statement: lines with the same id belong to one statement.
    pub statement_id: String,
    /// The account the statement belongs to, such as an IBAN.
    pub account: String,
    /// The 1-based position of the line within its statement.
    pub line_number: u32,
    /// The day the bank booked the transaction.
    pub booking_date: Date,
    /// The signed amount: negative for a debit.
    pub amount: Amount,
    /// The bank's text for the transaction, possibly empty.
    pub description: String,
}

impl StatementLine {
    /// Checks the fields of a CSV record, in the order of [`COLUMNS`], and builds the line.
    /// `file_line` is the line of the CSV file where the record starts.
    ///
    /// # Errors
    ///
    /// Returns the first problem found: a wrong number of columns, a missing value, or a
    /// value that does not parse.
    pub fn from_record(record: &[String], file_line: u64) -> Result<StatementLine, RowError> {
        if record.len() != COLUMNS.len() {
            return Err(RowError::ColumnCount {
                expected: COLUMNS.len(),
                found: record.len(),
            });
        }
        let field = |index: usize| record[index].as_str();
        let required = |index: usize| match field(index) {
            "" => Err(RowError::Missing {
                column: COLUMNS[index],
            }),
            value => Ok(value),
        };
        let invalid = |index: usize| {
            move |problem: String| RowError::Invalid {
                column: COLUMNS[index],
                value: field(index).to_owned(),
                problem,
            }
        };

        let statement_id = required(0)?.to_owned();
        let account = required(1)?.to_owned();
        let line_number = parse_line_number(required(2)?).map_err(invalid(2))?;
        let booking_date = Date::parse(required(3)?).map_err(invalid(3))?;
        let amount_text = required(4)?;
        let currency = Currency::from_code(required(5)?).map_err(invalid(5))?;
        let amount = Amount::parse(amount_text, currency).map_err(invalid(4))?;
        Ok(StatementLine {
            file_line,
            statement_id,
            account,
            line_number,
            booking_date,
            amount,
            description: field(6).to_owned(),
        })
    }
}

fn parse_line_number(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(number) if number >= 1 && text.bytes().all(|byte| byte.is_ascii_digit()) => Ok(number),
        _ => Err(format!("expected a whole number from 1 to {}", u32::MAX)),
    }
}

/// The reason a CSV record is not a valid statement line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    /// The record has another number of columns than the header.
    #[error("expected {expected} columns, found {found}")]
    ColumnCount {
        /// The number of columns of the header.
        expected: usize,
        /// The number of columns of the record.
        found: usize,
    },
    /// A required column is empty.
    #[error("missing `{column}`")]
    Missing {
        /// The empty column.
        column: &'static str,
    },
    /// A column's value does not parse.
    #[error("invalid `{column}` `{value}`: {problem}")]
    Invalid {
        /// The column.
        column: &'static str,
        /// The value as the file has it.
        value: String,
        /// The problem with the value, and what is expected.
        problem: String,
    },
    /// The record is not valid CSV.
    #[error(transparent)]
    Csv(#[from] RecordError),
}

/// A CSV record the import rejects, with the line of the file where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRow {
    /// The 1-based line of the CSV file where the record starts.
    pub file_line: u64,
    /// The problem with the record.
    pub error: RowError,
}

impl fmt::Display for InvalidRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.file_line, self.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fields: &[&str]) -> Vec<String> {
        fields.iter().map(|field| field.to_string()).collect()
    }

    const VALID: [&str; 7] = [
        "ST-1",
        "DE89370400440532013000",
        "3",
        "2024-02-29",
        "-12.5",
        "EUR",
        "Card payment, Berlin",
    ];

    #[test]
    fn from_record_parses_every_field() {
        let line = StatementLine::from_record(&record(&VALID), 7).unwrap();
        assert_eq!(line.file_line, 7);
        assert_eq!(line.statement_id, "ST-1");
        assert_eq!(line.account, "DE89370400440532013000");
        assert_eq!(line.line_number, 3);
        assert_eq!(line.booking_date.to_string(), "2024-02-29");
        assert_eq!(line.amount.minor_units(), -1250);
        assert_eq!(line.amount.currency().code(), "EUR");
        assert_eq!(line.description, "Card payment, Berlin");
    }

    #[test]
    fn from_record_accepts_empty_description() {
        let mut fields = VALID;
        fields[6] = "";
        let line = StatementLine::from_record(&record(&fields), 2).unwrap();
        assert_eq!(line.description, "");
    }

    #[test]
    fn from_record_rejects_wrong_column_count() {
        let error = StatementLine::from_record(&record(&VALID[..6]), 2).unwrap_err();
        assert_eq!(error.to_string(), "expected 7 columns, found 6");
    }

    #[test]
    fn from_record_names_bad_column() {
        let cases = [
            (0, "", "missing `statement_id`"),
            (1, "", "missing `account`"),
            (
                2,
                "0",
                "invalid `line_number` `0`: expected a whole number from 1 to 4294967295",
            ),
            (
                2,
                "+4",
                "invalid `line_number` `+4`: expected a whole number from 1 to 4294967295",
            ),
            (
                3,
                "2024-02-30",
                "invalid `booking_date` `2024-02-30`: day 30 is not between 01 and 29 in 2024-02",
            ),
            (
                4,
                "NaN",
                "invalid `amount` `NaN`: expected an optional sign, digits and up to 2 decimal \
                 places after a point",
            ),
            (
                5,
                "EURO",
                "invalid `currency` `EURO`: expected one of EUR, USD, GBP, CHF, SEK, NOK, DKK, \
                 PLN, CZK, JPY",
            ),
        ];
        for (index, value, message) in cases {
            let mut fields = VALID;
            fields[index] = value;
            let error = StatementLine::from_record(&record(&fields), 2).unwrap_err();
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn invalid_row_names_file_line() {
        let row = InvalidRow {
            file_line: 1113,
            error: RowError::Missing { column: "account" },
        };
        assert_eq!(row.to_string(), "line 1113: missing `account`");
    }
}
