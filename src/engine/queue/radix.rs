//! A radix heap: a priority queue for integer times that never go back, in first-in, first-out
//! order among equal times.
//!
//! Every entry's time is at least `base`, the time of the last entry taken. Bucket 0 holds the
//! entries at exactly `base`; bucket `i ≥ 1` those whose highest bit differing from `base` is bit
//! `i - 1`, so every entry of bucket `i` is earlier than every entry of bucket `i + 1`. Taking an
//! entry when bucket 0 is empty moves `base` up to the earliest time in the lowest non-empty
//! bucket and redistributes that bucket's entries, each to a strictly lower bucket: an entry moves
//! at most 64 times in its life, and each move is a sequential read and append, which is why this
//! beats a binary heap's scattered sifting once the queue outgrows the caches.
//!
//! **FIFO among equal times** needs no sequence numbers: each bucket is in push order. Pushes
//! append; a bucket receives redistributed entries only when it is empty (all lower buckets are
//! empty when a bucket is redistributed), and those entries were pushed before any later push, in
//! their own bucket's order. So bucket 0, the entries at `base`, is in push order.

/// One entry: an event's time and the storage slot of the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Entry {
    pub(super) time: u64,
    pub(super) slot: u32,
}

/// Bucket 0 plus one per bit of a `u64` time.
const BUCKETS: usize = 65;

/// The bucket of `time` relative to `base`: 0 if equal, else one more than the index of the
/// highest differing bit.
#[inline(always)]
fn bucket(time: u64, base: u64) -> usize {
    (u64::BITS - (time ^ base).leading_zeros()) as usize
}

pub(super) struct RadixHeap {
    /// Every entry's time is `>= base`; pushes before it are refused.
    base: u64,
    buckets: [Vec<Entry>; BUCKETS],
    /// Bucket 0 is read from the front: its entries before `head` are taken.
    head: usize,
    /// Bit `i` is set iff bucket `i` holds an entry not yet taken, so the lowest non-empty bucket
    /// is one `trailing_zeros` away.
    occupied: u128,
    len: usize,
}

impl RadixHeap {
    pub(super) fn new() -> Self {
        RadixHeap {
            base: 0,
            buckets: std::array::from_fn(|_| Vec::new()),
            head: 0,
            occupied: 0,
            len: 0,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The earliest time a push may have.
    pub(super) fn base(&self) -> u64 {
        self.base
    }

    /// Empties the heap, keeping the allocations; pushes may start again from time 0.
    pub(super) fn clear(&mut self) {
        self.buckets.iter_mut().for_each(Vec::clear);
        self.base = 0;
        self.head = 0;
        self.occupied = 0;
        self.len = 0;
    }

    /// Moves `base` down to `time`; allowed only when empty (`base` constrains only future
    /// pushes then).
    pub(super) fn rebase(&mut self, time: u64) {
        debug_assert_eq!(self.len, 0, "rebasing a non-empty radix heap");
        self.base = time;
    }

    /// Adds `e`, which must not be earlier than [`base`](Self::base) (checked by the caller).
    #[inline]
    pub(super) fn push(&mut self, e: Entry) {
        debug_assert!(e.time >= self.base, "entry before the radix heap's base");
        let b = bucket(e.time, self.base);
        self.buckets[b].push(e);
        self.occupied |= 1 << b;
        self.len += 1;
    }

    /// Removes and returns the earliest entry (ties: the first pushed) if its time is at most
    /// `limit`; otherwise leaves the heap as it was.
    #[inline]
    pub(super) fn pop_at_or_before(&mut self, limit: u64) -> Option<Entry> {
        if self.occupied & 1 == 0 {
            let lowest = self.occupied.trailing_zeros() as usize;
            let min = self.buckets.get(lowest)?.iter().map(|e| e.time).min()?;
            if min > limit {
                return None;
            }
            self.redistribute(lowest, min);
        } else if self.base > limit {
            return None;
        }
        let zero = &mut self.buckets[0];
        let e = zero[self.head];
        self.head += 1;
        if self.head == zero.len() {
            zero.clear();
            self.head = 0;
            self.occupied &= !1;
        }
        self.len -= 1;
        Some(e)
    }

    /// Moves `base` to `min`, the earliest time in bucket `from`, and spreads that bucket's
    /// entries over the lower buckets, in order.
    fn redistribute(&mut self, from: usize, min: u64) {
        let moving = std::mem::take(&mut self.buckets[from]);
        self.occupied &= !(1 << from);
        self.base = min;
        for &e in &moving {
            let b = bucket(e.time, min);
            self.buckets[b].push(e);
            self.occupied |= 1 << b;
        }
        // Keep the allocation for the bucket's next turn.
        let mut emptied = moving;
        emptied.clear();
        self.buckets[from] = emptied;
    }

    /// The entries of the lowest non-empty bucket: the earliest entry is among them, and every
    /// other entry is later than all of them.
    pub(super) fn lowest_bucket(&self) -> Option<&[Entry]> {
        match self.occupied.trailing_zeros() as usize {
            0 => Some(&self.buckets[0][self.head..]),
            b => self.buckets.get(b).map(Vec::as_slice),
        }
    }

    /// Removes every entry of the lowest non-empty bucket, handing each to `f`. `base` does not
    /// move.
    pub(super) fn drop_lowest_bucket(&mut self, mut f: impl FnMut(Entry)) {
        let b = self.occupied.trailing_zeros() as usize;
        let Some(bucket) = self.buckets.get_mut(b) else {
            return;
        };
        // Outside bucket 0, `head` is 0.
        bucket[self.head..].iter().copied().for_each(&mut f);
        self.len -= bucket.len() - self.head;
        bucket.clear();
        self.head = 0;
        self.occupied &= !(1 << b);
    }

    /// Keeps only the entries for which `keep` is true; order within buckets is kept, so FIFO
    /// among equal times holds. `O(n)`.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(&Entry) -> bool) {
        self.buckets[0].drain(..self.head);
        self.head = 0;
        self.len = 0;
        self.occupied = 0;
        for (b, bucket) in self.buckets.iter_mut().enumerate() {
            bucket.retain(&mut keep);
            if !bucket.is_empty() {
                self.occupied |= 1 << b;
                self.len += bucket.len();
            }
        }
    }

    /// Total capacity of the buckets, in entries.
    #[cfg(test)]
    pub(super) fn capacity(&self) -> usize {
        self.buckets.iter().map(Vec::capacity).sum()
    }

    /// Entries not yet taken, bucket by bucket from the lowest.
    #[cfg(test)]
    pub(super) fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.buckets[0][self.head..]
            .iter()
            .chain(self.buckets[1..].iter().flatten())
    }
}

#[cfg(test)]
impl RadixHeap {
    /// Checks the structure: each entry is in the bucket its time calls for (so none is before
    /// `base`), `occupied` and `len` agree with the buckets.
    pub(super) fn check(&self) {
        let mut len = 0;
        for (b, bucket) in self.buckets.iter().enumerate() {
            let start = if b == 0 { self.head } else { 0 };
            assert!(start <= bucket.len());
            for e in &bucket[start..] {
                assert_eq!(bucket(e.time, self.base), b, "{e:?} with base {}", self.base);
            }
            let live = bucket.len() - start;
            assert_eq!(self.occupied >> b & 1 == 1, live > 0, "occupied bit {b}");
            len += live;
        }
        assert_eq!(self.occupied >> BUCKETS, 0);
        assert_eq!(self.len, len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        /// Push this long after the base.
        Push(u64),
        /// Pop if due within this long after the base.
        Pop(u64),
        /// Keep only the entries whose push index is not a multiple of this.
        Retain(u32),
        DropLowest,
        Clear,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            // Mostly close times, so ties and low buckets are common; some anywhere.
            6 => (0u64..40).prop_map(Op::Push),
            2 => any::<u64>().prop_map(Op::Push),
            4 => prop_oneof![0u64..40, Just(u64::MAX)].prop_map(Op::Pop),
            1 => (2u32..6).prop_map(Op::Retain),
            1 => Just(Op::DropLowest),
            1 => (0..10).prop_map(|x| if x == 0 { Op::Clear } else { Op::Pop(u64::MAX) }),
        ]
    }

    #[test]
    fn equal_times_come_out_in_push_order() {
        let mut h = RadixHeap::new();
        for (slot, time) in [(0, 8), (1, 3), (2, 8), (3, 3), (4, 100), (5, 8)] {
            h.push(Entry { time, slot });
        }
        let first = h.pop_at_or_before(u64::MAX);
        assert_eq!(first, Some(Entry { time: 3, slot: 1 }));
        h.push(Entry { time: 3, slot: 6 });
        h.push(Entry { time: 8, slot: 7 });
        let order: Vec<_> = std::iter::from_fn(|| h.pop_at_or_before(u64::MAX))
            .map(|e| e.slot)
            .collect();
        assert_eq!(order, [3, 6, 0, 2, 5, 7, 4]);
        assert_eq!(h.len(), 0);
        h.check();
    }

    #[test]
    fn extreme_times_use_the_top_bucket() {
        let mut h = RadixHeap::new();
        h.push(Entry { time: u64::MAX, slot: 0 });
        h.push(Entry { time: 0, slot: 1 });
        h.push(Entry { time: u64::MAX, slot: 2 });
        h.check();
        assert_eq!(h.occupied, 1 | 1 << 64);
        let order: Vec<_> = std::iter::from_fn(|| h.pop_at_or_before(u64::MAX))
            .map(|e| (e.time, e.slot))
            .collect();
        assert_eq!(order, [(0, 1), (u64::MAX, 0), (u64::MAX, 2)]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The radix heap matches a reference model: a list of `(time, push index)` whose
        /// smallest pair comes out first.
        #[test]
        fn matches_sorted_reference(ops in prop::collection::vec(op(), 0..300)) {
            let mut h = RadixHeap::new();
            let mut model: Vec<(u64, u32)> = Vec::new();
            let mut pushes = 0u32;
            for op in ops {
                match op {
                    Op::Push(delay) => {
                        let time = h.base().saturating_add(delay);
                        h.push(Entry { time, slot: pushes });
                        model.push((time, pushes));
                        pushes += 1;
                    }
                    Op::Pop(within) => {
                        let limit = h.base().saturating_add(within);
                        let first = model.iter().enumerate().min_by_key(|&(_, &te)| te);
                        let first = first.filter(|&(_, &(t, _))| t <= limit).map(|(i, _)| i);
                        let expected = first.map(|i| model.remove(i));
                        let got = h.pop_at_or_before(limit).map(|e| (e.time, e.slot));
                        prop_assert_eq!(got, expected);
                        if let Some((t, _)) = got {
                            prop_assert_eq!(h.base(), t);
                        }
                    }
                    Op::Retain(m) => {
                        h.retain(|e| e.slot % m != 0);
                        model.retain(|&(_, s)| s % m != 0);
                    }
                    Op::DropLowest => {
                        let lowest: Vec<_> = h.lowest_bucket().unwrap_or_default().to_vec();
                        // Every entry of the lowest bucket is before every other entry.
                        let rest_min = model.iter().filter(|&&(_, s)| !lowest.iter().any(|e| e.slot == s)).min();
                        if let (Some(last), Some(&(t, _))) = (lowest.iter().map(|e| e.time).max(), rest_min) {
                            prop_assert!(last < t);
                        }
                        let mut dropped = Vec::new();
                        h.drop_lowest_bucket(|e| dropped.push(e));
                        prop_assert_eq!(&dropped, &lowest);
                        model.retain(|&(_, s)| !dropped.iter().any(|e| e.slot == s));
                    }
                    Op::Clear => {
                        h.clear();
                        model.clear();
                    }
                }
                h.check();
                prop_assert_eq!(h.len(), model.len());
            }
            model.sort();
            let rest: Vec<_> = std::iter::from_fn(|| h.pop_at_or_before(u64::MAX)).map(|e| (e.time, e.slot)).collect();
            prop_assert_eq!(rest, model);
        }
    }
}
