//! A multi-level radix heap: a priority queue for integer times that never go back, in
//! first-in, first-out order among equal times.
//!
//! Every entry's time is at least `base`, the time of the last entry taken. Times are read as
//! [`LEVELS`] digits of [`DIGIT_BITS`] bits. The `now` bucket holds the entries at exactly
//! `base`; any other entry goes to the bucket `(level, digit)`: `level` is the most significant
//! digit in which its time differs from `base`, `digit` its time's value there. All entries of a
//! bucket are earlier than all entries of a later bucket in `(level, digit)` order, because they
//! agree with `base` above that digit. Taking an entry when `now` is empty moves `base` up to the
//! earliest time in the lowest non-empty bucket and redistributes that bucket's entries, each to a
//! strictly lower level (they now agree with `base` on that digit too): an entry moves at most
//! once per level in its life, and each move is a sequential read and append, which is why this
//! beats a binary heap's scattered sifting once the queue outgrows the caches. Other buckets keep
//! their place when `base` moves this way (the new base agrees with the old one above the
//! bucket's digit).
//!
//! **Few entries** are instead kept in a 4-ary heap ("small mode", [`SmallHeap`]): up to
//! [`SMALL_MAX`] entries its shallow sifts cost less than moving entries between buckets.
//! Crossing [`SMALL_MAX`] spreads the array over the buckets; falling below [`SMALL_MIN`]
//! gathers the buckets back (the gap between them bounds the cost of going back and forth).
//!
//! **FIFO among equal times** needs no sequence numbers: each bucket is in push order. Pushes
//! append; a bucket receives redistributed entries only when it is empty (all lower buckets are
//! empty when a bucket is redistributed), and those entries were pushed before any later push, in
//! their own bucket's order. So `now`, the entries at `base`, is in push order.

use super::heap::SmallHeap;

/// One entry: an event's time and the storage slot of the event, plus a sequence number used
/// only in small mode (it fills what would be padding).
#[derive(Clone, Copy, Debug)]
pub(super) struct Entry {
    pub(super) time: u64,
    pub(super) slot: u32,
    pub(super) seq: u32,
}

impl Entry {
    pub(super) fn new(time: u64, slot: u32) -> Self {
        Entry { time, slot, seq: 0 }
    }

    /// `(time, seq)` as one integer (the slot never decides, sequence numbers being unique): a
    /// single wide comparison compiles to `cmp`/`sbb` without a second branch for ties.
    #[inline(always)]
    pub(super) fn key(&self) -> u128 {
        (u128::from(self.time) << 64) | (u128::from(self.seq) << 32) | u128::from(self.slot)
    }
}

/// Up to this many entries, small mode. Chosen by measurement (`examples/hold_ratio.rs`, speed
/// relative to `std`'s `BinaryHeap`): the 4-ary heap was 1.23x at 20 entries where the buckets
/// were 1.13x, the buckets 1.28x at 40 where the heap was 1.13x. Tests use tiny limits so that
/// both modes and the changes between them are exercised.
const SMALL_MAX: usize = if cfg!(test) { 6 } else { 32 };
/// Below this many entries, back to small mode.
const SMALL_MIN: usize = if cfg!(test) { 2 } else { SMALL_MAX / 4 };

/// Bits per digit, chosen by measurement on the hold model (`examples/hold_ratio.rs`, without
/// small mode), in ns per hold at 10 / 1 000 / 100 000 / 1 000 000 pending events: 1 bit (one
/// bucket per bit, the textbook radix heap) 46 / 51 / 87 / 204; 2 bits 36 / 46 / 100 / 177;
/// 3 bits 34 / 41 / 107 / 153; 4 bits 31 / 37 / 90 / 149; 5 bits 28 / 37 / 82 / 119; 6 bits
/// 30 / 34 / 86 / 126 (best rounds, noisy machine). With small mode, 5 bits against 4 again:
/// 33 vs 35 ns at 1 000 and 117 vs 126 ns at 1 000 000.
const DIGIT_BITS: u32 = 5;
const DIGITS: usize = 1 << DIGIT_BITS;
/// Digits in a `u64` time (each level's digit mask, and the level mask, fit a `u64`).
const LEVELS: usize = (u64::BITS as usize).div_ceil(DIGIT_BITS as usize);
/// Buckets besides `now`.
pub(super) const BUCKETS: usize = LEVELS * DIGITS;

/// The bucket of `time` relative to `base`: `None` if equal (the `now` bucket), else
/// `level * DIGITS + digit`.
#[inline(always)]
fn bucket(time: u64, base: u64) -> Option<usize> {
    let x = time ^ base;
    if x == 0 {
        return None;
    }
    let level = x.ilog2() / DIGIT_BITS;
    let digit = (time >> (level * DIGIT_BITS)) as usize & (DIGITS - 1);
    Some(level as usize * DIGITS + digit)
}

pub(super) struct RadixHeap {
    /// Every entry's time is `>= base`; pushes before it are refused.
    base: u64,
    /// In small mode, all the entries; empty otherwise.
    small: SmallHeap,
    small_mode: bool,
    /// Entries at `base`, read from the front: those before `head` are taken.
    now: Vec<Entry>,
    head: usize,
    buckets: Box<[Vec<Entry>]>,
    /// Bit `level` is set iff some bucket of that level is non-empty...
    levels: u64,
    /// ...and bit `digit` of `digits[level]` iff that bucket is: the lowest non-empty bucket is
    /// two `trailing_zeros` away.
    digits: [u64; LEVELS],
    len: usize,
}

impl RadixHeap {
    pub(super) fn new() -> Self {
        RadixHeap {
            base: 0,
            // Nothing allocated yet: a simulation per replication is cheap to create.
            small: SmallHeap::with_capacity(0),
            small_mode: true,
            now: Vec::new(),
            head: 0,
            buckets: Box::default(), // allocated on first leaving small mode
            levels: 0,
            digits: [0; LEVELS],
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
        self.small.clear();
        self.small_mode = true;
        self.now.clear();
        // Only the marked buckets hold anything.
        while let Some(b) = self.lowest() {
            self.buckets[b].clear();
            self.unmark(b);
        }
        self.base = 0;
        self.head = 0;
        self.len = 0;
    }

    /// Moves `base` down to `time`; allowed only when empty (`base` constrains only future
    /// pushes then).
    pub(super) fn rebase(&mut self, time: u64) {
        debug_assert_eq!(self.len, 0, "rebasing a non-empty radix heap");
        self.base = time;
    }

    #[inline(always)]
    fn mark(&mut self, b: usize) {
        self.levels |= 1 << (b / DIGITS);
        self.digits[b / DIGITS] |= 1 << (b % DIGITS);
    }

    #[inline(always)]
    fn unmark(&mut self, b: usize) {
        let level = &mut self.digits[b / DIGITS];
        *level &= !(1 << (b % DIGITS));
        if *level == 0 {
            self.levels &= !(1 << (b / DIGITS));
        }
    }

    /// The lowest non-empty bucket besides `now`.
    #[inline(always)]
    fn lowest(&self) -> Option<usize> {
        let level = *self.digits.get(self.levels.trailing_zeros() as usize)?;
        Some(self.levels.trailing_zeros() as usize * DIGITS + level.trailing_zeros() as usize)
    }

    /// Adds `e`, which must not be earlier than [`base`](Self::base) (checked by the caller).
    #[inline]
    pub(super) fn push(&mut self, e: Entry) {
        debug_assert!(e.time >= self.base, "entry before the radix heap's base");
        if self.small_mode {
            self.small.push(e);
            self.len += 1;
            if self.len > SMALL_MAX {
                self.spread();
            }
            return;
        }
        self.push_to_bucket(e);
    }

    /// Leaves small mode: pushes the entries in order, so the buckets are in push order.
    #[cold]
    fn spread(&mut self) {
        if self.buckets.is_empty() {
            self.buckets = (0..BUCKETS).map(|_| Vec::new()).collect();
        }
        self.small_mode = false;
        self.len = 0;
        let mut small = std::mem::replace(&mut self.small, SmallHeap::with_capacity(0));
        small.drain_sorted(|e| self.push_to_bucket(e));
        self.small = small;
    }

    /// Enters small mode: sorts the entries, which keeps push order among equal times since the
    /// buckets are in push order and equal times share a bucket.
    #[cold]
    fn gather(&mut self) {
        // `now` serves as scratch space.
        let mut all = std::mem::take(&mut self.now);
        all.drain(..self.head);
        self.head = 0;
        while let Some(b) = self.lowest() {
            all.append(&mut self.buckets[b]);
            self.unmark(b);
        }
        all.sort_by_key(|e| e.time); // stable
        self.small.fill_sorted(all.drain(..));
        self.now = all;
        self.small_mode = true;
    }

    #[inline]
    fn push_to_bucket(&mut self, e: Entry) {
        match bucket(e.time, self.base) {
            None => self.now.push(e),
            Some(b) => {
                self.buckets[b].push(e);
                self.mark(b);
            }
        }
        self.len += 1;
    }

    /// Removes and returns the earliest entry (ties: the first pushed) if its time is at most
    /// `limit`; otherwise leaves the heap as it was.
    #[inline]
    pub(super) fn pop_at_or_before(&mut self, limit: u64) -> Option<Entry> {
        if self.small_mode {
            let e = self.small.peek()?;
            if e.time > limit {
                return None;
            }
            self.small.pop();
            self.base = e.time;
            self.len -= 1;
            return Some(e);
        }
        if self.head == self.now.len() {
            let b = self.lowest()?;
            let bucket = &mut self.buckets[b];
            if let [single] = bucket[..] {
                // The common case in a sparse bucket: nothing to redistribute.
                if single.time > limit {
                    return None;
                }
                bucket.clear();
                self.unmark(b);
                self.base = single.time;
                self.taken();
                return Some(single);
            }
            let min = bucket.iter().map(|e| e.time).min()?;
            if min > limit {
                return None;
            }
            self.redistribute(b, min);
        } else if self.base > limit {
            return None;
        }
        let e = self.now[self.head];
        self.head += 1;
        if self.head == self.now.len() {
            self.now.clear();
            self.head = 0;
        }
        self.taken();
        Some(e)
    }

    /// Counts an entry taken in bucket mode.
    #[inline(always)]
    fn taken(&mut self) {
        self.len -= 1;
        if self.len < SMALL_MIN {
            self.gather();
        }
    }

    /// Moves `base` to `min`, the earliest time in bucket `from`, and spreads that bucket's
    /// entries over `now` and the lower levels, in order.
    fn redistribute(&mut self, from: usize, min: u64) {
        let mut moving = std::mem::take(&mut self.buckets[from]);
        self.unmark(from);
        self.base = min;
        for &e in &moving {
            match bucket(e.time, min) {
                None => self.now.push(e),
                Some(b) => {
                    self.buckets[b].push(e);
                    self.mark(b);
                }
            }
        }
        // Keep the allocation for the bucket's next turn.
        moving.clear();
        self.buckets[from] = moving;
    }

    /// The entries of the lowest non-empty bucket: the earliest entry is among them, and every
    /// other entry is later than all of them.
    pub(super) fn lowest_bucket(&self) -> Option<&[Entry]> {
        if self.small_mode {
            return Some(self.small.entries()).filter(|s| !s.is_empty());
        }
        if self.head < self.now.len() {
            return Some(&self.now[self.head..]);
        }
        Some(&self.buckets[self.lowest()?])
    }

    /// Removes every entry of the lowest non-empty bucket, handing each to `f`. `base` does not
    /// move.
    pub(super) fn drop_lowest_bucket(&mut self, mut f: impl FnMut(Entry)) {
        if self.small_mode {
            self.small.drain_sorted(f);
            self.len = 0;
        } else if self.head < self.now.len() {
            self.now[self.head..].iter().copied().for_each(&mut f);
            self.len -= self.now.len() - self.head;
            self.now.clear();
            self.head = 0;
        } else if let Some(b) = self.lowest() {
            let bucket = &mut self.buckets[b];
            bucket.iter().copied().for_each(&mut f);
            self.len -= bucket.len();
            bucket.clear();
            self.unmark(b);
        }
    }

    /// Keeps only the entries for which `keep` is true; order within buckets is kept, so FIFO
    /// among equal times holds. `O(n)`.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(&Entry) -> bool) {
        self.small.retain(&mut keep);
        self.now.drain(..self.head);
        self.head = 0;
        self.now.retain(&mut keep);
        self.len = self.small.len() + self.now.len();
        self.levels = 0;
        self.digits = [0; LEVELS];
        for b in 0..self.buckets.len() {
            self.buckets[b].retain(&mut keep);
            if !self.buckets[b].is_empty() {
                self.mark(b);
                self.len += self.buckets[b].len();
            }
        }
    }

    /// Total capacity of the buckets, in entries.
    #[cfg(test)]
    pub(super) fn capacity(&self) -> usize {
        self.small.capacity() + self.now.capacity() + self.buckets.iter().map(Vec::capacity).sum::<usize>()
    }

    /// Entries not yet taken, bucket by bucket from the lowest.
    #[cfg(test)]
    pub(super) fn iter(&self) -> impl Iterator<Item = &Entry> {
        let small = self.small.entries().iter();
        small.chain(&self.now[self.head..]).chain(self.buckets.iter().flatten())
    }
}

#[cfg(test)]
impl RadixHeap {
    /// Checks the structure: each entry is in the bucket its time calls for (so none is before
    /// `base`), the masks and `len` agree with the buckets.
    pub(super) fn check(&self) {
        if self.small_mode {
            assert_eq!(self.len, self.small.len());
            super::heap::check(&self.small);
            assert!(self.small.entries().iter().all(|e| e.time >= self.base));
            assert_eq!((self.now.len(), self.levels), (0, 0), "small mode with buckets in use");
            return;
        }
        assert_eq!(self.small.len(), 0);
        assert!(self.head < self.now.len() || (self.head, self.now.len()) == (0, 0));
        let mut len = self.now.len() - self.head;
        for e in &self.now[self.head..] {
            assert_eq!(e.time, self.base);
        }
        for (b, entries) in self.buckets.iter().enumerate() {
            for e in entries {
                assert_eq!(bucket(e.time, self.base), Some(b), "{e:?} with base {}", self.base);
            }
            let marked = self.digits[b / DIGITS] >> (b % DIGITS) & 1 == 1;
            assert_eq!(marked, !entries.is_empty(), "mark of bucket {b}");
            len += entries.len();
        }
        for (level, &digits) in self.digits.iter().enumerate() {
            assert_eq!(self.levels >> level & 1 == 1, digits != 0, "mark of level {level}");
        }
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
            h.push(Entry::new(time, slot));
        }
        let first = h.pop_at_or_before(u64::MAX);
        assert_eq!(first.map(|e| (e.time, e.slot)), Some((3, 1)));
        h.push(Entry::new(3, 6));
        h.push(Entry::new(8, 7));
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
        let times = [u64::MAX, 0, u64::MAX, 1 << 63, 0, u64::MAX - 1, 5, u64::MAX];
        for (slot, &time) in times.iter().enumerate() {
            h.push(Entry::new(time, slot as u32));
        }
        assert!(!h.small_mode, "more than SMALL_MAX entries use the buckets");
        h.check();
        assert!(!h.buckets[BUCKETS - DIGITS..].iter().all(Vec::is_empty));
        let order: Vec<_> = std::iter::from_fn(|| h.pop_at_or_before(u64::MAX))
            .map(|e| e.slot)
            .collect();
        assert_eq!(order, [1, 4, 6, 3, 5, 0, 2, 7]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The radix heap (in both modes, see the test values of `SMALL_MAX`) matches a
        /// reference model: a list of `(time, push index)` whose smallest pair comes out first.
        #[test]
        fn matches_sorted_reference(
            ops in prop::collection::vec(op(), 0..300),
            seq_limit in prop_oneof![Just(u32::MAX), 1u32..16],
        ) {
            let mut h = RadixHeap::new();
            // Small limits make small mode renumber often.
            h.small.set_seq_limit(seq_limit);
            let mut model: Vec<(u64, u32)> = Vec::new();
            let mut pushes = 0u32;
            for op in ops {
                match op {
                    Op::Push(delay) => {
                        let time = h.base().saturating_add(delay);
                        h.push(Entry::new(time, pushes));
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
                        let slots = |v: &[Entry]| {
                            let mut s: Vec<_> = v.iter().map(|e| e.slot).collect();
                            s.sort_unstable();
                            s
                        };
                        prop_assert_eq!(slots(&dropped), slots(&lowest));
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
