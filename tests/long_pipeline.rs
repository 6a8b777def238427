//! A 64-step pipeline compiles and runs with the default `recursion_limit` and
//! `type_length_limit`.

use choreograph::{Check, Entry, Outcome, Pipeline, markers};

markers! {
    /// Step 0.
    pub S0 = "step 0";
    /// Step 1.
    pub S1 = "step 1";
    /// Step 2.
    pub S2 = "step 2";
    /// Step 3.
    pub S3 = "step 3";
    /// Step 4.
    pub S4 = "step 4";
    /// Step 5.
    pub S5 = "step 5";
    /// Step 6.
    pub S6 = "step 6";
    /// Step 7.
    pub S7 = "step 7";
    /// Step 8.
    pub S8 = "step 8";
    /// Step 9.
    pub S9 = "step 9";
    /// Step 10.
    pub S10 = "step 10";
    /// Step 11.
    pub S11 = "step 11";
    /// Step 12.
    pub S12 = "step 12";
    /// Step 13.
    pub S13 = "step 13";
    /// Step 14.
    pub S14 = "step 14";
    /// Step 15.
    pub S15 = "step 15";
    /// Step 16.
    pub S16 = "step 16";
    /// Step 17.
    pub S17 = "step 17";
    /// Step 18.
    pub S18 = "step 18";
    /// Step 19.
    pub S19 = "step 19";
    /// Step 20.
    pub S20 = "step 20";
    /// Step 21.
    pub S21 = "step 21";
    /// Step 22.
    pub S22 = "step 22";
    /// Step 23.
    pub S23 = "step 23";
    /// Step 24.
    pub S24 = "step 24";
    /// Step 25.
    pub S25 = "step 25";
    /// Step 26.
    pub S26 = "step 26";
    /// Step 27.
    pub S27 = "step 27";
    /// Step 28.
    pub S28 = "step 28";
    /// Step 29.
    pub S29 = "step 29";
    /// Step 30.
    pub S30 = "step 30";
    /// Step 31.
    pub S31 = "step 31";
    /// Step 32.
    pub S32 = "step 32";
    /// Step 33.
    pub S33 = "step 33";
    /// Step 34.
    pub S34 = "step 34";
    /// Step 35.
    pub S35 = "step 35";
    /// Step 36.
    pub S36 = "step 36";
    /// Step 37.
    pub S37 = "step 37";
    /// Step 38.
    pub S38 = "step 38";
    /// Step 39.
    pub S39 = "step 39";
    /// Step 40.
    pub S40 = "step 40";
    /// Step 41.
    pub S41 = "step 41";
    /// Step 42.
    pub S42 = "step 42";
    /// Step 43.
    pub S43 = "step 43";
    /// Step 44.
    pub S44 = "step 44";
    /// Step 45.
    pub S45 = "step 45";
    /// Step 46.
    pub S46 = "step 46";
    /// Step 47.
    pub S47 = "step 47";
    /// Step 48.
    pub S48 = "step 48";
    /// Step 49.
    pub S49 = "step 49";
    /// Step 50.
    pub S50 = "step 50";
    /// Step 51.
    pub S51 = "step 51";
    /// Step 52.
    pub S52 = "step 52";
    /// Step 53.
    pub S53 = "step 53";
    /// Step 54.
    pub S54 = "step 54";
    /// Step 55.
    pub S55 = "step 55";
    /// Step 56.
    pub S56 = "step 56";
    /// Step 57.
    pub S57 = "step 57";
    /// Step 58.
    pub S58 = "step 58";
    /// Step 59.
    pub S59 = "step 59";
    /// Step 60.
    pub S60 = "step 60";
    /// Step 61.
    pub S61 = "step 61";
    /// Step 62.
    pub S62 = "step 62";
    /// Step 63.
    pub S63 = "step 63";
}

/// Chains one step per `Previous => Next` pair after the first step `S0`. Each pre-check
/// outputs the output of `S0`, the deepest lookup of the bag; each job adds 1 to the
/// previous step's output.
macro_rules! counting_pipeline {
    ($($previous:ident => $next:ident),*) => {
        Pipeline::<u64>::new()
            .job(S0, |cx| Ok(*cx.input()))
            $(
                .step(
                    $next,
                    |cx| Check::Pass(cx.bag().get(S0).output().copied()),
                    |cx| match cx.bag().get($previous) {
                        Outcome::Ran { output, .. } => Ok(*output + 1),
                        Outcome::Skipped { .. } => Ok(0),
                    },
                )
            )*
    };
}

#[test]
fn sixty_four_steps_run_in_order() {
    let pipeline = counting_pipeline!(S0 => S1, S1 => S2, S2 => S3, S3 => S4, S4 => S5, S5 => S6, S6 => S7, S7 => S8, S8 => S9, S9 => S10, S10 => S11, S11 => S12, S12 => S13, S13 => S14, S14 => S15, S15 => S16, S16 => S17, S17 => S18, S18 => S19, S19 => S20, S20 => S21, S21 => S22, S22 => S23, S23 => S24, S24 => S25, S25 => S26, S26 => S27, S27 => S28, S28 => S29, S29 => S30, S30 => S31, S31 => S32, S32 => S33, S33 => S34, S34 => S35, S35 => S36, S36 => S37, S37 => S38, S38 => S39, S39 => S40, S40 => S41, S41 => S42, S42 => S43, S43 => S44, S44 => S45, S45 => S46, S46 => S47, S47 => S48, S48 => S49, S49 => S50, S50 => S51, S51 => S52, S52 => S53, S53 => S54, S54 => S55, S55 => S56, S56 => S57, S57 => S58, S58 => S59, S59 => S60, S60 => S61, S61 => S62, S62 => S63);
    assert_eq!(pipeline.len(), 64);
    let names: Vec<&str> = pipeline.step_names().collect();
    assert_eq!(names.first(), Some(&"step 0"));
    assert_eq!(names.last(), Some(&"step 63"));

    let report = pipeline.run(&100, &());
    assert!(report.is_ok());
    assert!(matches!(
        report.bag().get(S0),
        Entry::Ran { output: 100, .. }
    ));
    assert_eq!(report.bag().get(S31).output(), Some(&131));
    assert_eq!(report.bag().get(S63).output(), Some(&163));
    assert_eq!(report.bag().get(S63).check(), Some(&Some(100)));
}
