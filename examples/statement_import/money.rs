//! Currencies and amounts in integer minor units: cents for the euro, yen for the yen.
//!
//! Amounts never pass through floating point, so `0.10 + 0.20` is exactly `0.30` and text
//! such as `NaN` or `1e3` is rejected instead of read as a number.

use std::fmt;

/// A currency the import accepts: its ISO 4217 code and minor unit, the number of decimal
/// places of its amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    decimals: u32,
}

/// The accepted currencies, with their minor units from ISO 4217.
const CURRENCIES: [Currency; 10] = [
    Currency::new("EUR", 2),
    Currency::new("USD", 2),
    Currency::new("GBP", 2),
    Currency::new("CHF", 2),
    Currency::new("SEK", 2),
    Currency::new("NOK", 2),
    Currency::new("DKK", 2),
    Currency::new("PLN", 2),
    Currency::new("CZK", 2),
    Currency::new("JPY", 0),
];

impl Currency {
    const fn new(code: &'static str, decimals: u32) -> Self {
        Currency { code, decimals }
    }

    /// Looks up an accepted currency by its code, in capitals as ISO 4217 writes it.
    ///
    /// # Errors
    ///
    /// Returns a message that lists the accepted codes.
    pub fn from_code(code: &str) -> Result<Currency, String> {
        CURRENCIES
            .into_iter()
            .find(|currency| currency.code == code)
            .ok_or_else(|| {
                let codes: Vec<&str> = CURRENCIES.iter().map(|currency| currency.code).collect();
                format!("expected one of {}", codes.join(", "))
            })
    }

    /// Returns the ISO 4217 code, such as `EUR`.
    pub fn code(self) -> &'static str {
        self.code
    }
}

/// An amount of money as a signed integer count of its currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Amount {
    minor_units: i64,
    currency: Currency,
}

impl Amount {
    /// Parses a decimal amount in `currency`: an optional sign, digits, and optionally a
    /// point followed by at most as many digits as the currency has decimal places.
    ///
    /// `-12.5` in euros is `-1250` cents. Thousands separators, a decimal comma, exponents,
    /// `NaN` and infinities are rejected.
    ///
    /// # Errors
    ///
    /// Returns a message saying what is wrong: the syntax, too many decimal places for
    /// the currency, or a value beyond the range of `i64` minor units.
    pub fn parse(text: &str, currency: Currency) -> Result<Amount, String> {
        let syntax = || {
            let decimals = match currency.decimals {
                0 => String::from("no decimal places"),
                n => format!("up to {n} decimal places after a point"),
            };
            format!("expected an optional sign, digits and {decimals}")
        };
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return Err(syntax());
        }
        if unsigned.contains('.') && fraction.is_empty() {
            return Err(syntax());
        }
        if fraction.len() > currency.decimals as usize {
            return Err(match currency.decimals {
                0 => format!("`{}` has no decimal places", currency.code),
                n => format!(
                    "`{}` has {n} decimal places, not {}",
                    currency.code,
                    fraction.len()
                ),
            });
        }

        // Scale the digits to minor units: `12.5` with two decimal places is `1250`.
        let padding = currency.decimals as usize - fraction.len();
        let digits = whole
            .bytes()
            .chain(fraction.bytes())
            .chain(std::iter::repeat_n(b'0', padding));
        let mut magnitude: i64 = 0;
        for digit in digits {
            magnitude = magnitude
                .checked_mul(10)
                .and_then(|value| value.checked_add(i64::from(digit - b'0')))
                .ok_or_else(|| String::from("the amount is too large"))?;
        }
        let minor_units = if negative { -magnitude } else { magnitude };
        Ok(Amount {
            minor_units,
            currency,
        })
    }

    /// Returns the amount in minor units of its currency.
    pub fn minor_units(self) -> i64 {
        self.minor_units
    }

    /// Returns the currency.
    pub fn currency(self) -> Currency {
        self.currency
    }
}

impl fmt::Display for Amount {
    /// Writes the amount with its currency's decimal places and code, as `-12.50 EUR`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minor_units < 0 { "-" } else { "" };
        let magnitude = self.minor_units.unsigned_abs();
        match self.currency.decimals {
            0 => write!(f, "{sign}{magnitude} {}", self.currency.code),
            decimals => {
                let scale = 10_u64.pow(decimals);
                write!(
                    f,
                    "{sign}{}.{:0width$} {}",
                    magnitude / scale,
                    magnitude % scale,
                    self.currency.code,
                    width = decimals as usize
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn euro() -> Currency {
        Currency::from_code("EUR").unwrap()
    }

    fn yen() -> Currency {
        Currency::from_code("JPY").unwrap()
    }

    #[test]
    fn parse_scales_to_minor_units() {
        let cases = [
            ("12.50", 1250),
            ("-12.5", -1250),
            ("+3", 300),
            ("0.07", 7),
            ("-0.00", 0),
            ("007.10", 710),
        ];
        for (text, minor_units) in cases {
            let amount = Amount::parse(text, euro()).unwrap();
            assert_eq!(amount.minor_units(), minor_units, "{text}");
        }
        assert_eq!(Amount::parse("1500", yen()).unwrap().minor_units(), 1500);
    }

    #[test]
    fn parse_rejects_garbage() {
        for text in [
            "", "-", "NaN", "inf", "1e3", "12,50", "1 000", "12.", ".5", "--1", "0x10", "١٢",
        ] {
            let error = Amount::parse(text, euro()).unwrap_err();
            assert_eq!(
                error, "expected an optional sign, digits and up to 2 decimal places after a point",
                "{text}"
            );
        }
    }

    #[test]
    fn parse_rejects_extra_decimal_places() {
        assert_eq!(
            Amount::parse("1.234", euro()).unwrap_err(),
            "`EUR` has 2 decimal places, not 3"
        );
        assert_eq!(
            Amount::parse("15.5", yen()).unwrap_err(),
            "`JPY` has no decimal places"
        );
    }

    #[test]
    fn parse_rejects_amount_beyond_i64() {
        assert_eq!(
            Amount::parse("92233720368547758.08", euro()).unwrap_err(),
            "the amount is too large"
        );
        let largest = Amount::parse("92233720368547758.07", euro()).unwrap();
        assert_eq!(largest.minor_units(), i64::MAX);
    }

    #[test]
    fn display_writes_decimal_places_and_code() {
        assert_eq!(
            Amount::parse("-0.5", euro()).unwrap().to_string(),
            "-0.50 EUR"
        );
        assert_eq!(
            Amount::parse("1500", yen()).unwrap().to_string(),
            "1500 JPY"
        );
    }

    #[test]
    fn from_code_lists_accepted_codes() {
        assert_eq!(
            Currency::from_code("EURO").unwrap_err(),
            "expected one of EUR, USD, GBP, CHF, SEK, NOK, DKK, PLN, CZK, JPY"
        );
        assert!(Currency::from_code("eur").is_err());
    }
}
