//! A generic discrete-event simulation core.
//!
//! The engine knows nothing of clouds: it holds a clock, a queue of pending events of any type
//! `E`, and hands events back in time order. A model on top defines its own event enum and
//! drives the loop.
//!
//! **Ordering contract**: events come out ordered by `(time, sequence)`, where `sequence` is the
//! order in which they were scheduled. Events scheduled for the same instant therefore come out
//! first-in, first-out. This makes every replication exactly reproducible.

pub mod duration;
mod queue;
mod simulation;
mod time;

pub use queue::{EventKey, EventQueue};
pub use simulation::Simulation;
pub use time::{SimDuration, SimTime, TICKS_PER_SECOND};
