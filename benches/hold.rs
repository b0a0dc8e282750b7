//! The classic "hold" model for priority queues: with `N` events pending, repeatedly pop the
//! earliest one and push a new one a random Exp(1)-distributed delay later, so the queue size stays
//! at `N`. Compares the engine's `EventQueue` (with a `u32` payload, lazy cancellation support and
//! FIFO tie-breaking) against a bare `std::collections::BinaryHeap` of `(time, seq)` pairs, using
//! the same random stream so the only difference is the queue.
//!
//! Run: `cargo bench --bench hold -- --warm-up-time 1 --measurement-time 3`. On a busy machine,
//! `cargo run --release --example hold_ratio` measures the same ratio more robustly (the two
//! contenders timed in alternating rounds in one process).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use outage_sim::engine::{EventQueue, SimTime, TICKS_PER_SECOND};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution, Exp1};

const SIZES: [usize; 4] = [10, 1_000, 100_000, 1_000_000];
/// Hold operations per timed iteration.
const HOLDS: u64 = 10_000;
const SEED: u64 = 0x5EED_401D;

/// An Exp(1) delay (mean one second) in ticks.
#[inline]
fn exp_ticks(rng: &mut Xoshiro256PlusPlus) -> u64 {
    let secs: f64 = Exp1.sample(rng);
    (secs * TICKS_PER_SECOND as f64) as u64
}

fn hold(c: &mut Criterion) {
    let mut group = c.benchmark_group("hold");
    group.throughput(Throughput::Elements(HOLDS));
    for n in SIZES {
        // The queue and RNG persist across iterations: the hold model keeps the size at `n`, so
        // every iteration measures the same steady state and the prefill is not timed.
        group.bench_function(BenchmarkId::new("engine", n), |b| {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
            let mut queue = EventQueue::with_capacity(n);
            for i in 0..n as u32 {
                queue.push(SimTime(exp_ticks(&mut rng)), i);
            }
            b.iter(|| {
                for _ in 0..HOLDS {
                    let (t, payload) = queue.pop().expect("hold queue is never empty");
                    queue.push(SimTime(t.0 + exp_ticks(&mut rng)), black_box(payload));
                }
            });
            black_box(queue.len());
        });
        group.bench_function(BenchmarkId::new("binary_heap", n), |b| {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
            let mut heap = BinaryHeap::with_capacity(n);
            let mut seq = 0u64;
            for _ in 0..n {
                heap.push(Reverse((exp_ticks(&mut rng), seq)));
                seq += 1;
            }
            b.iter(|| {
                for _ in 0..HOLDS {
                    let Reverse((t, _)) = heap.pop().expect("hold queue is never empty");
                    heap.push(Reverse((t + exp_ticks(&mut rng), black_box(seq))));
                    seq += 1;
                }
            });
            black_box(heap.len());
        });
    }
    group.finish();
}

// No HTML plots: the crate turns on plotters' `ab_glyph` text (for its own PNG charts), under which
// criterion's plot backend finds no font and panics.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = hold
}
criterion_main!(benches);
