//! Reading statement lines from a CSV file whose first row is the header of
//! [`COLUMNS`](crate::line::COLUMNS).
//!
//! The CSV syntax is described in [`records`](crate::records).

use std::io::{self, BufReader, Read};

use crate::line::{COLUMNS, InvalidRow, RowError, StatementLine};
use crate::records::CsvReader;

/// A statement line, or the record that could not be read as one.
pub type Row = Result<StatementLine, InvalidRow>;

/// The data rows of a CSV file of statement lines, one [`Row`] per record.
///
/// The iterator yields an `Err` once for a read error, such as a failing disk, and ends.
pub struct Rows<R> {
    reader: CsvReader<BufReader<R>>,
    path: String,
    failed: bool,
}

impl<R: Read> Rows<R> {
    /// Reads the header from `input` and returns the rows after it. `path` names the input
    /// in error messages.
    ///
    /// # Errors
    ///
    /// Returns [`ReadError::Empty`] or [`ReadError::Header`] when the input does not start
    /// with the expected header, and [`ReadError::Read`] when it cannot be read.
    pub fn new(input: R, path: impl Into<String>) -> Result<Rows<R>, ReadError> {
        let path = path.into();
        let mut reader = CsvReader::new(BufReader::new(input));
        let header = match reader.read_record() {
            Ok(Some(header)) => header,
            Ok(None) => return Err(ReadError::Empty { path }),
            Err(error) => return Err(ReadError::Read { path, error }),
        };
        let found = match header.fields {
            Ok(fields) if fields.iter().eq(COLUMNS.iter()) => None,
            Ok(fields) => Some(fields.join(",")),
            Err(error) => Some(error.to_string()),
        };
        if let Some(found) = found {
            return Err(ReadError::Header { path, found });
        }
        Ok(Rows {
            reader,
            path,
            failed: false,
        })
    }
}

impl<R: Read> Iterator for Rows<R> {
    type Item = Result<Row, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.reader.read_record() {
            Ok(None) => None,
            Ok(Some(record)) => {
                let file_line = record.file_line;
                let row = record
                    .fields
                    .map_err(RowError::from)
                    .and_then(|fields| StatementLine::from_record(&fields, file_line))
                    .map_err(|error| InvalidRow { file_line, error });
                Some(Ok(row))
            }
            Err(error) => {
                self.failed = true;
                Some(Err(ReadError::Read {
                    path: self.path.clone(),
                    error,
                }))
            }
        }
    }
}

/// An error that stops reading a CSV file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file cannot be opened.
    #[error("cannot open the CSV file `{path}`")]
    Open {
        /// The path of the file.
        path: String,
        /// The error of the file system.
        #[source]
        error: io::Error,
    },
    /// The file has no row, so not even the header.
    #[error("the CSV file `{path}` is empty: expected the header `{}`", COLUMNS.join(","))]
    Empty {
        /// The path of the file.
        path: String,
    },
    /// The first row is not the expected header.
    #[error(
        "the CSV file `{path}` does not start with the header `{}`: found `{found}`",
        COLUMNS.join(",")
    )]
    Header {
        /// The path of the file.
        path: String,
        /// The first row as found, or why it cannot be read.
        found: String,
    },
    /// Reading failed partway.
    #[error("cannot read the CSV file `{path}`")]
    Read {
        /// The path of the file.
        path: String,
        /// The error of the input.
        #[source]
        error: io::Error,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::RecordError;

    const HEADER: &str =
        "statement_id,account,line_number,booking_date,amount,currency,description\n";

    fn rows(text: &[u8]) -> Vec<Row> {
        Rows::new(text, "test.csv")
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn rows_read_quoted_fields_and_count_lines() {
        let text = format!(
            "{HEADER}ST-1,DE89,1,2024-01-02,-3.50,EUR,\"Café \"\"Zum Hirschen\"\", Berlin\"\r\n\
             \r\n\
             ST-1, DE89 ,2,2024-01-03,4,EUR,\"two\nlines\"\n\
             ST-1,DE89,3,2024-01-03,4,EUR,three\n"
        );
        let rows = rows(text.as_bytes());
        assert_eq!(rows.len(), 3);
        let first = rows[0].as_ref().unwrap();
        assert_eq!(first.description, "Café \"Zum Hirschen\", Berlin");
        assert_eq!(first.file_line, 2);
        let second = rows[1].as_ref().unwrap();
        assert_eq!(second.account, "DE89");
        assert_eq!(second.description, "two\nlines");
        assert_eq!(second.file_line, 4);
        assert_eq!(rows[2].as_ref().unwrap().file_line, 6);
    }

    #[test]
    fn rows_report_bad_record_and_go_on() {
        let text = format!(
            "{HEADER}ST-1,DE89,1,2024-01-02,abc,EUR,x\n\
             ST-1,DE89,2,2024-01-02\n\
             ST-1,DE89,3,2024-01-02,1.00,EUR,caf\u{e9}\n"
        );
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(b"ST-1,DE89,4,2024-01-02,1.00,EUR,caf\xe9\n");
        let rows = rows(&bytes);
        assert_eq!(rows.len(), 4);
        let bad_amount = rows[0].as_ref().unwrap_err();
        assert_eq!(bad_amount.file_line, 2);
        assert!(matches!(
            bad_amount.error,
            RowError::Invalid {
                column: "amount",
                ..
            }
        ));
        let short = rows[1].as_ref().unwrap_err();
        assert_eq!(short.to_string(), "line 3: expected 7 columns, found 4");
        assert_eq!(rows[2].as_ref().unwrap().description, "café");
        assert_eq!(
            rows[3].as_ref().unwrap_err(),
            &InvalidRow {
                file_line: 5,
                error: RowError::Csv(RecordError::NotUtf8)
            }
        );
    }

    #[test]
    fn new_rejects_missing_or_wrong_header() {
        let empty = Rows::new(&b""[..], "empty.csv").err().unwrap();
        assert_eq!(
            empty.to_string(),
            "the CSV file `empty.csv` is empty: expected the header `statement_id,account,\
             line_number,booking_date,amount,currency,description`"
        );
        let wrong = Rows::new(&b"\n\nid,amount\n1,2\n"[..], "wrong.csv")
            .err()
            .unwrap();
        assert!(
            wrong.to_string().ends_with(": found `id,amount`"),
            "{wrong}"
        );
    }
}
