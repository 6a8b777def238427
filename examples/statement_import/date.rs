//! Calendar dates written as `YYYY-MM-DD`, checked against the Gregorian calendar.
//!
//! A date crate would bring time zones and formats this example does not need; the rules
//! for one date format fit in a few lines.

use std::fmt;

/// A date of the proleptic Gregorian calendar, from 0001-01-01 to 9999-12-31.
///
/// It is displayed as `YYYY-MM-DD`, the form SQLite's date functions read, and dates in
/// that form sort in calendar order as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Parses a date written as `YYYY-MM-DD`, with exactly four, two and two digits.
    ///
    /// # Errors
    ///
    /// Returns a message saying what is wrong: the layout, the month, or a day that the
    /// month does not have (`2023-02-29` is rejected, `2024-02-29` is accepted).
    pub fn parse(text: &str) -> Result<Date, String> {
        let bytes = text.as_bytes();
        let layout_ok = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && [0, 1, 2, 3, 5, 6, 8, 9]
                .iter()
                .all(|&index| bytes[index].is_ascii_digit());
        if !layout_ok {
            return Err(String::from("expected a date as YYYY-MM-DD"));
        }

        // The layout check leaves only ASCII digits in these ranges.
        let number = |range: std::ops::Range<usize>| {
            text[range]
                .bytes()
                .fold(0_u16, |value, digit| value * 10 + u16::from(digit - b'0'))
        };
        let (year, month, day) = (number(0..4), number(5..7), number(8..10));
        if year == 0 {
            return Err(String::from("year 0000 does not exist"));
        }
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} is not between 01 and 12"));
        }
        let days = days_in_month(year, month as u8);
        if day == 0 || day > u16::from(days) {
            return Err(format!(
                "day {day:02} is not between 01 and {days} in {year:04}-{month:02}"
            ));
        }
        Ok(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Returns whether `year` is a leap year: divisible by 4, except centuries not divisible
/// by 400.
fn is_leap_year(year: u16) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Returns the number of days in `month` (1 to 12) of `year`.
fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_valid_dates() {
        for text in [
            "2024-02-29",
            "2000-02-29",
            "1999-12-31",
            "0001-01-01",
            "9999-12-31",
        ] {
            assert_eq!(
                Date::parse(text).map(|date| date.to_string()),
                Ok(text.into())
            );
        }
    }

    #[test]
    fn parse_rejects_day_outside_month() {
        for text in [
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-01-00",
            "2024-02-30",
        ] {
            let error = Date::parse(text).unwrap_err();
            assert!(error.starts_with("day "), "{text}: {error}");
        }
        assert_eq!(
            Date::parse("2023-02-29").unwrap_err(),
            "day 29 is not between 01 and 28 in 2023-02"
        );
    }

    #[test]
    fn parse_rejects_bad_month_and_layout() {
        assert_eq!(
            Date::parse("2024-13-01").unwrap_err(),
            "month 13 is not between 01 and 12"
        );
        assert_eq!(
            Date::parse("0000-01-01").unwrap_err(),
            "year 0000 does not exist"
        );
        for text in [
            "2024-1-01",
            "24-01-01",
            "2024/01/01",
            "2024-01-01T00",
            "",
            "２０２４-01-01",
        ] {
            assert_eq!(
                Date::parse(text).unwrap_err(),
                "expected a date as YYYY-MM-DD",
                "{text}"
            );
        }
    }

    #[test]
    fn dates_order_by_calendar() {
        let earlier = Date::parse("2024-01-31").unwrap();
        let later = Date::parse("2024-02-01").unwrap();
        assert!(earlier < later);
    }
}
