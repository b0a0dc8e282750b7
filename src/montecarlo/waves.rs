//! The one wave loop: replications in parallel on a thread pool, folded into an accumulator,
//! with results that depend neither on the thread count nor on how rayon splits the work.

use rayon::prelude::*;
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Replications per wave: checkpoints, and the stopping rule of a run to precision, come at the
/// end of a wave.
pub const WAVE: u64 = 16_384;

/// About how much outcome weight (see [`Runner::streaming_waves`]; for a run, incidents and
/// replications) is held in memory at once before it is handed on: with a few hundred bytes an
/// incident, some hundreds of megabytes at most.
pub const HELD_WEIGHT: u64 = 1_000_000;

/// What replications are folded into: the statistics of a run, or a comparison's paired moments.
pub trait Accumulator: Send {
    /// Replications per parallel task.
    const CHUNK: u64;
    /// Whether merging is exact (integer state: any merge order gives the same bits). Exact
    /// accumulators are kept one per worker thread; the others one per task, merged in task
    /// order — the same for every thread count — so each task's chunk must be large enough to
    /// pay for a fresh accumulator.
    const EXACT: bool;
    /// Adds `other` into `self`.
    fn merge(&mut self, other: &Self);
}

/// Runs replications on a thread pool built once per command (rayon's global pool by default).
#[derive(Debug, Default)]
pub struct Runner {
    pool: Option<rayon::ThreadPool>,
}

impl Runner {
    /// A runner on `threads` worker threads; `None` uses rayon's default (`RAYON_NUM_THREADS` or
    /// all cores).
    pub fn new(threads: Option<usize>) -> Runner {
        Runner {
            pool: threads.map(|n| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .expect("thread pool")
            }),
        }
    }

    /// Worker threads.
    pub fn threads(&self) -> usize {
        self.pool
            .as_ref()
            .map_or_else(rayon::current_num_threads, rayon::ThreadPool::current_num_threads)
    }

    /// Runs every replication of `range` in waves of [`WAVE`]: `replicate(i, acc)` records
    /// replication `i` into an accumulator (fresh ones come from `fresh`) and returns its outcome
    /// when the caller wants it; the accumulators are merged into `total`.
    ///
    /// After each wave, `after_wave(next, total, outcomes)` gets the first replication not yet
    /// run, the total so far and the wave's outcomes in replication order; when it returns
    /// `true` the loop stops there. Since waves and merges are deterministic, so is where it
    /// stops. `progress` counts finished replications as tasks finish (for a display; it never
    /// affects the results).
    pub fn waves<A: Accumulator, O: Send, E>(
        &self,
        range: Range<u64>,
        total: A,
        fresh: impl Fn() -> A + Sync,
        replicate: impl Fn(u64, &mut A) -> Option<O> + Sync,
        progress: Option<&AtomicU64>,
        mut after_wave: impl FnMut(u64, &A, Vec<O>) -> Result<bool, E>,
    ) -> Result<A, E> {
        let held = std::cell::RefCell::new(Vec::new());
        self.streaming_waves(
            range,
            total,
            fresh,
            replicate,
            |_| 0,
            progress,
            |outcomes| {
                held.borrow_mut().extend(outcomes);
                Ok(())
            },
            |next, total| after_wave(next, total, std::mem::take(&mut *held.borrow_mut())),
        )
    }

    /// Like [`waves`](Self::waves), handing the outcomes to `sink` (in replication order) as soon
    /// as a part of the wave is done, so that the outcomes held at once stay bounded whatever the
    /// horizon: `weigh(outcome)` is its size in any unit (e.g. its incidents), and each part of a
    /// wave is sized from the parts before so that it holds about [`HELD_WEIGHT`] (at least one
    /// replication per thread). Parts only change when the accumulator is exact (then merging
    /// in any grouping gives the same bits); otherwise a wave is one part. `after_wave(next,
    /// total)` is called at the end of each wave, as for [`waves`](Self::waves).
    #[allow(clippy::too_many_arguments)]
    pub fn streaming_waves<A: Accumulator, O: Send, E>(
        &self,
        range: Range<u64>,
        mut total: A,
        fresh: impl Fn() -> A + Sync,
        replicate: impl Fn(u64, &mut A) -> Option<O> + Sync,
        weigh: impl Fn(&O) -> u64,
        progress: Option<&AtomicU64>,
        mut sink: impl FnMut(Vec<O>) -> Result<(), E>,
        mut after_wave: impl FnMut(u64, &A) -> Result<bool, E>,
    ) -> Result<A, E> {
        // Exact accumulators: one per worker thread, reused for the whole loop, so memory is a
        // fixed number of accumulators whatever the replication count. Which thread ran what
        // varies, but merging is exact, so the total does not.
        let threads = self.threads() as u64;
        let slots: Vec<Mutex<Option<A>>> = if A::EXACT {
            (0..threads).map(|_| Mutex::new(None)).collect()
        } else {
            Vec::new()
        };
        // Replications per part of a wave, and per task (exact accumulators only): the first
        // part one replication per thread, to learn how heavy outcomes are; then a whole wave in
        // tasks of CHUNK when no outcome is kept, else parts that hold about HELD_WEIGHT.
        let mut part = if A::EXACT { threads } else { WAVE };
        let mut chunk = if A::EXACT { 1 } else { A::CHUNK };
        let mut start = range.start;
        while start < range.end {
            let end = (start + WAVE).min(range.end);
            let mut at = start;
            while at < end {
                let stop = if A::EXACT { (at + part).min(end) } else { end };
                let task = |c: u64| -> (Option<A>, Vec<O>) {
                    let first = at + c * chunk;
                    let last = (first + chunk).min(stop);
                    let mut kept = Vec::new();
                    let mut fold = |acc: &mut A| {
                        for rep in first..last {
                            kept.extend(replicate(rep, acc));
                        }
                    };
                    let own = if A::EXACT {
                        let slot = rayon::current_thread_index().unwrap_or(0) % slots.len();
                        fold(slots[slot].lock().expect("accumulator lock").get_or_insert_with(&fresh));
                        None
                    } else {
                        let mut acc = fresh();
                        fold(&mut acc);
                        Some(acc)
                    };
                    if let Some(done) = progress {
                        done.fetch_add(last - first, Ordering::Relaxed);
                    }
                    (own, kept)
                };
                // `collect` keeps the tasks in order, and each task is in replication order.
                let tasks = (stop - at).div_ceil(chunk);
                let work = || -> Vec<(Option<A>, Vec<O>)> { (0..tasks).into_par_iter().map(task).collect() };
                let done = self.install(work);
                let mut outcomes = Vec::new();
                for (own, kept) in done {
                    if let Some(acc) = own {
                        total.merge(&acc);
                    }
                    outcomes.extend(kept);
                }
                let weight: u64 = outcomes.iter().map(&weigh).sum::<u64>();
                if A::EXACT {
                    // Size the next part to hold about HELD_WEIGHT, in tasks small enough that
                    // every thread gets several.
                    let per_replication = weight.div_ceil(stop - at).max(1);
                    part = if weight == 0 {
                        WAVE
                    } else {
                        (HELD_WEIGHT / per_replication).clamp(threads, WAVE)
                    };
                    chunk = (part / (4 * threads)).clamp(1, A::CHUNK);
                }
                sink(outcomes)?;
                at = stop;
            }
            for slot in &slots {
                if let Some(acc) = slot.lock().expect("accumulator lock").take() {
                    total.merge(&acc);
                }
            }
            start = end;
            if after_wave(start, &total)? {
                break;
            }
        }
        Ok(total)
    }

    /// Runs `work` on this runner's pool.
    pub(crate) fn install<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match &self.pool {
            Some(p) => p.install(work),
            None => work(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A floating-point sum: its bits depend on the order of the additions.
    struct Sum(f64);

    impl Accumulator for Sum {
        const CHUNK: u64 = 100;
        const EXACT: bool = false;
        fn merge(&mut self, other: &Sum) {
            self.0 += other.0;
        }
    }

    /// A count: any order gives the same.
    struct Count(u64);

    impl Accumulator for Count {
        const CHUNK: u64 = 64;
        const EXACT: bool = true;
        fn merge(&mut self, other: &Count) {
            self.0 += other.0;
        }
    }

    #[test]
    fn results_and_outcome_order_do_not_depend_on_the_thread_count() {
        let inexact = |threads| {
            let mut seen = Vec::new();
            let record = |i: u64, acc: &mut Sum| {
                acc.0 += 1.0 / (i as f64 + 1.0).sqrt();
                (i % 1000 == 0).then_some(i)
            };
            let after_wave = |next, _: &Sum, kept: Vec<u64>| {
                seen.extend(kept);
                // Stop after the second wave.
                Ok::<bool, ()>(next >= 2 * WAVE)
            };
            let total = Runner::new(Some(threads))
                .waves(0..40_000, Sum(0.0), || Sum(0.0), record, None, after_wave)
                .unwrap();
            (total.0.to_bits(), seen)
        };
        let (bits, seen) = inexact(1);
        assert_eq!(inexact(3), (bits, seen.clone()));
        assert_eq!(seen, (0..2 * WAVE).step_by(1000).collect::<Vec<_>>());

        let done = AtomicU64::new(0);
        let count = Runner::new(Some(3))
            .waves(
                5..40_005,
                Count(0),
                || Count(0),
                |_, acc: &mut Count| -> Option<()> {
                    acc.0 += 1;
                    None
                },
                Some(&done),
                |_, _, _| Ok::<bool, ()>(false),
            )
            .unwrap();
        assert_eq!((count.0, done.into_inner()), (40_000, 40_000));
    }

    #[test]
    fn heavy_outcomes_are_handed_on_in_bounded_parts_in_order() {
        // Each outcome weighs a tenth of HELD_WEIGHT: parts of about ten replications (at
        // least one per thread), every outcome once, in order, whatever the threads.
        let w = HELD_WEIGHT / 10;
        let run = |threads: usize| {
            let mut parts = Vec::new();
            let mut waves = Vec::new();
            let total = Runner::new(Some(threads))
                .streaming_waves(
                    3..WAVE + 500,
                    Count(0),
                    || Count(0),
                    |i, acc: &mut Count| {
                        acc.0 += i;
                        Some(i)
                    },
                    |_| w,
                    None,
                    |part: Vec<u64>| {
                        parts.push(part);
                        Ok::<(), ()>(())
                    },
                    |next, total: &Count| {
                        waves.push((next, total.0));
                        Ok(false)
                    },
                )
                .unwrap();
            (total.0, parts, waves)
        };
        for threads in [1, 3] {
            let (total, parts, waves) = run(threads);
            assert_eq!(total, (3..WAVE + 500).sum::<u64>());
            let all: Vec<u64> = parts.iter().flatten().copied().collect();
            assert_eq!(all, (3..WAVE + 500).collect::<Vec<_>>());
            let most = parts.iter().map(Vec::len).max().unwrap() as u64;
            assert!(
                most * w <= HELD_WEIGHT.max(threads as u64 * w),
                "{threads} threads: {most} outcomes held"
            );
            assert_eq!(waves.len(), 2);
            assert_eq!(waves[0].0, 3 + WAVE);
        }
        assert_eq!(
            run(1).2,
            run(3).2,
            "the totals at each wave do not depend on the threads"
        );
    }
}
