use std::convert::Infallible;

use choreograph::{Check, Context, Lookup, Pipeline, Reason, Step, markers};

markers! {
    pub Load = "load";
    pub Parse = "parse";
    pub Double = "double";
}

struct DoubleStep;

impl<L, Index> Step<str, (), L, Index> for DoubleStep
where
    L: Lookup<Parse, Index, Output = i64>,
{
    type Marker = Double;
    type Check = ();
    type Reason = Reason;
    type Output = i64;
    type Error = Infallible;

    fn pre_check(&self, _: Context<'_, str, (), L>) -> Check<()> {
        Check::Pass(())
    }

    fn job(&self, cx: Context<'_, str, (), L>) -> Result<i64, Infallible> {
        Ok(cx.bag().get(Parse).output().copied().unwrap_or(0) * 2)
    }
}

fn main() {
    let pipeline = Pipeline::<str>::new()
        .job(Load, |cx| Ok(cx.input().len()))
        .add_step(DoubleStep)
        .job(Parse, |cx| Ok(cx.input().parse::<i64>()?));
    let _report = pipeline.run("21", &());
}
