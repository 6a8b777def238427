//! A typed pipeline run allocates nothing of its own: checked with a counting allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use choreograph::{CancelToken, Check, Outcome, Pipeline, Reason, markers};

/// Counts the allocations made by the current thread.
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every method forwards to `System` with the same arguments.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` through `alloc` above, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: as for `dealloc`, and `new_size` comes from the caller's contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

markers! {
    /// Step 1.
    pub S1 = "s1";
    /// Step 2.
    pub S2 = "s2";
    /// Step 3.
    pub S3 = "s3";
    /// Step 4.
    pub S4 = "s4";
    /// Step 5.
    pub S5 = "s5";
    /// Step 6.
    pub S6 = "s6";
    /// Step 7.
    pub S7 = "s7";
    /// Step 8.
    pub S8 = "s8";
    /// Step 9.
    pub S9 = "s9";
    /// Step 10.
    pub S10 = "s10";
}

fn previous_or_zero<P, R>(outcome: Outcome<'_, P, u64, R>) -> u64 {
    match outcome {
        Outcome::Ran { output, .. } => *output,
        Outcome::Skipped { .. } => 0,
    }
}

#[test]
fn ten_step_run_allocates_nothing() {
    let pipeline = Pipeline::<u64>::new()
        .job(S1, |cx| Ok(*cx.input()))
        .job(S2, |cx| Ok(previous_or_zero(cx.bag().get(S1)) + 1))
        .step(
            S3,
            |cx| {
                if cx.input() % 2 == 0 {
                    Check::Skip(*cx.input(), Reason::new("even input"))
                } else {
                    Check::Pass(*cx.input())
                }
            },
            |cx| Ok(previous_or_zero(cx.bag().get(S2)) + 1),
        )
        .job(S4, |cx| Ok(previous_or_zero(cx.bag().get(S2)) * 2))
        .job(S5, |cx| Ok(previous_or_zero(cx.bag().get(S4)) + 1))
        .job(S6, |cx| Ok(previous_or_zero(cx.bag().get(S5)) + 1))
        .job(S7, |cx| Ok(previous_or_zero(cx.bag().get(S6)) + 1))
        .job(S8, |cx| Ok(previous_or_zero(cx.bag().get(S7)) + 1))
        .job(S9, |cx| Ok(previous_or_zero(cx.bag().get(S8)) + 1))
        .job(S10, |cx| Ok(previous_or_zero(cx.bag().get(S9)) + 1));
    let token = CancelToken::new();

    let before = allocations();
    let mut checksum = 0;
    for input in 0..1_000_u64 {
        let report = pipeline.run(black_box(&input), &());
        checksum += report.bag().get(S10).output().copied().unwrap_or(0);
        checksum += report.execution_errors().count() as u64;
        let report = pipeline.run_with(black_box(&input), &(), &token);
        checksum += u64::from(report.is_ok());
    }
    let after = allocations();

    assert_eq!(after - before, 0, "allocations during 2,000 runs");
    // Per input: S10 = 2 * (input + 1) + 6, one skip for even inputs, one ok run.
    let expected: u64 = (0..1_000_u64)
        .map(|input| 2 * (input + 1) + 6 + u64::from(input % 2 == 0) + 1)
        .sum();
    assert_eq!(checksum, expected);
}

#[test]
fn counting_allocator_sees_allocations() {
    let before = allocations();
    let boxed = black_box(Box::new(5_u64));
    assert_eq!(allocations() - before, 1);
    drop(boxed);
}
