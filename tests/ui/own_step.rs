use choreograph::{Pipeline, markers};

markers! {
    pub Load = "load";
}

fn main() {
    let _pipeline = Pipeline::<u32>::new().job(Load, |cx| {
        let previous = cx.bag().get(Load).output().copied();
        Ok(previous.unwrap_or(0))
    });
}
