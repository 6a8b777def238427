//! Compile-fail tests that pin the messages users see when they misuse the typed API.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
