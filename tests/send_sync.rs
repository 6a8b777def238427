//! `Send` and `Sync` follow the parts: checked at compile time with `static_assertions`.

use std::cell::Cell;
use std::convert::Infallible;
use std::rc::Rc;

use choreograph::{
    Bag, CancelToken, Check, Context, EarlierBag, Entry, Error, Link, Pipeline, Reason, Report,
    Slot, Step, markers,
};
use frunk::{HCons, HNil};
use static_assertions::{assert_impl_all, assert_not_impl_any};

markers! {
    /// The step of the test pipelines.
    pub Only = "only";
}

/// A step whose parts are all `Send` and `Sync`.
#[derive(Clone)]
struct Plain;

/// A step that contains an `Rc`, so it is neither `Send` nor `Sync`.
struct Shared(#[allow(dead_code)] Rc<u8>);

/// A step that contains a `Cell`, so it is `Send` but not `Sync`.
struct Counter(#[allow(dead_code)] Cell<u8>);

macro_rules! unit_step {
    ($step:ty) => {
        impl<L> Step<u32, (), L> for $step {
            type Marker = Only;
            type Check = ();
            type Reason = Reason;
            type Output = u32;
            type Error = Infallible;

            fn pre_check(&self, _: Context<'_, u32, (), L>) -> Check<()> {
                Check::Pass(())
            }

            fn job(&self, cx: Context<'_, u32, (), L>) -> Result<u32, Infallible> {
                Ok(*cx.input())
            }
        }
    };
}

unit_step!(Plain);
unit_step!(Shared);
unit_step!(Counter);

type PipelineOf<S> = Pipeline<u32, (), HCons<Link<S, ()>, HNil>, SlotsOf<u32>>;
type SlotsOf<T> = HCons<Slot<Only, (), T, Reason>, HNil>;

assert_impl_all!(PipelineOf<Plain>: Send, Sync, Clone);
assert_not_impl_any!(PipelineOf<Shared>: Send, Sync);
assert_impl_all!(PipelineOf<Counter>: Send);
assert_not_impl_any!(PipelineOf<Counter>: Sync);

// The input and environment types do not make a pipeline `!Send`, because it contains neither.
assert_impl_all!(Pipeline<Rc<u8>, Cell<u8>>: Send, Sync);

assert_impl_all!(Bag<SlotsOf<u32>>: Send, Sync);
assert_not_impl_any!(Bag<SlotsOf<Rc<u32>>>: Send, Sync);
assert_impl_all!(Bag<SlotsOf<Cell<u32>>>: Send);
assert_not_impl_any!(Bag<SlotsOf<Cell<u32>>>: Sync);
assert_impl_all!(Report<SlotsOf<u32>>: Send, Sync);
assert_not_impl_any!(Report<SlotsOf<Rc<u32>>>: Send, Sync);
assert_impl_all!(EarlierBag<'static, SlotsOf<u32>>: Send, Sync, Copy);
assert_not_impl_any!(EarlierBag<'static, SlotsOf<Rc<u32>>>: Send, Sync);
assert_impl_all!(Entry<u8, String>: Send, Sync);
assert_impl_all!(Error: Send, Sync);
assert_impl_all!(CancelToken: Send, Sync, Clone);
assert_impl_all!(Reason: Send, Sync);

#[test]
fn send_pipeline_runs_on_another_thread() {
    let pipeline = Pipeline::<u32>::new().add_step(Plain);
    let output =
        std::thread::spawn(move || pipeline.run(&5, &()).bag().get(Only).output().copied())
            .join()
            .unwrap();
    assert_eq!(output, Some(5));
}
