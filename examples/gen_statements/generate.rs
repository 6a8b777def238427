//! Deterministic generation of bank statement lines as CSV.
//!
//! The same seed and line count always give the same bytes: the random numbers come from a
//! SplitMix64 generator written here, not from a crate whose output may change between
//! versions.

use std::io::{self, Write};

/// The CSV header, in the column order of every row.
pub const HEADER: &str =
    "statement_id,account,line_number,booking_date,amount,currency,description";

/// The statement period: every booking date falls in this year, a leap year, so that
/// February 29 appears among the valid dates.
const YEAR: u32 = 2024;

/// The number of accounts the statements are spread over.
const ACCOUNTS: usize = 240;

/// The minimum and maximum number of lines of a statement. The last statement may have
/// fewer.
const LINES_PER_STATEMENT: (u64, u64) = (3, 14);

/// Malformed rows, each a valid line with one field broken, and the reason the importer
/// gives for rejecting it.
///
/// They are inserted after the valid lines at positions `k * lines / 9` for `k` in `1..=8`,
/// so every sample of at least 9 lines has all eight, at fixed places.
const MALFORMED: [Malformed; 8] = [
    Malformed::Amount("12,50"),
    Malformed::Amount("NaN"),
    Malformed::MissingStatementId,
    Malformed::MissingColumn,
    Malformed::Date("2024-02-30"),
    Malformed::Date("2023-02-29"),
    Malformed::Date("2024-13-01"),
    Malformed::Currency("EURO"),
];

/// The broken field of a malformed row.
#[derive(Debug, Clone, Copy)]
enum Malformed {
    /// The amount is replaced by this text.
    Amount(&'static str),
    /// The statement id is empty.
    MissingStatementId,
    /// The row has six columns: the description is missing.
    MissingColumn,
    /// The booking date is replaced by this text.
    Date(&'static str),
    /// The currency is replaced by this code.
    Currency(&'static str),
}

/// The counts of the rows that [`write_csv`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    /// The number of distinct statements among the valid lines.
    pub statements: u64,
    /// The number of valid lines.
    pub valid_lines: u64,
    /// The number of malformed rows.
    pub malformed_rows: u64,
}

/// The SplitMix64 pseudo-random generator (Steele, Lea and Flood, "Fast splittable
/// pseudorandom number generators", OOPSLA 2014): small, fast and with a fixed output
/// sequence for each seed.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// Creates a generator whose output sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// Returns the next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Returns a number in `low..=high`. The modulo bias is below 2^-40 for the small
    /// ranges used here.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next_u64() % (high - low + 1)
    }

    /// Returns one of `items`, chosen uniformly.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.between(0, items.len() as u64 - 1) as usize]
    }
}

/// A bank account: its IBAN and the currency it is held in.
#[derive(Debug, Clone)]
struct Account {
    iban: String,
    currency: Currency,
}

/// A currency and its number of decimal places (ISO 4217 minor unit), with the factor that
/// scales the euro amounts of the templates into it.
#[derive(Debug, Clone, Copy)]
struct Currency {
    code: &'static str,
    exponent: u32,
    per_euro: f64,
}

const EUR: Currency = currency("EUR", 2, 1.0);
const USD: Currency = currency("USD", 2, 1.1);
const GBP: Currency = currency("GBP", 2, 0.85);
const CHF: Currency = currency("CHF", 2, 0.95);
const SEK: Currency = currency("SEK", 2, 11.5);
const NOK: Currency = currency("NOK", 2, 11.7);
const DKK: Currency = currency("DKK", 2, 7.46);
const PLN: Currency = currency("PLN", 2, 4.3);
const JPY: Currency = currency("JPY", 0, 160.0);

const fn currency(code: &'static str, exponent: u32, per_euro: f64) -> Currency {
    Currency {
        code,
        exponent,
        per_euro,
    }
}

/// A country whose banks issue the accounts: its IBAN country code, the bank codes in
/// use, the number of digits after the bank code, and the local currency.
struct Country {
    code: &'static str,
    banks: &'static [&'static str],
    account_digits: usize,
    currency: Currency,
}

/// IBAN layouts after ISO 13616: the bank codes are made up, the lengths are real.
const COUNTRIES: &[Country] = &[
    Country {
        code: "DE",
        banks: &["37040044", "50010517", "10070000", "76026000"],
        account_digits: 10,
        currency: EUR,
    },
    Country {
        code: "FR",
        banks: &["3000600001", "2004101005", "1027807800"],
        account_digits: 13,
        currency: EUR,
    },
    Country {
        code: "NL",
        banks: &["ABNA", "INGB", "RABO", "TRIO"],
        account_digits: 10,
        currency: EUR,
    },
    Country {
        code: "BE",
        banks: &["539", "068", "310"],
        account_digits: 9,
        currency: EUR,
    },
    Country {
        code: "ES",
        banks: &["21000418", "00491500", "01822370"],
        account_digits: 12,
        currency: EUR,
    },
    Country {
        code: "GB",
        banks: &["NWBK601613", "BARC200415", "HBUK400530", "LOYD309634"],
        account_digits: 8,
        currency: GBP,
    },
    Country {
        code: "CH",
        banks: &["00762", "00230", "08390"],
        account_digits: 12,
        currency: CHF,
    },
    Country {
        code: "SE",
        banks: &["500", "800", "600"],
        account_digits: 17,
        currency: SEK,
    },
    Country {
        code: "NO",
        banks: &["8601", "1503"],
        account_digits: 7,
        currency: NOK,
    },
    Country {
        code: "DK",
        banks: &["0040", "3000", "5301"],
        account_digits: 10,
        currency: DKK,
    },
    Country {
        code: "PL",
        banks: &["10901014", "11402004", "10202892"],
        account_digits: 16,
        currency: PLN,
    },
];

/// Writes a header and `lines` valid statement lines as CSV to `out`, with the malformed
/// rows of [`MALFORMED`] among them, and returns what it wrote.
///
/// The valid lines are unique by statement id and line number, so importing them creates
/// `valid_lines` lines over `statements` statements.
///
/// # Errors
///
/// Returns the first error of `out`.
pub fn write_csv(out: &mut impl Write, lines: u64, seed: u64) -> io::Result<Generated> {
    let mut random = SplitMix64::new(seed);
    let accounts: Vec<Account> = (0..ACCOUNTS).map(|_| new_account(&mut random)).collect();
    let mut malformed_after: Vec<(u64, Malformed)> = (1..=MALFORMED.len() as u64)
        .map(|k| k * lines / (MALFORMED.len() as u64 + 1))
        .zip(MALFORMED)
        .filter(|&(position, _)| position > 0)
        .collect();
    malformed_after.reverse();

    writeln!(out, "{HEADER}")?;
    let mut generated = Generated {
        statements: 0,
        valid_lines: 0,
        malformed_rows: 0,
    };
    while generated.valid_lines < lines {
        generated.statements += 1;
        let account = random.pick(&accounts).clone();
        let month = random.between(1, 12) as u32;
        let statement_id = format!("ST-{YEAR}{month:02}-{:06}", generated.statements);
        let remaining = lines - generated.valid_lines;
        let count = random
            .between(LINES_PER_STATEMENT.0, LINES_PER_STATEMENT.1)
            .min(remaining);
        let mut days: Vec<u32> = (0..count)
            .map(|_| random.between(1, days_in_month(YEAR, month).into()) as u32)
            .collect();
        days.sort_unstable();

        for (index, day) in days.into_iter().enumerate() {
            let (description, amount) = transaction(&mut random, month, account.currency);
            let row = [
                statement_id.clone(),
                account.iban.clone(),
                (index + 1).to_string(),
                format!("{YEAR}-{month:02}-{day:02}"),
                format_amount(amount, account.currency.exponent),
                account.currency.code.to_owned(),
                description,
            ];
            write_row(out, &row)?;
            generated.valid_lines += 1;

            while let Some(&(position, kind)) = malformed_after.last() {
                if position != generated.valid_lines {
                    break;
                }
                write_row(out, &malform(row.clone(), kind))?;
                generated.malformed_rows += 1;
                malformed_after.pop();
            }
        }
    }
    Ok(generated)
}

/// Breaks one field of a valid row.
fn malform(mut row: [String; 7], kind: Malformed) -> Vec<String> {
    match kind {
        Malformed::Amount(text) => row[4] = text.to_owned(),
        Malformed::MissingStatementId => row[0].clear(),
        Malformed::Date(text) => row[3] = text.to_owned(),
        Malformed::Currency(code) => row[5] = code.to_owned(),
        Malformed::MissingColumn => return row[..6].to_vec(),
    }
    row.to_vec()
}

/// Writes one CSV row, quoting a field that contains a comma, a double quote or a line
/// break (RFC 4180), and doubling the double quotes inside it.
fn write_row(out: &mut impl Write, fields: &[String]) -> io::Result<()> {
    for (index, field) in fields.iter().enumerate() {
        if index > 0 {
            out.write_all(b",")?;
        }
        if field.contains([',', '"', '\n', '\r']) {
            write!(out, "\"{}\"", field.replace('"', "\"\""))?;
        } else {
            out.write_all(field.as_bytes())?;
        }
    }
    out.write_all(b"\n")
}

fn new_account(random: &mut SplitMix64) -> Account {
    let country = random.pick(COUNTRIES);
    let bank = random.pick(country.banks);
    let number: String = (0..country.account_digits)
        .map(|_| char::from(b'0' + random.between(0, 9) as u8))
        .collect();
    let bban = format!("{bank}{number}");
    // Some accounts are held in a foreign currency, as companies do for trade.
    let currency = match random.between(0, 99) {
        0..=5 => USD,
        6..=7 if country.currency.code != "EUR" => EUR,
        8 => JPY,
        _ => country.currency,
    };
    Account {
        iban: iban(country.code, &bban),
        currency,
    }
}

/// Builds an IBAN with valid check digits (ISO 13616, MOD 97-10): the BBAN followed by the
/// country code and `00`, letters replaced by 10 to 35, taken modulo 97; the check digits are
/// 98 minus that remainder.
fn iban(country: &str, bban: &str) -> String {
    let mut remainder = 0_u32;
    for c in bban.chars().chain(country.chars()).chain("00".chars()) {
        let value = c
            .to_digit(36)
            .expect("IBAN parts are ASCII letters and digits");
        remainder = if value < 10 {
            (remainder * 10 + value) % 97
        } else {
            (remainder * 100 + value) % 97
        };
    }
    format!("{country}{:02}{bban}", 98 - remainder)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const MERCHANTS: &[&str] = &[
    "Albert Heijn",
    "Carrefour",
    "Tesco Express",
    "Migros",
    "REWE",
    "Lidl",
    "IKEA",
    "Shell",
    "Deutsche Bahn",
    "SNCF Connect",
    "Amazon EU",
    "Zalando",
    "Spotify",
    "Café \"Zum Hirschen\"",
    "Boulangerie Paul",
    "MediaMarkt",
    "Decathlon",
    "Apotheke am Markt",
];

const CITIES: &[&str] = &[
    "Amsterdam",
    "Berlin",
    "Paris",
    "London",
    "Zürich",
    "Madrid",
    "Brussels",
    "Stockholm",
    "Oslo",
    "Copenhagen",
    "Warsaw",
    "München",
];

const COMPANIES: &[&str] = &[
    "Acme Trading BV",
    "Nordlicht GmbH",
    "Blue Harbour Ltd",
    "Société Générale de Fournitures",
    "Vega Logistics AB",
    "Kowalski & Syn Sp. z o.o.",
    "Helvetia Consulting AG",
];

const PEOPLE: &[&str] = &[
    "J. Smith",
    "M. Müller",
    "A. Dubois",
    "L. Jansen",
    "K. Nowak",
    "S. Andersson",
    "E. García",
];

const UTILITIES: &[&str] = &[
    "Vattenfall",
    "EDF",
    "British Gas",
    "Telekom Deutschland",
    "Vodafone",
    "Allianz Versicherung",
    "Stadtwerke",
];

/// Draws one transaction: its description and its signed amount in minor units of
/// `currency`. The amounts are drawn in euro cents and converted.
fn transaction(random: &mut SplitMix64, month: u32, currency: Currency) -> (String, i64) {
    let month_name = MONTHS[month as usize - 1];
    let (description, euro_cents) = match random.between(0, 99) {
        0..=39 => {
            let merchant = random.pick(MERCHANTS);
            let city = random.pick(CITIES);
            let cents = random.between(150, 25_000);
            (format!("Card payment {merchant}, {city}"), -(cents as i64))
        }
        40..=54 => {
            let company = random.pick(COMPANIES);
            let invoice = random.between(10_000, 99_999);
            let cents = random.between(5_000, 500_000);
            (
                format!("SEPA credit transfer from {company} ref INV-{invoice}"),
                cents as i64,
            )
        }
        55..=66 => {
            let person = random.pick(PEOPLE);
            let reference = random.between(100_000, 999_999);
            let cents = random.between(1_000, 150_000);
            (
                format!("Transfer to {person}, ref {reference}"),
                -(cents as i64),
            )
        }
        67..=80 => {
            let utility = random.pick(UTILITIES);
            let customer = random.between(1_000_000, 9_999_999);
            let cents = random.between(1_500, 30_000);
            (
                format!("Direct debit {utility} customer {customer}"),
                -(cents as i64),
            )
        }
        81..=86 => {
            let company = random.pick(COMPANIES);
            let cents = random.between(180_000, 650_000);
            (
                format!("Salary {month_name} {YEAR} {company}"),
                cents as i64,
            )
        }
        87..=93 => {
            let city = random.pick(CITIES);
            let cents = random.between(2, 40) * 1_000;
            (format!("ATM withdrawal {city}"), -(cents as i64))
        }
        94..=97 => {
            let cents = random.between(200, 1_500);
            (
                format!("Account maintenance fee {month_name}"),
                -(cents as i64),
            )
        }
        _ => {
            let cents = random.between(1, 2_000);
            (format!("Interest {month_name} {YEAR}"), cents as i64)
        }
    };
    let scale = currency.per_euro * 10_f64.powi(currency.exponent as i32) / 100.0;
    let minor = (euro_cents as f64 * scale).round() as i64;
    // Rounding a small amount into a currency without minor units must not give zero.
    let minor = if minor == 0 {
        euro_cents.signum()
    } else {
        minor
    };
    (description, minor)
}

/// Formats minor units as a decimal amount with `exponent` decimal places: `-1250` with
/// exponent 2 is `-12.50`.
fn format_amount(minor: i64, exponent: u32) -> String {
    if exponent == 0 {
        return minor.to_string();
    }
    let scale = 10_u64.pow(exponent);
    let sign = if minor < 0 { "-" } else { "" };
    let magnitude = minor.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        magnitude / scale,
        magnitude % scale,
        width = exponent as usize
    )
}

/// Returns the number of days in `month` of `year`, by the Gregorian leap year rule.
fn days_in_month(year: u32, month: u32) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_reference_output() {
        // The first outputs for seed 1234567, as listed by the Rosetta Code task
        // "Pseudo-random numbers/Splitmix64".
        let mut random = SplitMix64::new(1_234_567);
        assert_eq!(random.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(random.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn iban_has_valid_check_digits() {
        // Widely published example IBANs for Germany and the United Kingdom.
        assert_eq!(iban("DE", "370400440532013000"), "DE89370400440532013000");
        assert_eq!(iban("GB", "NWBK60161331926819"), "GB29NWBK60161331926819");
    }

    #[test]
    fn format_amount_pads_minor_units() {
        assert_eq!(format_amount(-1250, 2), "-12.50");
        assert_eq!(format_amount(5, 2), "0.05");
        assert_eq!(format_amount(-7, 0), "-7");
    }
}
