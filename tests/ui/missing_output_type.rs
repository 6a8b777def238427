use choreograph::{Pipeline, markers};

markers! {
    pub Net = "net";
    pub Report = "report";
}

fn main() {
    let _pipeline = Pipeline::<u64>::new()
        .job(Net, |cx| Ok(*cx.input()))
        .job(Report, |cx| Ok(cx.bag().output_of_type::<String, _>().cloned()));
}
