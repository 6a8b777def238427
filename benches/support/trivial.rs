//! Scenarios a and b: steps whose pre-check passes and whose job returns `()`, no input.

use choreograph::{BoxError, Check, Coordinator, DynStep, SkipReason};

use super::naive::{NaiveDecision, NaiveStep};

/// Passes: the pre-check of every trivial step.
#[inline]
pub fn pass() -> Check<()> {
    Check::Pass(())
}

/// Returns `Ok(())`: the job of every trivial step.
#[inline]
pub fn done() -> Result<(), BoxError> {
    Ok(())
}

/// `STEPS` trivial steps written by hand: each pre-check and, if it passes, the job,
/// stopping at a cancel or a job error as a pipeline does.
#[inline]
pub fn run_by_hand<const STEPS: usize>() -> Result<(), BoxError> {
    for _ in 0..STEPS {
        match pass() {
            Check::Pass(()) => done()?,
            Check::Skip((), _) => {}
            Check::Cancel((), reason) => return Err(reason.into_error()),
        }
    }
    Ok(())
}

/// Returns a coordinator with `count` trivial steps added at run time, named `step 0` up.
pub fn coordinator(count: usize) -> Coordinator {
    let mut coordinator = Coordinator::new();
    for index in 0..count {
        let step = DynStep::new(format!("step {index}"))
            .pre_check(|_| pass())
            .job(|_| Ok(done()?));
        coordinator
            .add_step(step)
            .expect("trivial step names are distinct");
    }
    coordinator
}

/// `count` trivial steps for the naive baseline.
pub fn naive_steps(count: usize) -> Vec<NaiveStep<(), ()>> {
    (0..count)
        .map(|index| NaiveStep {
            name: format!("step {index}"),
            pre_check: Box::new(|_, _, _| match pass() {
                Check::Pass(check) => (Box::new(check), NaiveDecision::Pass),
                Check::Skip(check, reason) => {
                    (Box::new(check), NaiveDecision::Skip(reason.into_error()))
                }
                Check::Cancel(check, reason) => {
                    (Box::new(check), NaiveDecision::Cancel(reason.into_error()))
                }
            }),
            job: Box::new(|_, _, _| Ok(Box::new(done()?))),
        })
        .collect()
}
