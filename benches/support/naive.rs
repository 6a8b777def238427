//! The baseline a user might write without this crate: boxed closures in a `Vec`, and a data
//! bag of boxed values keyed by step name.

use std::any::Any;
use std::collections::HashMap;

use choreograph::BoxError;

/// Outputs of one run, keyed by step name.
pub type NaiveBag = HashMap<String, Box<dyn Any>>;

/// What a naive pre-check decides.
pub enum NaiveDecision {
    /// The job runs.
    Pass,
    /// The job does not run; the run goes on.
    Skip(BoxError),
    /// The job does not run; the run stops.
    Cancel(BoxError),
}

/// A pre-check: its output and its decision.
pub type NaivePreCheck<I, E> = Box<dyn Fn(&I, &E, &NaiveRun) -> (Box<dyn Any>, NaiveDecision)>;

/// A job: its output or its error.
pub type NaiveJob<I, E> = Box<dyn Fn(&I, &E, &NaiveRun) -> Result<Box<dyn Any>, BoxError>>;

/// One step: a name and two boxed closures.
pub struct NaiveStep<I, E> {
    pub name: String,
    pub pre_check: NaivePreCheck<I, E>,
    pub job: NaiveJob<I, E>,
}

/// The state of one run: pre-check outputs and job outputs by step name, the skip and
/// cancel reasons and job errors, and the error that stopped the run.
#[derive(Default)]
pub struct NaiveRun {
    pub checks: NaiveBag,
    pub outputs: NaiveBag,
    pub errors: Vec<(String, BoxError)>,
    pub stopped: Option<String>,
}

impl NaiveRun {
    /// Returns the job output of step `name`, if it ran and has type `T`.
    pub fn output<T: 'static>(&self, name: &str) -> Option<&T> {
        self.outputs.get(name)?.downcast_ref()
    }

    /// Returns the pre-check output of step `name`, if it has type `T`.
    pub fn check<T: 'static>(&self, name: &str) -> Option<&T> {
        self.checks.get(name)?.downcast_ref()
    }
}

/// Runs `steps` in order over `input`, as the crate's pipelines do: a skip goes on, a cancel
/// or a job error stops the run.
pub fn run_naive<I, E>(steps: &[NaiveStep<I, E>], input: &I, env: &E) -> NaiveRun {
    let mut run = NaiveRun::default();
    for step in steps {
        let (check, decision) = (step.pre_check)(input, env, &run);
        run.checks.insert(step.name.clone(), check);
        match decision {
            NaiveDecision::Pass => match (step.job)(input, env, &run) {
                Ok(output) => {
                    run.outputs.insert(step.name.clone(), output);
                }
                Err(error) => {
                    run.errors.push((step.name.clone(), error));
                    run.stopped = Some(step.name.clone());
                    return run;
                }
            },
            NaiveDecision::Skip(reason) => run.errors.push((step.name.clone(), reason)),
            NaiveDecision::Cancel(reason) => {
                run.errors.push((step.name.clone(), reason));
                run.stopped = Some(step.name.clone());
                return run;
            }
        }
    }
    run
}
