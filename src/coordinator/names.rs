//! Step names as the coordinator looks them up: ignoring case, the way the Go library does.
//!
//! The Go library keys its data bag by `strings.ToLower(name)`, which maps each character
//! with Unicode's simple lowercase mapping, one character to one character. [`fold_char`]
//! does the same, so two names match when they are equal after lowering every character
//! on its own:
//!
//! - `ẞ` (U+1E9E) lowers to `ß`, so `STRAẞE` matches `straße`; but `ß` has no uppercase
//!   form of one character, so `STRASSE` does not match `straße`.
//! - `İ` (U+0130) lowers to a plain `i`, as in Go, so `İSTANBUL` matches `istanbul`.
//!   Rust's `str::to_lowercase` gives `i` followed by U+0307 instead.
//! - `Σ` always lowers to `σ`, whatever its place in a word, so `ΟΔΟΣ` matches `οδοσ` but
//!   not `οδος` with a final `ς`. Rust's `str::to_lowercase` would apply the final-sigma rule.
//! - The Kelvin sign `K` (U+212A) lowers to `k`.
//!
//! This is lowercasing, not Unicode case folding: no locale rule applies, and characters
//! that only fold together (such as `ß` and `ss`) stay different.

use std::borrow::Cow;

use crate::error::{Error, StepId};

/// Lowers `c` with Unicode's simple lowercase mapping, as Go's `unicode.ToLower` does.
///
/// `char::to_lowercase` gives the full mapping, which differs from the simple one only for
/// `İ` (U+0130): its full lowercase form is `i` followed by U+0307, its simple one is `i`,
/// the first character of the full form.
#[inline]
pub(crate) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// Returns `name` with every character lowered by [`fold_char`].
pub(crate) fn fold(name: &str) -> Box<str> {
    name.chars()
        .map(fold_char)
        .collect::<String>()
        .into_boxed_str()
}

/// Returns whether `name`, lowered character by character, equals `folded`.
#[inline]
pub(crate) fn matches_folded(name: &str, folded: &str) -> bool {
    if name.is_ascii() {
        name.len() == folded.len() && name.eq_ignore_ascii_case(folded)
    } else {
        name.chars().map(fold_char).eq(folded.chars())
    }
}

/// Hashes `name` as lowered by [`fold_char`], without allocating (64-bit FNV-1a over the
/// code points).
#[inline]
fn folded_hash(name: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    name.chars().map(fold_char).fold(OFFSET, |hash, c| {
        (hash ^ u64::from(u32::from(c))).wrapping_mul(PRIME)
    })
}

/// Returns whether a step name is blank: empty or only white space.
pub(crate) fn is_blank(name: &str) -> bool {
    name.trim().is_empty()
}

/// The names of a coordinator's steps by position, with a table that finds a position by
/// name ignoring case.
///
/// Blank names are kept for display but left out of the table: a coordinator may have
/// several steps with blank names, and no name lookup reaches them.
#[derive(Debug, Clone, Default)]
pub(crate) struct StepNames {
    names: Vec<Cow<'static, str>>,
    /// The lowered name of each step; empty for a blank name.
    folded: Vec<Box<str>>,
    /// `(hash of the lowered name, position)` for every non-blank name, sorted by hash.
    table: Vec<(u64, usize)>,
}

impl StepNames {
    /// Adds the name of the next step.
    ///
    /// # Errors
    ///
    /// Returns [`Error::DuplicateStep`] if a step already has this name ignoring case; the
    /// names stay as they were.
    pub(crate) fn push(&mut self, name: Cow<'static, str>) -> Result<usize, Error> {
        let index = self.names.len();
        if is_blank(&name) {
            self.names.push(name);
            self.folded.push(Box::from(""));
            return Ok(index);
        }
        if let Some(existing) = self.find(&name) {
            return Err(Error::DuplicateStep {
                step: StepId::new(index, name),
                existing: self.step_id(existing),
            });
        }
        let hash = folded_hash(&name);
        let at = self.table.partition_point(|&(other, _)| other <= hash);
        self.table.insert(at, (hash, index));
        self.folded.push(fold(&name));
        self.names.push(name);
        Ok(index)
    }

    /// Returns the position of the step named `name` ignoring case, if there is one.
    #[inline]
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        if self.table.is_empty() {
            return None;
        }
        let hash = folded_hash(name);
        let start = self.table.partition_point(|&(other, _)| other < hash);
        self.table[start..]
            .iter()
            .take_while(|&&(other, _)| other == hash)
            .map(|&(_, index)| index)
            .find(|&index| matches_folded(name, &self.folded[index]))
    }

    /// Returns the number of steps.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// Returns the name of the step at `index`, which may be blank.
    pub(crate) fn name_at(&self, index: usize) -> Option<&str> {
        self.names.get(index).map(|name| name.as_ref())
    }

    /// Returns the names of all steps in order.
    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = &str> {
        self.names.iter().map(|name| name.as_ref())
    }

    /// Returns the id of the step at `index`; a position past the last step gets a blank name.
    pub(crate) fn step_id(&self, index: usize) -> StepId {
        StepId::new(index, self.names.get(index).cloned().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&'static str]) -> StepNames {
        let mut names = StepNames::default();
        for &name in list {
            names.push(Cow::Borrowed(name)).expect("names differ");
        }
        names
    }

    #[test]
    fn fold_char_lowers_one_to_one() {
        assert_eq!(fold_char('A'), 'a');
        assert_eq!(fold_char('\u{130}'), 'i');
        assert_eq!(fold_char('\u{1E9E}'), 'ß');
        assert_eq!(fold_char('Σ'), 'σ');
        assert_eq!(fold_char('ς'), 'ς');
        assert_eq!(fold_char('\u{212A}'), 'k');
        assert_eq!(fold_char('ß'), 'ß');
    }

    #[test]
    fn full_lowercase_longer_only_for_dotted_i() {
        let longer: Vec<char> = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|c| c.to_lowercase().count() != 1)
            .collect();
        assert_eq!(longer, ['\u{130}']);
    }

    #[test]
    fn find_ignores_ascii_case() {
        let names = names(&["first", "Second", "ThIrd", "Forth!2313-=+"]);
        assert_eq!(names.find("FIRST"), Some(0));
        assert_eq!(names.find("second"), Some(1));
        assert_eq!(names.find("third"), Some(2));
        assert_eq!(names.find("forth!2313-=+"), Some(3));
        assert_eq!(names.find("fifth"), None);
    }

    #[test]
    fn find_lowers_non_ascii_like_go() {
        let names = names(&["straße", "İstanbul", "ΟΔΟΣ", "\u{212A}elvin"]);
        assert_eq!(names.find("STRAẞE"), Some(0));
        assert_eq!(names.find("STRASSE"), None);
        assert_eq!(names.find("istanbul"), Some(1));
        assert_eq!(names.find("i\u{307}stanbul"), None);
        assert_eq!(names.find("οδοσ"), Some(2));
        assert_eq!(names.find("οδος"), None);
        assert_eq!(names.find("kelvin"), Some(3));
    }

    #[test]
    fn push_rejects_duplicate_ignoring_case() {
        let mut names = names(&["load", "save"]);
        let error = names.push(Cow::Borrowed("LOAD")).unwrap_err();
        match error {
            Error::DuplicateStep { step, existing } => {
                assert_eq!(step, StepId::new(2, "LOAD"));
                assert_eq!(existing, StepId::new(0, "load"));
            }
            other => panic!("unexpected error: {other:?}"),
        }
        assert_eq!(names.len(), 2);
    }

    #[test]
    fn blank_names_are_not_looked_up() {
        let names = names(&["", " ", "load"]);
        assert_eq!(names.len(), 3);
        assert_eq!(names.find(""), None);
        assert_eq!(names.find(" "), None);
        assert_eq!(names.find("load"), Some(2));
        assert_eq!(names.step_id(1).to_string(), "#1");
    }

    #[test]
    fn find_among_many_names() {
        let mut names = StepNames::default();
        for index in 0..200 {
            names.push(Cow::Owned(format!("step {index}"))).unwrap();
        }
        for index in 0..200 {
            assert_eq!(names.find(&format!("STEP {index}")), Some(index));
        }
        assert_eq!(names.find("step 200"), None);
    }
}
