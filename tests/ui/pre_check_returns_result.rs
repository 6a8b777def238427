use choreograph::{Pipeline, markers};

markers! {
    pub Load = "load";
}

fn main() {
    let _pipeline = Pipeline::<u32>::new().step(Load, |_| Ok(()), |_| Ok(()));
}
