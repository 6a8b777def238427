use choreograph::Pipeline;

struct Load;

fn main() {
    let _pipeline = Pipeline::<u32>::new().job(Load, |_| Ok(()));
}
