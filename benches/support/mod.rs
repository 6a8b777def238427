//! Code shared by the bench binaries: the counting allocator, the harness that times each
//! variant and prints the tables, and the scenarios' data and callbacks.

// Each bench binary uses a part of these modules.
#![allow(dead_code)]

pub mod allocations;
pub mod harness;
pub mod naive;
pub mod statements;
pub mod trivial;
