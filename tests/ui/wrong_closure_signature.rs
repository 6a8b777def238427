use choreograph::{Check, Pipeline, markers};

markers! {
    pub Load = "load";
}

fn main() {
    let _pipeline = Pipeline::<u32>::new().step(
        Load,
        |cx, input: &u32| Check::Pass(*input + *cx.input()),
        |_| Ok(()),
    );
}
