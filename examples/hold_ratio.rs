//! A quick, noise-tolerant companion to `benches/hold.rs`: the engine's `EventQueue` against a
//! bare `std::collections::BinaryHeap` on the hold model, timed in alternating rounds within one
//! process, so that load from other processes hits both alike. Prints, per size, the median (and
//! range) over rounds of the throughput ratio engine / `BinaryHeap` (above 1: the engine is
//! faster), and the ratio of the two fastest rounds (the least disturbed by other load).
//!
//! Run: `cargo run --release --example hold_ratio -- [ROUNDS [SIZE...]]`

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use outage_sim::engine::{EventQueue, SimTime, TICKS_PER_SECOND};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution, Exp1};

const SEED: u64 = 0x5EED_401D;
/// Hold operations per timed round.
const HOLDS: u64 = 20_000;

fn exp_ticks(rng: &mut Xoshiro256PlusPlus) -> u64 {
    let secs: f64 = Exp1.sample(rng);
    (secs * TICKS_PER_SECOND as f64) as u64
}

/// One contender: a queue at steady size with its own copy of the random stream.
trait Hold {
    /// Runs `n` hold operations; returns the sum of popped times, which must agree between the
    /// contenders since they see the same stream.
    fn hold(&mut self, n: u64) -> u64;
}

struct Engine {
    rng: Xoshiro256PlusPlus,
    queue: EventQueue<u32>,
}

impl Engine {
    fn new(n: usize) -> Self {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
        let mut queue = EventQueue::with_capacity(n);
        for i in 0..n as u32 {
            queue.push(SimTime(exp_ticks(&mut rng)), i);
        }
        Engine { rng, queue }
    }
}

impl Hold for Engine {
    fn hold(&mut self, n: u64) -> u64 {
        let mut sum = 0u64;
        for _ in 0..n {
            let (t, payload) = self.queue.pop().expect("hold queue is never empty");
            sum = sum.wrapping_add(t.0);
            let next = SimTime(t.0 + exp_ticks(&mut self.rng));
            self.queue.push(next, black_box(payload));
        }
        sum
    }
}

struct StdHeap {
    rng: Xoshiro256PlusPlus,
    heap: BinaryHeap<Reverse<(u64, u64)>>,
    seq: u64,
}

impl StdHeap {
    fn new(n: usize) -> Self {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
        let mut heap = BinaryHeap::with_capacity(n);
        for seq in 0..n as u64 {
            heap.push(Reverse((exp_ticks(&mut rng), seq)));
        }
        StdHeap {
            rng,
            heap,
            seq: n as u64,
        }
    }
}

impl Hold for StdHeap {
    fn hold(&mut self, n: u64) -> u64 {
        let mut sum = 0u64;
        for _ in 0..n {
            let Reverse((t, _)) = self.heap.pop().expect("hold queue is never empty");
            sum = sum.wrapping_add(t);
            let next = t + exp_ticks(&mut self.rng);
            self.heap.push(Reverse((next, black_box(self.seq))));
            self.seq += 1;
        }
        sum
    }
}

fn timed(q: &mut dyn Hold, n: u64) -> (Duration, u64) {
    let start = Instant::now();
    let sum = q.hold(n);
    (start.elapsed(), sum)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("arguments are numbers: ROUNDS SIZE..."))
        .collect();
    let rounds = args.first().copied().unwrap_or(31);
    let sizes = if args.len() > 1 {
        args[1..].to_vec()
    } else {
        vec![10, 1_000, 100_000, 1_000_000]
    };
    println!("throughput ratio engine/heap: of the fastest rounds, and median [min, max] of {rounds}");
    println!("size       engine ns/hold  heap ns/hold  fastest  median [min, max]");
    for n in sizes {
        let mut engine = Engine::new(n);
        let mut heap = StdHeap::new(n);
        // Untimed warm-up: reach the steady state (and touch all memory) first.
        let warm = (n as u64).max(HOLDS);
        assert_eq!(engine.hold(warm), heap.hold(warm), "contenders diverged");
        let mut ratios = Vec::with_capacity(rounds);
        let (mut te, mut th) = (Duration::MAX, Duration::MAX);
        for r in 0..rounds {
            // Alternate who goes first, so neither always runs right after the other's cache
            // damage.
            let ((de, se), (dh, sh)) = if r % 2 == 0 {
                let e = timed(&mut engine, HOLDS);
                (e, timed(&mut heap, HOLDS))
            } else {
                let h = timed(&mut heap, HOLDS);
                (timed(&mut engine, HOLDS), h)
            };
            assert_eq!(se, sh, "contenders diverged");
            ratios.push(dh.as_secs_f64() / de.as_secs_f64());
            te = te.min(de);
            th = th.min(dh);
        }
        ratios.sort_by(f64::total_cmp);
        let per = |d: Duration| d.as_nanos() as f64 / HOLDS as f64;
        println!(
            "{n:<10} {:>14.1} {:>13.1} {:>9.3}  {:.3} [{:.3}, {:.3}]",
            per(te),
            per(th),
            th.as_secs_f64() / te.as_secs_f64(),
            ratios[rounds / 2],
            ratios[0],
            ratios[rounds - 1]
        );
    }
}
