use choreograph::Pipeline;

struct Load;

fn main() {
    let _pipeline = Pipeline::<u32>::new().add_step(Load);
}
