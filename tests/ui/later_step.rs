use choreograph::{Outcome, Pipeline, markers};

markers! {
    pub First = "first";
    pub Second = "second";
}

fn main() {
    let _pipeline = Pipeline::<u32>::new()
        .job(First, |cx| match cx.bag().get(Second) {
            Outcome::Ran { output, .. } => Ok(*output),
            Outcome::Skipped { .. } => Ok(0),
        })
        .job(Second, |cx| Ok(*cx.input()));
}
