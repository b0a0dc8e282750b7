//! The pending-event set: a priority queue keyed by `(time, sequence)` with cancellation.
//!
//! Layout, and why:
//!
//! * Events live in a **slab** (`slots`) of reusable slots; freed slots go on a free list, so a
//!   queue whose size is steady (the usual case in a simulation) allocates nothing per event.
//! * The ordering lives in a separate **multi-level radix heap** ([`radix`]) of 16-byte `Copy`
//!   entries `(time, slot)`, which relies on simulated time never going back: nothing is pushed
//!   before the last popped event. Its buckets are kept in push order, which gives first-in,
//!   first-out among equal times without storing a sequence number. Up to 32 pending entries it
//!   keeps them in a 4-ary heap instead ([`heap`], the previous design for all sizes), which
//!   is faster when everything fits in a few cache lines.
//! * Chosen by measurement on the hold model (`examples/hold_ratio.rs`: the same random stream
//!   for the queue and a bare `std` `BinaryHeap<Reverse<(u64, u64)>>`, timed in alternating
//!   rounds; speed relative to the `BinaryHeap`, best rounds, 2 shared cores): at 10 / 1 000 /
//!   100 000 / 1 000 000 pending events this queue is 1.07 / 1.56 / 1.9-2.5 / 6.7-7.9x; the
//!   4-ary heap alone was 0.93x at 100 000 (about 1.06x at 10). The radix heap's moves are sequential
//!   appends; a heap's sifts at a million entries are cache misses at every level. Tried and
//!   lost: one radix bucket per bit (0.64x at 10, 1.04x at 1 000), a sorted array instead of
//!   the small heap (0.82x the 4-ary heap at 10).
//! * **Cancellation is lazy**: `cancel` takes the event out of its slot but leaves the entry
//!   behind; an entry whose slot is empty is skipped when it comes out. A slot is freed only when
//!   its entry leaves the radix heap, so an entry always refers to its own event (no check of
//!   which event now occupies the slot is needed, and slots stay small). The entries are
//!   compacted if stale ones ever outnumber the live ones, so memory stays bounded.
//! * An [`EventKey`] names the slot plus a 64-bit id that is never reused (not even across
//!   [`EventQueue::clear`]), so a key can never match a later event that reuses its slot.

mod heap;
mod radix;

use std::fmt;

use super::time::SimTime;
use radix::{Entry, RadixHeap};

/// Stale (cancelled) entries tolerated before compaction is even considered; below this a
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

/// A storage slot: the event (`None` once popped or cancelled) and its id, which keys must match.
/// 16 bytes for a small payload.
#[derive(Debug)]
struct Slot<E> {
    id: u64,
    event: Option<E>,
}

/// A priority queue of pending events of type `E`, for a clock that never goes back.
///
/// **Ordering contract**: events come out in increasing `(time, sequence)` order, where
/// `sequence` is the order of the [`push`](Self::push) calls. Events pushed for the same time
/// therefore come out first-in, first-out, which makes a run fully deterministic given the order
/// of pushes. Cancelled events never come out.
///
/// **Monotone time**: an event may not be pushed before the time of the last popped one (as in a
/// simulation, where nothing is scheduled in the past); [`push`](Self::push) panics otherwise.
///
/// `push` is `O(1)`; `pop` is `O(1)` amortised plus at most 64 moves of each entry over its life
/// (in practice far fewer: about the number of bits in the span of pending times); `cancel` is
/// `O(1)` amortised. Storage is reused, so a queue of steady size stops allocating.
///
/// # Example
///
/// ```
/// use outage_sim::engine::{EventQueue, SimTime};
///
/// let mut q = EventQueue::new();
/// q.push(SimTime(5), "b");
/// let key = q.push(SimTime(3), "cancelled");
/// q.push(SimTime(5), "c");
/// q.push(SimTime(1), "a");
/// assert_eq!(q.cancel(key), Some("cancelled"));
/// assert_eq!(q.pop(), Some((SimTime(1), "a")));
/// q.push(SimTime(5), "d"); // same time: after the earlier pushes
/// assert_eq!(q.pop_at_or_before(SimTime(4)), None);
/// let rest: Vec<_> = std::iter::from_fn(|| q.pop()).map(|(_, e)| e).collect();
/// assert_eq!(rest, ["b", "c", "d"]);
/// ```
pub struct EventQueue<E> {
    /// The ordering; may contain stale entries of cancelled events.
    order: RadixHeap,
    slots: Vec<Slot<E>>,
    /// Indices of free slots (no entry refers to them), used as a stack: the most recently freed
    /// slot is hot in cache.
    free: Vec<u32>,
    /// Number of stale entries (cancelled events not yet removed from `order`).
    stale: usize,
    /// Pushes may not be before this: the time of the last popped event, or later after
    /// `pop_at_or_before` skipped cancelled entries up to its limit. Never behind the radix heap's
    /// base, so checking it is enough.
    floor: u64,
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

    /// An empty queue with room for `n` pending events before its slab reallocates (the radix
    /// heap's buckets grow as the times spread over them).
    pub fn with_capacity(n: usize) -> Self {
        EventQueue {
            order: RadixHeap::new(),
            slots: Vec::with_capacity(n),
            free: Vec::with_capacity(n),
            stale: 0,
            floor: 0,
            next_id: 0,
        }
    }

    /// Number of pending (not yet popped, not cancelled) events.
    pub fn len(&self) -> usize {
        self.order.len() - self.stale
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every pending event but keeps the allocations, so the queue can be reused (e.g. for
    /// the next replication); time starts again from zero. Keys issued before the clear stay
    /// harmless: ids keep counting, so they never match a new event.
    pub fn clear(&mut self) {
        self.order.clear();
        self.slots.clear();
        self.free.clear();
        self.stale = 0;
        self.floor = 0;
    }

    /// Schedules `event` at `time` and returns a key that can cancel it.
    ///
    /// # Panics
    /// If `time` is before the last popped event (or, after
    /// [`pop_at_or_before`](Self::pop_at_or_before) returned `None`, before its `limit`), or if
    /// more than `u32::MAX` events (pending or cancelled but not yet discarded) are stored at
    /// once.
    #[inline]
    pub fn push(&mut self, time: SimTime, event: E) -> EventKey {
        assert!(
            time.0 >= self.floor,
            "event pushed at {time}, before the last popped event"
        );
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
        self.order.push(Entry::new(time.0, slot));
        EventKey { slot, id }
    }

    /// Removes and returns the earliest pending event (ties: the one pushed first).
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_at_or_before(SimTime::NEVER)
    }

    /// Removes and returns the earliest pending event if it is due at or before `limit` (a
    /// simulation's horizon). If it returns `None`, later pushes must not be before `limit`
    /// (cancelled entries up to `limit` may have been discarded, moving the queue's clock).
    #[inline]
    pub fn pop_at_or_before(&mut self, limit: SimTime) -> Option<(SimTime, E)> {
        loop {
            let Some(top) = self.order.pop_at_or_before(limit.0) else {
                if self.order.len() == 0 {
                    // Nothing left to order: only the last popped event binds pushes.
                    self.order.rebase(self.floor);
                } else {
                    self.floor = self.floor.max(self.order.base());
                }
                return None;
            };
            // The entry has left the heap, so its slot is free whether or not the event was
            // cancelled.
            self.free.push(top.slot);
            match self.slots[top.slot as usize].event.take() {
                Some(event) => {
                    self.floor = top.time;
                    return Some((SimTime(top.time), event));
                }
                None => self.stale -= 1,
            }
        }
    }

    /// The time of the earliest pending event. Unlike popping, this does not move the queue's
    /// clock: events may still be pushed before the time it returns.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        loop {
            let slots = &self.slots;
            let live = |e: &&Entry| slots[e.slot as usize].event.is_some();
            let lowest = self.order.lowest_bucket()?;
            if let Some(t) = lowest.iter().filter(live).map(|e| e.time).min() {
                return Some(SimTime(t));
            }
            // Only stale entries there: discard them (the base need not move for that).
            let (free, stale) = (&mut self.free, &mut self.stale);
            self.order.drop_lowest_bucket(|e| {
                free.push(e.slot);
                *stale -= 1;
            });
        }
    }

    /// Cancels the event behind `key`, returning it if it was still pending. Cancelling an event
    /// that already fired or was already cancelled returns `None` and changes nothing.
    pub fn cancel(&mut self, key: EventKey) -> Option<E> {
        let slot = self.slots.get_mut(key.slot as usize)?;
        if slot.id != key.id {
            return None; // the slot has been reused since
        }
        let event = slot.event.take()?;
        // The entry stays behind, stale, until it comes out or the entries are compacted; only
        // then is the slot freed.
        self.stale += 1;
        if self.stale >= COMPACT_MIN_STALE && self.stale > self.order.len() / 2 {
            self.compact();
        }
        Some(event)
    }

    /// Drops all stale entries and frees their slots: `O(n)`, done only once stale entries are at
    /// least half of all entries, so amortised `O(1)` per cancel.
    fn compact(&mut self) {
        let (slots, free) = (&self.slots, &mut self.free);
        self.order.retain(|e| {
            let live = slots[e.slot as usize].event.is_some();
            if !live {
                free.push(e.slot);
            }
            live
        });
        self.stale = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Checks the internal bookkeeping: every slot is either free or owned by exactly one entry,
    /// `stale` counts the entries whose event is gone, and the radix heap is consistent and no
    /// later than the last popped event.
    fn check_invariants<E>(q: &EventQueue<E>) {
        q.order.check();
        let mut owner = vec![0u8; q.slots.len()];
        for e in q.order.iter() {
            owner[e.slot as usize] += 1;
        }
        for &f in &q.free {
            owner[f as usize] += 1;
            assert!(q.slots[f as usize].event.is_none(), "free slot {f} holds an event");
        }
        assert!(owner.iter().all(|&n| n == 1), "slot owners: {owner:?}");
        let stale = q
            .order
            .iter()
            .filter(|e| q.slots[e.slot as usize].event.is_none())
            .count();
        assert_eq!(q.stale, stale);
    }

    fn drain(q: &mut EventQueue<u32>) -> Vec<(u64, u32)> {
        std::iter::from_fn(|| q.pop()).map(|(t, e)| (t.0, e)).collect()
    }

    #[test]
    fn layout_is_compact() {
        assert_eq!(std::mem::size_of::<Entry>(), 16);
        assert_eq!(std::mem::size_of::<Slot<u32>>(), 16);
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
        check_invariants(&q);
        assert_eq!(q.pop(), Some((SimTime(3), 3)));
        assert_eq!((q.stale, q.order.len()), (0, 0));
    }

    #[test]
    fn peek_time_does_not_move_the_clock() {
        let mut q = EventQueue::new();
        q.push(SimTime(1_000), 1);
        let k = q.push(SimTime(10), 2);
        q.cancel(k);
        assert_eq!(q.peek_time(), Some(SimTime(1_000)));
        q.push(SimTime(3), 3); // nothing popped yet, so still allowed
        assert_eq!(drain(&mut q), [(3, 3), (1_000, 1)]);
    }

    #[test]
    #[should_panic(expected = "before the last popped event")]
    fn pushing_before_the_last_popped_event_panics() {
        let mut q = EventQueue::new();
        q.push(SimTime(10), 1);
        q.push(SimTime(20), 2);
        q.pop();
        q.push(SimTime(9), 3);
    }

    #[test]
    fn skipping_cancelled_events_does_not_move_the_clock_of_an_emptied_queue() {
        let mut q = EventQueue::new();
        q.push(SimTime(5), 1);
        assert_eq!(q.pop(), Some((SimTime(5), 1)));
        let k = q.push(SimTime(50), 2);
        q.cancel(k);
        assert_eq!(q.pop(), None, "the cancelled event is skipped");
        // Only the pop at 5 binds: 7 is still allowed.
        q.push(SimTime(7), 3);
        q.push(SimTime(5), 4);
        assert_eq!(drain(&mut q), [(5, 4), (7, 3)]);
    }

    #[test]
    fn pop_at_or_before_stops_at_the_limit() {
        let mut q = EventQueue::new();
        for (i, t) in [30, 10, 20, 40, 20].into_iter().enumerate() {
            q.push(SimTime(t), i as u32);
        }
        let k = q.push(SimTime(25), 9);
        q.cancel(k);
        assert_eq!(q.pop_at_or_before(SimTime(20)), Some((SimTime(10), 1)));
        assert_eq!(q.pop_at_or_before(SimTime(20)), Some((SimTime(20), 2)));
        assert_eq!(q.pop_at_or_before(SimTime(20)), Some((SimTime(20), 4)));
        assert_eq!(q.pop_at_or_before(SimTime(20)), None);
        assert_eq!(q.pop_at_or_before(SimTime(29)), None, "only a cancelled event is due");
        assert_eq!(q.len(), 2);
        q.push(SimTime(29), 5); // at the limit of the last call: allowed
        check_invariants(&q);
        assert_eq!(drain(&mut q), [(29, 5), (30, 0), (40, 3)]);
    }

    #[test]
    fn clear_keeps_allocations_and_old_keys_stay_harmless() {
        let mut q = EventQueue::with_capacity(4);
        let keys: Vec<_> = (0..100).map(|i| q.push(SimTime(i), i as u32)).collect();
        let caps = (q.order.capacity(), q.slots.capacity());
        q.clear();
        assert!(q.is_empty());
        assert_eq!((q.order.capacity(), q.slots.capacity()), caps);
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
        // Returns how many of the operations grew the radix heap's buckets.
        let hold = |q: &mut EventQueue<u32>, rounds| {
            let mut growths = 0;
            for _ in 0..rounds {
                let before = q.order.capacity();
                let (t, e) = q.pop().unwrap();
                let k = q.push(SimTime(t.0 + 500), e);
                if e % 3 == 0 {
                    let e = q.cancel(k).unwrap();
                    q.push(SimTime(t.0 + 700), e);
                }
                growths += usize::from(q.order.capacity() != before);
            }
            growths
        };
        // Warm up until storage has grown to its working size...
        hold(&mut q, 10_000);
        let caps = (q.slots.capacity(), q.free.capacity());
        let order_cap = q.order.capacity();
        // ...after which the slab never grows again...
        let growths = hold(&mut q, 100_000);
        assert_eq!(q.len(), 1000);
        assert_eq!((q.slots.capacity(), q.free.capacity()), caps);
        // ...and the buckets only rarely: a bucket is first used when the pending times straddle
        // a multiple of a higher power of two than before.
        assert!(growths <= radix::BUCKETS, "{growths} operations allocated");
        assert!(
            q.order.capacity() <= 16 * order_cap,
            "bucket capacity {order_cap} -> {}",
            q.order.capacity()
        );
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
        assert!(
            q.order.len() <= 2 * q.len() + COMPACT_MIN_STALE,
            "entries {}",
            q.order.len()
        );
        check_invariants(&q);
        let expected: Vec<_> = (9_990..10_000u32)
            .rev()
            .map(|i| (1_000_000 - u64::from(i), i))
            .collect();
        assert_eq!(drain(&mut q), expected);
    }

    #[test]
    fn ties_stay_fifo_through_redistribution_and_compaction() {
        let mut q = EventQueue::new();
        let keys: Vec<_> = (0..60u32)
            .map(|i| q.push(SimTime(u64::from(i % 3) * 1000), i))
            .collect();
        // Popping the first event spreads the rest over lower buckets.
        assert_eq!(q.pop(), Some((SimTime(0), 0)));
        // Pushed at times already pending: they go after the earlier pushes.
        q.push(SimTime(1000), 100);
        q.push(SimTime(0), 101);
        // Enough cancellations to compact.
        for &k in keys.iter().skip(3).step_by(2) {
            q.cancel(k);
        }
        check_invariants(&q);
        let mut expected: Vec<_> = (1..60)
            .filter(|&i| i < 3 || i % 2 == 0)
            .map(|i| (u64::from(i % 3) * 1000, i))
            .chain([(1000, 100), (0, 101)])
            .collect();
        expected.sort_by_key(|&(t, _)| t); // stable: push order within a time
        assert_eq!(drain(&mut q), expected);
    }

    /// One operation of the property test.
    #[derive(Clone, Debug)]
    enum Op {
        /// Push this long after the last popped event (or the last limit that popped nothing).
        Push(u64),
        Pop,
        /// Pop if due within this long after the last popped event.
        PopWithin(u64),
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
            1 => (0u64..12).prop_map(Op::PopWithin),
            1 => Just(Op::Peek),
            3 => any::<usize>().prop_map(Op::Cancel),
            1 => (0..20).prop_map(|x| if x == 0 { Op::Clear } else { Op::Peek }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The queue behaves exactly like a naive model: a list of pending `(time, push index)`
        /// searched for its minimum, with pushes never before the model's clock.
        #[test]
        fn matches_reference_model(ops in prop::collection::vec(op(), 0..400)) {
            let mut q = EventQueue::new();
            // The model: pending (time, push index); the payload is the push index.
            let mut model: Vec<(u64, u32)> = Vec::new();
            let mut keys: Vec<EventKey> = Vec::new();
            // Pushes may not be earlier than this.
            let mut now = 0u64;
            for op in ops {
                match op {
                    Op::Push(delay) => {
                        let id = keys.len() as u32;
                        let t = now.saturating_add(delay);
                        keys.push(q.push(SimTime(t), id));
                        model.push((t, id));
                    }
                    Op::Pop | Op::PopWithin(_) => {
                        let limit = match op {
                            Op::PopWithin(d) => now.saturating_add(d),
                            _ => u64::MAX,
                        };
                        let first = model.iter().enumerate().min_by_key(|&(_, &te)| te).map(|(i, _)| i);
                        let first = first.filter(|&i| model[i].0 <= limit);
                        let expected = first.map(|i| model.remove(i));
                        prop_assert_eq!(q.pop_at_or_before(SimTime(limit)).map(|(t, e)| (t.0, e)), expected);
                        match expected {
                            Some((t, _)) => now = t,
                            // Only a bounded pop that found nothing moves the clock.
                            None if limit < u64::MAX => now = limit,
                            None => {}
                        }
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
                        now = 0;
                    }
                }
                prop_assert_eq!(q.len(), model.len());
                prop_assert_eq!(q.is_empty(), model.is_empty());
                prop_assert!(q.floor <= now, "a push the contract allows would panic");
                prop_assert!(q.order.base() <= q.floor);
                check_invariants(&q);
            }
            let mut rest = model;
            rest.sort();
            prop_assert_eq!(drain(&mut q), rest);
        }
    }
}
