//! The pending-event set: a priority queue keyed by `(time, sequence)` with cancellation.
//!
//! Layout, and why:
//!
//! * Events live in a **slab** (`slots`) of reusable slots; freed slots go on a free list, so a
//!   queue whose size is steady (the usual case in a simulation) allocates nothing per event.
//! * The ordering lives in a separate **implicit 4-ary min-heap** of 16-byte `Copy` entries
//!   `(time, seq, slot)`. Sifting moves only these entries, never the payload. A 4-ary heap is
//!   half as deep as a binary one, and the four children of a node are 64 contiguous bytes, about
//!   one cache line; with a branch-free choice of the smallest child it beats `std`'s
//!   `BinaryHeap` on the hold model (see `benches/hold.rs`).
//! * To fit in 16 bytes an entry carries a 32-bit sequence number next to its 32-bit slot index.
//!   Before that counter would overflow, the entries are renumbered `0..len` in order (a sorted
//!   array is a valid heap), which keeps the ordering exact at a cost of `O(n log n)` once every
//!   ~4 billion pushes.
//! * **Cancellation is lazy**: `cancel` takes the event out of its slot but leaves the heap entry
//!   behind; an entry whose slot is empty is skipped when it reaches the top. A slot is freed only
//!   when its entry leaves the heap, so an entry always refers to its own event (no check of
//!   which event now occupies the slot is needed, and slots stay small). The heap is compacted if
//!   stale entries ever outnumber the live ones, so memory stays bounded.
//! * An [`EventKey`] names the slot plus a 64-bit id that is never reused (not even across
//!   [`EventQueue::clear`]), so a key can never match a later event that reuses its slot.

use std::fmt;

use super::time::SimTime;

/// Children per heap node, chosen by measurement on the hold model (`benches/hold.rs`): with 2
/// the queue was 0.8-1.0x `std`'s `BinaryHeap`; 8 was ~12% faster than 4 with 10 pending events
/// but ~8% slower with 1 000; 4 is the best all-round.
const ARITY: usize = 4;

/// Stale (cancelled) heap entries tolerated before compaction is even considered; below this a
/// rebuild is not worth its cost. Tests use a tiny value so that compaction happens often.
const COMPACT_MIN_STALE: usize = if cfg!(test) { 4 } else { 64 };

/// A handle to a scheduled event, used to cancel it.
///
/// Keys stay valid-but-harmless forever: cancelling a key whose event has already been popped or
/// cancelled returns `None`, even if the slot it pointed to now holds another event.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventKey {
    slot: u32,
    id: u64,
}

impl fmt::Debug for EventKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventKey(#{}@{})", self.id, self.slot)
    }
}

/// One heap entry. `order` packs the 32-bit sequence number (high half) above the slot index (low
/// half), so `(time, order)` compares exactly like `(time, seq)`: sequence numbers of entries in
/// the heap are unique, so the slot bits never decide.
#[derive(Clone, Copy, Debug)]
struct Entry {
    time: u64,
    order: u64,
}

impl Entry {
    fn new(time: u64, seq: u32, slot: u32) -> Self {
        Entry {
            time,
            order: (u64::from(seq) << 32) | u64::from(slot),
        }
    }

    /// `(time, seq)` as one integer: a single wide comparison compiles to `cmp`/`sbb` without a
    /// second branch for ties.
    #[inline(always)]
    fn key(&self) -> u128 {
        (u128::from(self.time) << 64) | u128::from(self.order)
    }

    #[inline(always)]
    fn slot(&self) -> usize {
        self.order as u32 as usize
    }
}

/// A storage slot: the event (`None` once popped or cancelled) and its id, which keys must match.
/// 16 bytes for a small payload.
#[derive(Debug)]
struct Slot<E> {
    id: u64,
    event: Option<E>,
}

/// A priority queue of pending events of type `E`.
///
/// **Ordering contract**: events come out in increasing `(time, sequence)` order, where
/// `sequence` is the order of the [`push`](Self::push) calls. Events pushed for the same time
/// therefore come out first-in, first-out, which makes a run fully deterministic given the order
/// of pushes. Cancelled events never come out.
///
/// `push` and `pop` are `O(log n)`, `cancel` is `O(1)` amortised; storage is reused, so a queue of
/// steady size does not allocate.
pub struct EventQueue<E> {
    /// The ordering; may contain stale entries of cancelled events.
    heap: Heap,
    slots: Vec<Slot<E>>,
    /// Indices of free slots (no heap entry refers to them), used as a stack: the most recently
    /// freed slot is hot in cache.
    free: Vec<u32>,
    /// Number of stale heap entries (cancelled events not yet removed from `heap`).
    stale: usize,
    /// Sequence number of the next push; entries are renumbered when it reaches `seq_limit`.
    next_seq: u32,
    seq_limit: u32,
    /// Id of the next push; never reset.
    next_id: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> fmt::Debug for EventQueue<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventQueue")
            .field("len", &self.len())
            .field("stale", &self.stale)
            .field("next_id", &self.next_id)
            .finish_non_exhaustive()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty queue with room for `n` pending events before it reallocates.
    pub fn with_capacity(n: usize) -> Self {
        EventQueue {
            heap: Heap::with_capacity(n),
            slots: Vec::with_capacity(n),
            free: Vec::with_capacity(n),
            stale: 0,
            next_seq: 0,
            seq_limit: u32::MAX,
            next_id: 0,
        }
    }

    /// Number of pending (not yet popped, not cancelled) events.
    pub fn len(&self) -> usize {
        self.heap.len() - self.stale
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every pending event but keeps the allocations, so the queue can be reused (e.g. for
    /// the next replication). Keys issued before the clear stay harmless: ids keep counting, so
    /// they never match a new event.
    pub fn clear(&mut self) {
        self.heap.clear();
        self.slots.clear();
        self.free.clear();
        self.stale = 0;
        self.next_seq = 0;
    }

    /// Schedules `event` at `time` and returns a key that can cancel it.
    ///
    /// # Panics
    /// If more than `u32::MAX` events (pending or cancelled but not yet discarded) are stored at
    /// once.
    pub fn push(&mut self, time: SimTime, event: E) -> EventKey {
        if self.next_seq >= self.seq_limit {
            self.renumber();
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let id = self.next_id;
        self.next_id += 1;
        let new = Slot { id, event: Some(event) };
        let slot = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = new;
                i
            }
            None => {
                let i = u32::try_from(self.slots.len()).expect("more than u32::MAX pending events");
                self.slots.push(new);
                i
            }
        };
        self.heap.push(Entry::new(time.0, seq, slot));
        EventKey { slot, id }
    }

    /// Removes and returns the earliest pending event (ties: the one pushed first).
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        loop {
            let top = self.heap.pop()?;
            // The entry has left the heap, so its slot is free whether or not the event was
            // cancelled.
            self.free.push(top.slot() as u32);
            match self.slots[top.slot()].event.take() {
                Some(event) => return Some((SimTime(top.time), event)),
                None => self.stale -= 1,
            }
        }
    }

    /// The time of the earliest pending event, discarding cancelled entries at the head.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        while let Some(top) = self.heap.peek() {
            if self.slots[top.slot()].event.is_some() {
                return Some(SimTime(top.time));
            }
            self.heap.pop();
            self.free.push(top.slot() as u32);
            self.stale -= 1;
        }
        None
    }

    /// Cancels the event behind `key`, returning it if it was still pending. Cancelling an event
    /// that already fired or was already cancelled returns `None` and changes nothing.
    pub fn cancel(&mut self, key: EventKey) -> Option<E> {
        let slot = self.slots.get_mut(key.slot as usize)?;
        if slot.id != key.id {
            return None; // the slot has been reused since
        }
        let event = slot.event.take()?;
        // The heap entry stays behind, stale, until it reaches the top or the heap is compacted;
        // only then is the slot freed.
        self.stale += 1;
        if self.stale >= COMPACT_MIN_STALE && self.stale > self.heap.len() / 2 {
            self.compact();
        }
        Some(event)
    }

    /// Drops all stale entries and frees their slots: `O(n)`, done only once stale entries are at
    /// least half the heap, so amortised `O(1)` per cancel.
    fn compact(&mut self) {
        let (slots, free) = (&self.slots, &mut self.free);
        self.heap.retain(|e| {
            let live = slots[e.slot()].event.is_some();
            if !live {
                free.push(e.slot() as u32);
            }
            live
        });
        self.stale = 0;
    }

    /// Gives the entries sequence numbers `0..len` in their current order, so the 32-bit counter
    /// can go on.
    #[cold]
    fn renumber(&mut self) {
        self.compact();
        let mut seq = 0;
        self.heap.renumber(|e| {
            *e = Entry::new(e.time, seq, e.slot() as u32);
            seq += 1; // fewer than 2^32 entries: slot indices are u32
        });
        self.next_seq = seq;
    }
}

/// An implicit 4-ary min-heap of entries by [`Entry::key`]: the root is at 0, the children of
/// `i` at `4i + 1 ..= 4i + 4`, so the four children are 64 contiguous bytes.
///
/// (Padding the storage so that each group of four children starts a cache line was measured
/// too, and was no faster.)
struct Heap {
    v: Vec<Entry>,
}

impl Heap {
    fn with_capacity(n: usize) -> Self {
        Heap {
            v: Vec::with_capacity(n),
        }
    }

    fn len(&self) -> usize {
        self.v.len()
    }

    fn clear(&mut self) {
        self.v.clear();
    }

    fn peek(&self) -> Option<Entry> {
        self.v.first().copied()
    }

    #[inline]
    fn push(&mut self, e: Entry) {
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
    fn pop(&mut self) -> Option<Entry> {
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
                // The last, partial node.
                first + min_of_n(&heap[first..])
            } else {
                break;
            };
            heap[pos] = heap[best];
            pos = best;
        }
        sift_up(heap, pos, last);
        Some(top)
    }

    /// Keeps only the entries for which `keep` is true and restores the heap property: `O(n)`.
    fn retain(&mut self, keep: impl FnMut(&Entry) -> bool) {
        self.v.retain(keep);
        // Floyd's heap construction: sift down every internal node, last first.
        let n = self.v.len();
        if n > 1 {
            for i in (0..=(n - 2) / ARITY).rev() {
                sift_down(&mut self.v, i);
            }
        }
    }

    /// Sorts the entries, then lets `f` rewrite each in that order; `f` must keep the order (a
    /// sorted sequence is a valid heap).
    fn renumber(&mut self, f: impl FnMut(&mut Entry)) {
        self.v.sort_unstable_by_key(Entry::key);
        self.v.iter_mut().for_each(f);
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Checks the internal bookkeeping: every slot is either free or owned by exactly one heap
    /// entry, `stale` counts the entries whose event is gone, and the heap is ordered.
    fn check_invariants<E>(q: &EventQueue<E>) {
        let heap = &q.heap.v;
        let mut owner = vec![0u8; q.slots.len()];
        for e in heap {
            owner[e.slot()] += 1;
        }
        for &f in &q.free {
            owner[f as usize] += 1;
            assert!(q.slots[f as usize].event.is_none(), "free slot {f} holds an event");
        }
        assert!(owner.iter().all(|&n| n == 1), "slot owners: {owner:?}");
        let stale = heap.iter().filter(|e| q.slots[e.slot()].event.is_none()).count();
        assert_eq!(q.stale, stale);
        for i in 1..heap.len() {
            assert!(heap[(i - 1) / ARITY].key() < heap[i].key(), "heap order at {i}");
        }
    }

    fn drain(q: &mut EventQueue<u32>) -> Vec<(u64, u32)> {
        std::iter::from_fn(|| q.pop()).map(|(t, e)| (t.0, e)).collect()
    }

    #[test]
    fn layout_is_compact() {
        assert_eq!(std::mem::size_of::<Entry>(), 16);
        assert!(std::mem::size_of::<EventKey>() <= 16);
    }

    #[test]
    fn pops_in_time_order_with_fifo_ties() {
        let mut q = EventQueue::new();
        for (i, t) in [5, 3, 5, 1, 3, 5, 0, 9].into_iter().enumerate() {
            q.push(SimTime(t), i as u32);
        }
        assert_eq!(q.len(), 8);
        assert_eq!(q.peek_time(), Some(SimTime(0)));
        assert_eq!(
            drain(&mut q),
            [(0, 6), (1, 3), (3, 1), (3, 4), (5, 0), (5, 2), (5, 5), (9, 7)]
        );
        assert!(q.is_empty());
        assert_eq!(q.pop(), None);
        assert_eq!(q.peek_time(), None);
    }

    #[test]
    fn many_equal_times_stay_fifo() {
        // Enough entries for several heap levels, all tied on time.
        let mut q = EventQueue::new();
        for i in 0..500 {
            q.push(SimTime(7), i);
        }
        assert_eq!(drain(&mut q), (0..500).map(|i| (7, i)).collect::<Vec<_>>());
    }

    #[test]
    fn cancel_returns_the_event_exactly_once() {
        let mut q = EventQueue::new();
        let a = q.push(SimTime(1), 10);
        let b = q.push(SimTime(2), 20);
        let c = q.push(SimTime(3), 30);
        assert_eq!(q.cancel(b), Some(20));
        assert_eq!(q.cancel(b), None);
        assert_eq!(q.len(), 2);
        assert_eq!(q.pop(), Some((SimTime(1), 10)));
        assert_eq!(q.cancel(a), None, "already fired");
        assert_eq!(q.cancel(c), Some(30));
        assert_eq!(q.len(), 0);
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn stale_key_does_not_cancel_the_slots_next_event() {
        let mut q = EventQueue::new();
        let old = q.push(SimTime(1), 1);
        assert_eq!(q.pop(), Some((SimTime(1), 1)));
        let new = q.push(SimTime(2), 2); // reuses the freed slot
        assert_eq!(old.slot, new.slot);
        assert_eq!(q.cancel(old), None);
        let cancelled = q.push(SimTime(3), 3);
        assert_eq!(q.cancel(cancelled), Some(3));
        // The cancelled event's slot stays reserved while its stale entry is in the heap, so the
        // stale entry cannot deliver another event...
        let later = q.push(SimTime(10), 4);
        assert_ne!(later.slot, cancelled.slot);
        assert_eq!(q.pop(), Some((SimTime(2), 2)));
        assert_eq!(q.pop(), Some((SimTime(10), 4)));
        // ...and once the stale entry is gone the slot is reused, and the old keys still miss.
        let reused: Vec<_> = (5..8).map(|i| q.push(SimTime(20), i)).collect();
        assert!(reused.iter().any(|k| k.slot == cancelled.slot));
        for k in [old, new, cancelled, later] {
            assert_eq!(q.cancel(k), None);
        }
        assert_eq!(drain(&mut q), [(20, 5), (20, 6), (20, 7)]);
    }

    #[test]
    fn peek_time_skips_cancelled_head() {
        let mut q = EventQueue::new();
        let a = q.push(SimTime(1), 1);
        let b = q.push(SimTime(2), 2);
        q.push(SimTime(3), 3);
        q.cancel(a);
        q.cancel(b);
        assert_eq!(q.len(), 1);
        assert_eq!(q.peek_time(), Some(SimTime(3)));
        assert_eq!(q.stale, 0, "stale head entries were discarded");
    }

    #[test]
    fn clear_keeps_allocations_and_old_keys_stay_harmless() {
        let mut q = EventQueue::with_capacity(4);
        let keys: Vec<_> = (0..100).map(|i| q.push(SimTime(i), i as u32)).collect();
        let caps = (q.heap.v.capacity(), q.slots.capacity());
        q.clear();
        assert!(q.is_empty());
        assert_eq!((q.heap.v.capacity(), q.slots.capacity()), caps);
        let fresh = q.push(SimTime(5), 999);
        assert_eq!(fresh.slot, keys[0].slot);
        for k in keys {
            assert_eq!(q.cancel(k), None);
        }
        assert_eq!(drain(&mut q), [(5, 999)]);
    }

    #[test]
    fn steady_state_does_not_allocate() {
        let mut q = EventQueue::new();
        for i in 0..1000 {
            q.push(SimTime(i * 7 % 1000), i as u32);
        }
        // Hold operations; some events are cancelled and replaced, as models do, so stale
        // entries come and go.
        let hold = |q: &mut EventQueue<u32>, rounds| {
            for _ in 0..rounds {
                let (t, e) = q.pop().unwrap();
                let k = q.push(SimTime(t.0 + 500), e);
                if e % 3 == 0 {
                    let e = q.cancel(k).unwrap();
                    q.push(SimTime(t.0 + 700), e);
                }
            }
        };
        // Warm up until storage has grown to its working size...
        hold(&mut q, 10_000);
        let caps = (q.heap.v.capacity(), q.slots.capacity(), q.free.capacity());
        // ...after which it never grows again.
        hold(&mut q, 100_000);
        assert_eq!(q.len(), 1000);
        assert_eq!((q.heap.v.capacity(), q.slots.capacity(), q.free.capacity()), caps);
        check_invariants(&q);
        // Slots are reused: at most one per live or stale entry.
        assert!(q.slots.len() <= 2 * 1000 + COMPACT_MIN_STALE, "{} slots", q.slots.len());
    }

    #[test]
    fn compaction_bounds_stale_entries() {
        let mut q = EventQueue::new();
        let keys: Vec<_> = (0..10_000u32)
            .map(|i| q.push(SimTime(1_000_000 - u64::from(i)), i))
            .collect();
        for &k in &keys[..9_990] {
            assert!(q.cancel(k).is_some());
        }
        assert_eq!(q.len(), 10);
        assert!(q.heap.len() <= 2 * q.len() + COMPACT_MIN_STALE, "heap {}", q.heap.len());
        check_invariants(&q);
        let expected: Vec<_> = (9_990..10_000u32)
            .rev()
            .map(|i| (1_000_000 - u64::from(i), i))
            .collect();
        assert_eq!(drain(&mut q), expected);
    }

    #[test]
    fn renumbering_keeps_order_and_keys() {
        let mut q = EventQueue::new();
        q.seq_limit = 4;
        let keys: Vec<_> = (0..50u32).map(|i| q.push(SimTime(u64::from(i % 3)), i)).collect();
        assert_eq!(q.next_seq, 50, "renumbered on every push past the limit");
        assert_eq!(q.cancel(keys[4]), Some(4));
        assert_eq!(q.cancel(keys[4]), None);
        let mut expected: Vec<_> = (0..50).filter(|&i| i != 4).map(|i| (u64::from(i % 3), i)).collect();
        expected.sort_by_key(|&(t, i)| (t, i));
        assert_eq!(drain(&mut q), expected);
    }

    /// One operation of the property test.
    #[derive(Clone, Debug)]
    enum Op {
        Push(u64),
        Pop,
        Peek,
        /// Cancel the key issued by the push with this index (mod pushes so far).
        Cancel(usize),
        Clear,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            // Few distinct times, so ties are common.
            4 => (0u64..12).prop_map(Op::Push),
            1 => any::<u64>().prop_map(Op::Push),
            3 => Just(Op::Pop),
            1 => Just(Op::Peek),
            3 => any::<usize>().prop_map(Op::Cancel),
            1 => (0..20).prop_map(|x| if x == 0 { Op::Clear } else { Op::Peek }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The queue behaves exactly like a naive model: a list of pending `(time, push index)`
        /// searched for its minimum. Small sequence limits force frequent renumbering.
        #[test]
        fn matches_reference_model(
            ops in prop::collection::vec(op(), 0..400),
            seq_limit in prop_oneof![Just(u32::MAX), 1u32..16],
        ) {
            let mut q = EventQueue::new();
            q.seq_limit = seq_limit;
            // The model: pending (time, push index); the payload is the push index.
            let mut model: Vec<(u64, u32)> = Vec::new();
            let mut keys: Vec<EventKey> = Vec::new();
            for op in ops {
                match op {
                    Op::Push(t) => {
                        let id = keys.len() as u32;
                        keys.push(q.push(SimTime(t), id));
                        model.push((t, id));
                    }
                    Op::Pop => {
                        let first = model.iter().enumerate().min_by_key(|&(_, &te)| te).map(|(i, _)| i);
                        let expected = first.map(|i| model.remove(i));
                        prop_assert_eq!(q.pop().map(|(t, e)| (t.0, e)), expected);
                    }
                    Op::Peek => {
                        let expected = model.iter().map(|&(t, _)| t).min();
                        prop_assert_eq!(q.peek_time().map(|t| t.0), expected);
                    }
                    Op::Cancel(i) => {
                        if keys.is_empty() {
                            continue;
                        }
                        let id = (i % keys.len()) as u32;
                        let expected = model.iter().position(|&(_, e)| e == id).map(|p| model.remove(p).1);
                        prop_assert_eq!(q.cancel(keys[id as usize]), expected);
                    }
                    Op::Clear => {
                        q.clear();
                        model.clear();
                    }
                }
                prop_assert_eq!(q.len(), model.len());
                prop_assert_eq!(q.is_empty(), model.is_empty());
                check_invariants(&q);
            }
            let mut rest = model;
            rest.sort();
            prop_assert_eq!(drain(&mut q), rest);
        }
    }
}
