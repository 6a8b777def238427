//! A CSV record reader that knows the line of the file where each record starts.
//!
//! The format is CSV as RFC 4180 describes it, read leniently where files written by hand
//! or by spreadsheets differ:
//!
//! - Fields are separated by commas. A record ends at a line feed or a carriage return and
//!   line feed outside a quoted field.
//! - A field that starts with a double quote, after optional spaces or tabs, is quoted. It
//!   ends at the next double quote that is not doubled. It may contain commas, line breaks,
//!   and doubled double quotes, each of which is read as one double quote. Only spaces or tabs may follow its
//!   closing quote.
//! - Spaces and tabs around an unquoted field are removed; a quoted field is kept exactly.
//!   A double quote inside an unquoted field is an error.
//! - Lines that are empty or hold only spaces and tabs are skipped, but counted.
//! - A UTF-8 byte order mark at the start of the file is skipped. Fields must be UTF-8.
//!
//! Lines are numbered from 1 and every line feed counts, also inside a quoted field and in a
//! file with CRLF line endings, so a message points at the line an editor shows.

use std::io::{self, BufRead};

/// One CSV record, or the reason it cannot be read, with the line where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The 1-based line of the file where the record starts.
    pub file_line: u64,
    /// The fields in order, or why the record is malformed.
    pub fields: Result<Vec<String>, RecordError>,
}

/// The reason a CSV record is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// A field is not valid UTF-8.
    #[error("the record is not valid UTF-8; save the file as UTF-8")]
    NotUtf8,
    /// A double quote appears inside a field that does not start with one.
    #[error(
        "a double quote inside an unquoted field; enclose the field in double quotes and \
         double each double quote inside it"
    )]
    QuoteInUnquotedField,
    /// Something other than spaces follows the closing quote of a quoted field.
    #[error(
        "text after the closing double quote of a field; double each double quote inside a \
         quoted field"
    )]
    TextAfterClosingQuote,
    /// The file ends inside a quoted field.
    #[error("the quoted field that starts in this record is not closed before the end of the file")]
    UnclosedQuote,
}

/// The position of the parser within a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first character of a field, skipping spaces.
    FieldStart,
    /// Inside a field that does not start with a double quote.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a double quote inside a quoted field: a second one makes a literal quote,
    /// anything else closes the field.
    QuoteInQuoted,
    /// After the closing quote of a field, skipping spaces.
    AfterQuoted,
}

/// Reads CSV records one at a time from a buffered input.
pub struct CsvReader<R> {
    input: R,
    /// The number of lines read so far.
    lines_read: u64,
    line: Vec<u8>,
}

impl<R: BufRead> CsvReader<R> {
    /// Creates a reader that starts at the first line of `input`.
    pub fn new(input: R) -> Self {
        CsvReader {
            input,
            lines_read: 0,
            line: Vec::new(),
        }
    }

    /// Reads the next record, skipping blank lines, or returns `None` at the end of the
    /// input.
    ///
    /// A malformed record is returned with its error, and the next call goes on after it.
    ///
    /// # Errors
    ///
    /// Returns the error of the input.
    pub fn read_record(&mut self) -> io::Result<Option<Record>> {
        loop {
            if !self.read_line()? {
                return Ok(None);
            }
            if self.line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let file_line = self.lines_read;
            let fields = self.parse_record()?;
            return Ok(Some(Record { file_line, fields }));
        }
    }

    /// Reads the next line into `self.line`, with its line ending. Returns `false` at the
    /// end of the input.
    fn read_line(&mut self) -> io::Result<bool> {
        self.line.clear();
        if self.input.read_until(b'\n', &mut self.line)? == 0 {
            return Ok(false);
        }
        if self.lines_read == 0 && self.line.starts_with("\u{feff}".as_bytes()) {
            self.line.drain(..3);
        }
        self.lines_read += 1;
        Ok(true)
    }

    /// Parses the record that starts with the line in `self.line`, reading more lines while
    /// a quoted field goes on.
    fn parse_record(&mut self) -> io::Result<Result<Vec<String>, RecordError>> {
        let mut fields: Vec<Vec<u8>> = Vec::new();
        let mut field: Vec<u8> = Vec::new();
        let mut state = State::FieldStart;
        let mut error = None;

        loop {
            let (content, line_ending) = split_line_ending(&self.line);
            for &byte in content {
                state = match (state, byte) {
                    (State::Quoted, b'"') => State::QuoteInQuoted,
                    (State::Quoted, _) => {
                        field.push(byte);
                        State::Quoted
                    }
                    (State::QuoteInQuoted, b'"') => {
                        field.push(b'"');
                        State::Quoted
                    }
                    (State::FieldStart | State::AfterQuoted, b' ' | b'\t') => state,
                    (State::QuoteInQuoted, b' ' | b'\t') => State::AfterQuoted,
                    (_, b',') => {
                        fields.push(finish_field(&mut field, state));
                        State::FieldStart
                    }
                    (State::FieldStart, b'"') => State::Quoted,
                    (State::FieldStart | State::Unquoted, _) => {
                        if byte == b'"' {
                            error.get_or_insert(RecordError::QuoteInUnquotedField);
                        }
                        field.push(byte);
                        State::Unquoted
                    }
                    (State::QuoteInQuoted | State::AfterQuoted, _) => {
                        error.get_or_insert(RecordError::TextAfterClosingQuote);
                        State::AfterQuoted
                    }
                };
            }
            if state != State::Quoted {
                break;
            }
            // The quoted field goes on in the next line and keeps the line break.
            field.extend_from_slice(line_ending);
            if !self.read_line()? {
                return Ok(Err(RecordError::UnclosedQuote));
            }
        }
        fields.push(finish_field(&mut field, state));

        if let Some(error) = error {
            return Ok(Err(error));
        }
        let fields = fields
            .into_iter()
            .map(String::from_utf8)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| RecordError::NotUtf8);
        Ok(fields)
    }
}

/// Splits a line into its content and its line ending: `\n`, `\r\n`, or nothing at the end
/// of the input.
fn split_line_ending(line: &[u8]) -> (&[u8], &[u8]) {
    let ending = if line.ends_with(b"\r\n") {
        2
    } else if line.ends_with(b"\n") {
        1
    } else {
        0
    };
    line.split_at(line.len() - ending)
}

/// Takes the bytes of a finished field, without the trailing spaces of an unquoted field.
fn finish_field(field: &mut Vec<u8>, state: State) -> Vec<u8> {
    if state == State::Unquoted {
        let kept = field.len()
            - field
                .iter()
                .rev()
                .take_while(|&&byte| byte == b' ' || byte == b'\t')
                .count();
        field.truncate(kept);
    }
    std::mem::take(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &[u8]) -> Vec<Record> {
        let mut reader = CsvReader::new(text);
        let mut records = Vec::new();
        while let Some(record) = reader.read_record().unwrap() {
            records.push(record);
        }
        records
    }

    fn ok(file_line: u64, fields: &[&str]) -> Record {
        Record {
            file_line,
            fields: Ok(fields.iter().map(|field| field.to_string()).collect()),
        }
    }

    fn err(file_line: u64, error: RecordError) -> Record {
        Record {
            file_line,
            fields: Err(error),
        }
    }

    #[test]
    fn read_record_splits_plain_fields() {
        assert_eq!(
            records(b"a,b,c\n1,,3\n"),
            [ok(1, &["a", "b", "c"]), ok(2, &["1", "", "3"])]
        );
    }

    #[test]
    fn read_record_reads_last_line_without_line_feed() {
        assert_eq!(records(b"a\nb"), [ok(1, &["a"]), ok(2, &["b"])]);
    }

    #[test]
    fn read_record_counts_crlf_and_blank_lines() {
        let text = b"a,b\r\n\r\n  \r\nc,d\r\n\ne,f\n";
        assert_eq!(
            records(text),
            [ok(1, &["a", "b"]), ok(4, &["c", "d"]), ok(6, &["e", "f"])]
        );
    }

    #[test]
    fn read_record_unquotes_fields() {
        let text = b"\"a, b\",\"say \"\"hi\"\"\",\"\"\n";
        assert_eq!(records(text), [ok(1, &["a, b", "say \"hi\"", ""])]);
    }

    #[test]
    fn read_record_keeps_line_breaks_in_quoted_field() {
        let text = b"x,\"two\r\nlines\"\r\ny,z\n";
        assert_eq!(
            records(text),
            [ok(1, &["x", "two\r\nlines"]), ok(3, &["y", "z"])]
        );
    }

    #[test]
    fn read_record_trims_only_unquoted_fields() {
        let text = b" a ,\t\" b \" , c\t\n";
        assert_eq!(records(text), [ok(1, &["a", " b ", "c"])]);
    }

    #[test]
    fn read_record_keeps_lone_carriage_return() {
        assert_eq!(records(b"a\rb,c\n"), [ok(1, &["a\rb", "c"])]);
    }

    #[test]
    fn read_record_skips_byte_order_mark() {
        let text = "\u{feff}a,b\n".as_bytes();
        assert_eq!(records(text), [ok(1, &["a", "b"])]);
    }

    #[test]
    fn read_record_rejects_bad_quotes_and_goes_on() {
        let text = b"24\" screen,1\n\"a\"b,2\n\"open,3\nlast,4\n";
        assert_eq!(
            records(text),
            [
                err(1, RecordError::QuoteInUnquotedField),
                err(2, RecordError::TextAfterClosingQuote),
                err(3, RecordError::UnclosedQuote),
            ]
        );
    }

    #[test]
    fn read_record_rejects_invalid_utf8_and_goes_on() {
        let text = b"caf\xe9,1\ncafe,2\n";
        assert_eq!(
            records(text),
            [err(1, RecordError::NotUtf8), ok(2, &["cafe", "2"])]
        );
    }
}
