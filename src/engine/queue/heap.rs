//! The small-mode order: an implicit 4-ary min-heap of entries by `(time, seq)`, where `seq`
//! numbers the pushes. With few entries a shallow heap in one or two cache lines beats the radix
//! buckets, which move each entry a few times.
//!
//! The root is at 0, the children of `i` at `4i + 1 ..= 4i + 4`: half as deep as a binary heap,
//! and the four children of a node are 64 contiguous bytes. (When this heap held every size,
//! 2 children measured 0.8-1.0x `std`'s `BinaryHeap`, and 8 were ~12% faster than 4 at 10
//! entries but ~8% slower at 1 000.)

use super::radix::Entry;

const ARITY: usize = 4;

pub(super) struct SmallHeap {
    v: Vec<Entry>,
    /// Sequence number of the next push; entries are renumbered when it would overflow.
    next_seq: u32,
    seq_limit: u32,
}

impl SmallHeap {
    pub(super) fn with_capacity(n: usize) -> Self {
        SmallHeap {
            v: Vec::with_capacity(n),
            next_seq: 0,
            seq_limit: u32::MAX,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.v.len()
    }

    pub(super) fn entries(&self) -> &[Entry] {
        &self.v
    }

    #[cfg(test)]
    pub(super) fn capacity(&self) -> usize {
        self.v.capacity()
    }

    pub(super) fn clear(&mut self) {
        self.v.clear();
        self.next_seq = 0;
    }

    pub(super) fn peek(&self) -> Option<Entry> {
        self.v.first().copied()
    }

    /// Adds `e`, numbering it after every entry pushed before.
    #[inline]
    pub(super) fn push(&mut self, mut e: Entry) {
        if self.next_seq >= self.seq_limit {
            self.renumber();
        }
        e.seq = self.next_seq;
        self.next_seq += 1;
        let pos = self.v.len();
        self.v.push(e);
        sift_up(&mut self.v, pos, e);
    }

    /// Removes and returns the smallest entry.
    ///
    /// Bottom-up deletion (as `std`'s `BinaryHeap` does): the hole left by the root walks down
    /// along smallest children all the way to a leaf, without comparing against the entry that
    /// will fill it; then the last entry is put in the hole and sifted up. The last entry is
    /// usually among the largest, so it rarely moves up, and the descent costs 3 comparisons per
    /// level instead of 4.
    #[inline]
    pub(super) fn pop(&mut self) -> Option<Entry> {
        let last = self.v.pop()?;
        let heap = &mut self.v[..];
        let len = heap.len();
        let Some(&top) = heap.first() else {
            return Some(last);
        };
        let mut pos = 0;
        loop {
            let first = ARITY * pos + 1;
            let best = if let Some(children) = heap.get(first..first + ARITY) {
                first + min_of_4(children.try_into().expect("ARITY children"))
            } else if first < len {
                first + min_of_n(&heap[first..]) // the last, partial node
            } else {
                break;
            };
            heap[pos] = heap[best];
            pos = best;
        }
        sift_up(heap, pos, last);
        Some(top)
    }

    /// Removes all entries, handing them to `f` in `(time, seq)` order.
    pub(super) fn drain_sorted(&mut self, f: impl FnMut(Entry)) {
        self.v.sort_unstable_by_key(Entry::key);
        self.v.drain(..).for_each(f);
        self.next_seq = 0;
    }

    /// Replaces the contents by `entries`, given in `(time, push order)` order (a sorted array is
    /// a valid heap).
    pub(super) fn fill_sorted(&mut self, entries: impl IntoIterator<Item = Entry>) {
        self.clear();
        self.v.extend(entries);
        self.renumber_in_place();
    }

    /// Keeps only the entries for which `keep` is true and restores the heap property: `O(n)`.
    pub(super) fn retain(&mut self, keep: impl FnMut(&Entry) -> bool) {
        self.v.retain(keep);
        // Floyd's heap construction: sift down every internal node, last first.
        let n = self.v.len();
        if n > 1 {
            for i in (0..=(n - 2) / ARITY).rev() {
                sift_down(&mut self.v, i);
            }
        }
    }

    /// Gives the entries sequence numbers `0..len` in order, so the counter can go on.
    #[cold]
    fn renumber(&mut self) {
        self.v.sort_unstable_by_key(Entry::key);
        self.renumber_in_place();
    }

    /// Numbers the entries `0..len` as they stand, which must be sorted.
    fn renumber_in_place(&mut self) {
        let mut seq = 0;
        for e in &mut self.v {
            e.seq = seq;
            seq += 1; // fewer than 2^32 entries: slot indices are u32
        }
        self.next_seq = seq;
    }

    /// Tests lower the renumbering point to exercise it.
    #[cfg(test)]
    pub(super) fn set_seq_limit(&mut self, limit: u32) {
        self.seq_limit = limit;
    }
}

/// Puts `e` in the hole at `pos`, moving it up past larger parents.
#[inline]
fn sift_up(heap: &mut [Entry], mut pos: usize, e: Entry) {
    let key = e.key();
    while pos > 0 {
        let parent = (pos - 1) / ARITY;
        if heap[parent].key() <= key {
            break;
        }
        heap[pos] = heap[parent];
        pos = parent;
    }
    heap[pos] = e;
}

/// Moves the entry at `pos` down past smaller children (only used to rebuild the heap).
fn sift_down(heap: &mut [Entry], mut pos: usize) {
    let e = heap[pos];
    let key = e.key();
    loop {
        let first = ARITY * pos + 1;
        if first >= heap.len() {
            break;
        }
        let end = (first + ARITY).min(heap.len());
        let best = first + min_of_n(&heap[first..end]);
        if key <= heap[best].key() {
            break;
        }
        heap[pos] = heap[best];
        pos = best;
    }
    heap[pos] = e;
}

/// Index (0..4) of the smallest of four entries, as a branch-free tournament: which child is
/// smallest is unpredictable, so branches here would mispredict about half the time.
#[inline(always)]
fn min_of_4(c: &[Entry; ARITY]) -> usize {
    let (k0, k1, k2, k3) = (c[0].key(), c[1].key(), c[2].key(), c[3].key());
    let (i01, k01) = if k1 < k0 { (1, k1) } else { (0, k0) };
    let (i23, k23) = if k3 < k2 { (3, k3) } else { (2, k2) };
    if k23 < k01 { i23 } else { i01 }
}

/// Index of the smallest of a few entries (a partial last node).
fn min_of_n(c: &[Entry]) -> usize {
    let mut best = 0;
    for (i, e) in c.iter().enumerate().skip(1) {
        if e.key() < c[best].key() {
            best = i;
        }
    }
    best
}

/// Checks the heap order (tests).
#[cfg(test)]
pub(super) fn check(h: &SmallHeap) {
    for i in 1..h.v.len() {
        assert!(h.v[(i - 1) / ARITY].key() < h.v[i].key(), "heap order at {i}");
    }
    assert!(h.v.iter().all(|e| e.seq < h.next_seq));
}
