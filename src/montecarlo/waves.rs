//! The one wave loop: replications in parallel on a thread pool, folded into an accumulator,
//! with results that depend neither on the thread count nor on how rayon splits the work.

use rayon::prelude::*;
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Replications per wave: the outcomes of one wave are held in memory before they are handed on.
pub const WAVE: u64 = 16_384;

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
        mut total: A,
        fresh: impl Fn() -> A + Sync,
        replicate: impl Fn(u64, &mut A) -> Option<O> + Sync,
        progress: Option<&AtomicU64>,
        mut after_wave: impl FnMut(u64, &A, Vec<O>) -> Result<bool, E>,
    ) -> Result<A, E> {
        // Exact accumulators: one per worker thread, reused for the whole loop, so memory is a
        // fixed number of accumulators whatever the replication count. Which thread ran what
        // varies, but merging is exact, so the total does not.
        let slots: Vec<Mutex<Option<A>>> = if A::EXACT {
            (0..self.threads()).map(|_| Mutex::new(None)).collect()
        } else {
            Vec::new()
        };
        let mut start = range.start;
        while start < range.end {
            let end = (start + WAVE).min(range.end);
            let task = |c: u64| -> (Option<A>, Vec<O>) {
                let first = start + c * A::CHUNK;
                let last = (first + A::CHUNK).min(end);
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
            let wave = || -> Vec<(Option<A>, Vec<O>)> {
                (0..(end - start).div_ceil(A::CHUNK))
                    .into_par_iter()
                    .map(task)
                    .collect()
            };
            let tasks = self.install(wave);
            for slot in &slots {
                if let Some(acc) = slot.lock().expect("accumulator lock").take() {
                    total.merge(&acc);
                }
            }
            let mut outcomes = Vec::new();
            for (own, kept) in tasks {
                if let Some(acc) = own {
                    total.merge(&acc);
                }
                outcomes.extend(kept);
            }
            start = end;
            if after_wave(start, &total, outcomes)? {
                break;
            }
        }
        Ok(total)
    }

    /// Runs `work` on this runner's pool.
    fn install<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
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
}
