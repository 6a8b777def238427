//! The counts of one import, as the example prints them.

use std::fmt;
use std::time::Duration;

/// The counts of one import.
///
/// Every CSV record is counted once in `records`, and once more as a line created, a line
/// already present, a row rejected or a row failed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// The data records read from the CSV file, valid or not.
    pub records: u64,
    /// The statements this import inserted.
    pub statements_created: u64,
    /// The lines this import inserted.
    pub lines_created: u64,
    /// The valid lines that were in the database already, from an earlier import, an
    /// earlier record of the same file, or another worker.
    pub lines_present: u64,
    /// The records rejected as invalid or as contradicting a stored statement.
    pub rows_rejected: u64,
    /// The records whose database work failed. Importing the file again retries them.
    pub rows_failed: u64,
    /// The wall-clock time of the import, from opening the database to the last record.
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    /// Writes one count a line, then the elapsed time and the records per second.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counts = [
            ("records read", self.records),
            ("statements created", self.statements_created),
            ("lines created", self.lines_created),
            ("lines already present", self.lines_present),
            ("rows rejected", self.rows_rejected),
            ("rows failed", self.rows_failed),
        ];
        for (label, count) in counts {
            writeln!(f, "{label:<22}{count:>10}")?;
        }
        let seconds = self.elapsed.as_secs_f64();
        write!(f, "{:<22}{seconds:>10.2} s", "elapsed")?;
        if seconds > 0.0 {
            write!(f, ", {:.0} records/s", self.records as f64 / seconds)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_aligns_counts_and_rate() {
        let summary = Summary {
            records: 10_008,
            statements_created: 1_153,
            lines_created: 10_000,
            lines_present: 0,
            rows_rejected: 8,
            rows_failed: 0,
            elapsed: Duration::from_millis(500),
        };
        let expected = "\
records read               10008
statements created          1153
lines created              10000
lines already present          0
rows rejected                  8
rows failed                    0
elapsed                     0.50 s, 20016 records/s";
        assert_eq!(summary.to_string(), expected);
    }

    #[test]
    fn display_omits_rate_for_zero_time() {
        let text = Summary::default().to_string();
        assert!(
            text.ends_with("elapsed                     0.00 s"),
            "{text}"
        );
    }
}
