use choreograph::{Pipeline, markers};

markers! {
    pub Net = "net";
    pub Gross = "gross";
    pub Report = "report";
}

fn main() {
    let _pipeline = Pipeline::<u64>::new()
        .job(Net, |cx| Ok(*cx.input()))
        .job(Gross, |cx| Ok(*cx.input() * 2))
        .job(Report, |cx| Ok(cx.bag().output_of_type::<u64, _>().copied()));
}
