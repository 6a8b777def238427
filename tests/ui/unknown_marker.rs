use choreograph::{Pipeline, markers};

markers! {
    pub Load = "load";
    pub Audit = "audit";
    pub Store = "store";
}

fn main() {
    let _pipeline = Pipeline::<u32>::new()
        .job(Load, |cx| Ok(*cx.input()))
        .job(Store, |cx| Ok(cx.bag().get(Audit).output().is_some()));
}
