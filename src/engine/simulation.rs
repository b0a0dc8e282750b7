//! The simulation driver: a clock, a queue of pending events and a horizon.

use super::queue::{EventKey, EventQueue};
use super::time::{SimDuration, SimTime};

/// A discrete-event simulation over events of type `E`: the current time, the pending events and
/// the horizon at which the run stops.
///
/// The caller owns the loop: it takes events with [`next_event`](Self::next_event), which moves
/// the clock forward, and reacts by scheduling or cancelling further events. Events come out in
/// `(time, scheduling order)` order, see [`EventQueue`]. Nothing after the horizon is ever
/// delivered; events at exactly the horizon are.
///
/// # Example
///
/// ```
/// use outage_sim::engine::{SimDuration, SimTime, Simulation};
///
/// #[derive(Debug, PartialEq)]
/// enum Event {
///     Tick(u32),
/// }
///
/// let mut sim = Simulation::new(SimTime(10));
/// sim.schedule_at(SimTime(0), Event::Tick(0));
/// let mut seen = Vec::new();
/// while let Some((time, Event::Tick(n))) = sim.next_event() {
///     seen.push((time.ticks(), n));
///     // Ticks every 4 µs; the one due at 12 is past the horizon and silently dropped.
///     sim.schedule_in(SimDuration(4), Event::Tick(n + 1));
/// }
/// assert_eq!(seen, [(0, 0), (4, 1), (8, 2)]);
/// assert_eq!(sim.now(), SimTime(10)); // the run ends at the horizon
/// ```
#[derive(Debug)]
pub struct Simulation<E> {
    now: SimTime,
    horizon: SimTime,
    queue: EventQueue<E>,
}

impl<E> Simulation<E> {
    /// A simulation at time zero with no pending events, running until `horizon` (inclusive).
    pub fn new(horizon: SimTime) -> Self {
        Simulation {
            now: SimTime::ZERO,
            horizon,
            queue: EventQueue::new(),
        }
    }

    /// Starts over: time zero, no pending events, a new horizon. Allocations are kept, so one
    /// `Simulation` can run many replications without reallocating. Keys from before the reset
    /// become harmless (cancelling them returns `None`).
    pub fn reset(&mut self, horizon: SimTime) {
        self.queue.clear();
        self.now = SimTime::ZERO;
        self.horizon = horizon;
    }

    /// The current simulated time: that of the last event delivered (or the horizon once the run
    /// is over).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The last instant at which events are delivered.
    pub fn horizon(&self) -> SimTime {
        self.horizon
    }

    /// Number of pending events.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Schedules `event` at `time`. Returns `None`, dropping the event, if `time` is after the
    /// horizon: it could never be delivered.
    ///
    /// Scheduling in the past (`time < now`) is a logic error in the model: it panics in debug
    /// builds and is clamped to `now` in release builds.
    pub fn schedule_at(&mut self, time: SimTime, event: E) -> Option<EventKey> {
        debug_assert!(
            time >= self.now,
            "event scheduled in the past: at {time}, now is {}",
            self.now
        );
        let time = time.max(self.now);
        if time > self.horizon {
            return None;
        }
        Some(self.queue.push(time, event))
    }

    /// Schedules `event` after `delay` from now (saturating, so a huge delay simply lands past the
    /// horizon). Returns `None` if that is after the horizon.
    pub fn schedule_in(&mut self, delay: SimDuration, event: E) -> Option<EventKey> {
        self.schedule_at(self.now.saturating_add(delay), event)
    }

    /// Cancels a pending event, returning it; `None` if it already fired, was already cancelled,
    /// or was never scheduled because it fell past the horizon.
    pub fn cancel(&mut self, key: EventKey) -> Option<E> {
        self.queue.cancel(key)
    }

    /// Delivers the next event, advancing the clock to its time. Returns `None` once no event
    /// remains at or before the horizon; the clock then stands at the horizon.
    pub fn next_event(&mut self) -> Option<(SimTime, E)> {
        // One step, rather than peeking then popping: finding the earliest event in the radix
        // heap can take a scan, which should not be done twice.
        match self.queue.pop_at_or_before(self.horizon) {
            Some((time, event)) => {
                self.now = time;
                Some((time, event))
            }
            None => {
                self.now = self.horizon;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn delivers_in_order_and_advances_the_clock() {
        let mut sim = Simulation::new(SimTime(100));
        sim.schedule_at(SimTime(30), 'c');
        sim.schedule_at(SimTime(10), 'a');
        sim.schedule_at(SimTime(30), 'd');
        sim.schedule_in(SimDuration(20), 'b');
        assert_eq!(sim.pending(), 4);
        assert_eq!(sim.next_event(), Some((SimTime(10), 'a')));
        assert_eq!(sim.now(), SimTime(10));
        // Relative to the new now.
        sim.schedule_in(SimDuration(20), 'e');
        let rest: Vec<_> = std::iter::from_fn(|| sim.next_event()).collect();
        assert_eq!(
            rest,
            [
                (SimTime(20), 'b'),
                (SimTime(30), 'c'),
                (SimTime(30), 'd'),
                (SimTime(30), 'e')
            ]
        );
        assert_eq!(sim.now(), SimTime(100), "ends at the horizon");
        assert_eq!(sim.pending(), 0);
    }

    #[test]
    fn horizon_is_inclusive_and_later_events_are_dropped() {
        let mut sim = Simulation::new(SimTime(50));
        assert!(sim.schedule_at(SimTime(50), 1).is_some());
        assert_eq!(sim.schedule_at(SimTime(51), 2), None);
        assert_eq!(sim.schedule_in(SimDuration(51), 3), None);
        assert_eq!(
            sim.schedule_in(SimDuration(u64::MAX), 4),
            None,
            "saturates, then dropped"
        );
        assert_eq!(sim.pending(), 1);
        assert_eq!(sim.next_event(), Some((SimTime(50), 1)));
        assert_eq!(sim.next_event(), None);
        assert_eq!(sim.now(), SimTime(50));
        // The run is over but may be asked again.
        assert_eq!(sim.next_event(), None);
    }

    #[test]
    fn never_horizon_accepts_saturated_times() {
        let mut sim = Simulation::new(SimTime::NEVER);
        sim.schedule_at(SimTime(5), 0);
        assert_eq!(sim.next_event(), Some((SimTime(5), 0)));
        assert!(sim.schedule_in(SimDuration(u64::MAX), 1).is_some());
        assert_eq!(sim.next_event(), Some((SimTime::NEVER, 1)));
        assert_eq!(sim.next_event(), None);
    }

    #[test]
    fn cancel_removes_a_pending_event_once() {
        let mut sim = Simulation::new(SimTime(100));
        let k = sim.schedule_at(SimTime(10), "timeout").unwrap();
        sim.schedule_at(SimTime(20), "other");
        assert_eq!(sim.cancel(k), Some("timeout"));
        assert_eq!(sim.cancel(k), None);
        assert_eq!(sim.pending(), 1);
        assert_eq!(sim.next_event(), Some((SimTime(20), "other")));
    }

    #[test]
    fn reset_starts_over_and_invalidates_old_keys() {
        let mut sim = Simulation::new(SimTime(100));
        let k = sim.schedule_at(SimTime(10), 1).unwrap();
        sim.schedule_at(SimTime(20), 2);
        assert_eq!(sim.next_event(), Some((SimTime(10), 1)));
        sim.reset(SimTime(7));
        assert_eq!(
            (sim.now(), sim.horizon(), sim.pending()),
            (SimTime::ZERO, SimTime(7), 0)
        );
        let k2 = sim.schedule_at(SimTime(3), 3).unwrap();
        assert_eq!(sim.cancel(k), None);
        assert_ne!(k, k2);
        assert_eq!(sim.next_event(), Some((SimTime(3), 3)));
        assert_eq!(sim.next_event(), None);
        assert_eq!(sim.now(), SimTime(7));
    }

    #[test]
    fn replications_after_reset_are_identical() {
        fn run(sim: &mut Simulation<u32>) -> Vec<(SimTime, u32)> {
            sim.reset(SimTime(1_000));
            for i in 0..20 {
                sim.schedule_at(SimTime(u64::from(i % 4) * 100), i);
            }
            let mut out = Vec::new();
            while let Some((t, e)) = sim.next_event() {
                out.push((t, e));
                if e < 200 {
                    sim.schedule_in(SimDuration(150), e + 20);
                }
            }
            out
        }
        let mut sim = Simulation::new(SimTime(0));
        let first = run(&mut sim);
        assert_eq!(run(&mut sim), first);
        assert_eq!(run(&mut Simulation::new(SimTime(0))), first);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "in the past")]
    fn scheduling_in_the_past_panics_in_debug() {
        let mut sim = Simulation::new(SimTime(100));
        sim.schedule_at(SimTime(10), ());
        sim.next_event();
        sim.schedule_at(SimTime(5), ());
    }

    #[test]
    #[cfg(not(debug_assertions))]
    fn scheduling_in_the_past_is_clamped_in_release() {
        let mut sim = Simulation::new(SimTime(100));
        sim.schedule_at(SimTime(10), 1);
        sim.next_event();
        sim.schedule_at(SimTime(5), 2);
        assert_eq!(sim.next_event(), Some((SimTime(10), 2)));
    }

    proptest! {
        /// Driving the simulation with random delays and cancellations delivers exactly the
        /// events a naive model predicts: every scheduled, uncancelled event due by the horizon,
        /// in `(time, scheduling order)` order, with the clock following.
        #[test]
        fn matches_reference_model(
            horizon in 0u64..200,
            ops in prop::collection::vec((0u64..60, 0usize..4, any::<usize>()), 0..200),
        ) {
            let mut sim = Simulation::new(SimTime(horizon));
            let mut model: Vec<(u64, usize)> = Vec::new(); // pending (time, id)
            let mut keys = Vec::new();
            let mut last = 0;
            for (delay, action, pick) in ops {
                match action {
                    // Schedule (twice as likely as the others).
                    0 | 1 => {
                        let id = keys.len();
                        let due = sim.now().ticks() + delay;
                        let key = sim.schedule_in(SimDuration(delay), id);
                        prop_assert_eq!(key.is_some(), due <= horizon);
                        if key.is_some() {
                            model.push((due, id));
                        }
                        keys.push(key);
                    }
                    2 => {
                        let Some(&key) = keys.get(pick % keys.len().max(1)) else { continue };
                        let id = pick % keys.len();
                        let expected = model.iter().position(|&(_, i)| i == id).map(|p| model.remove(p).1);
                        prop_assert_eq!(key.and_then(|k| sim.cancel(k)), expected);
                    }
                    _ => {
                        let first = model.iter().enumerate().min_by_key(|&(_, &te)| te).map(|(p, _)| p);
                        let expected = first.map(|p| model.remove(p));
                        let got = sim.next_event();
                        prop_assert_eq!(got.map(|(t, e)| (t.ticks(), e)), expected);
                        let now = sim.now().ticks();
                        prop_assert!(now >= last && now <= horizon);
                        prop_assert_eq!(now, expected.map_or(horizon, |(t, _)| t));
                        last = now;
                    }
                }
                prop_assert_eq!(sim.pending(), model.len());
            }
        }
    }
}
