//! The hold model on outage-sim's engine, for comparison with its peers (`benches/peers/`): 100
//! processes, each of which, on every event, schedules its own next event an Exp(1) delay later;
//! the run stops after 1 000 000 events in all.
//!
//! Written the way the models in `src/model` drive the engine: an event enum, a `Simulation`
//! over it, one random stream per process, and a loop that hands each event to a handler, which
//! schedules the next one.
//!
//! Only the event loop is timed. The program prints one machine-readable line,
//! `peer=outage-sim events=<n> seconds=<s> events_per_sec=<r> simulated_secs=<t> cpu_seconds=<c>`,
//! where `seconds` is wall time and `cpu_seconds` the CPU time of the thread running the loop.
//!
//! Run: `cargo run --release --example peer_hold`

use std::time::Instant;

use outage_sim::engine::{SimDuration, SimTime, Simulation};
use outage_sim::random::{Mechanism, SimRng, stream};
use rand_distr::{Distribution, Exp1};

const PROCESSES: u32 = 100;
const EVENTS: u64 = 1_000_000;
const SEED: u64 = 0x5EED_401D;

/// The model's only event: a process wakes up.
#[derive(Clone, Copy, Debug)]
enum Event {
    Wake(u32),
}

/// The hold model: the simulation, each process's random stream, and the events so far.
struct Hold {
    sim: Simulation<Event>,
    rng: Vec<SimRng>,
    events: u64,
}

impl Hold {
    fn new() -> Self {
        let rng = (0..PROCESSES)
            .map(|p| stream(SEED, 0, Mechanism::named(&format!("hold/process{p}"))))
            .collect();
        let mut hold = Hold {
            // No horizon: the run ends after `EVENTS` events instead.
            sim: Simulation::new(SimTime::NEVER),
            rng,
            events: 0,
        };
        for p in 0..PROCESSES {
            hold.schedule_wake(p);
        }
        hold
    }

    /// Schedules process `p`'s next wake-up an Exp(1) delay (in seconds) from now.
    fn schedule_wake(&mut self, p: u32) {
        let secs: f64 = Exp1.sample(&mut self.rng[p as usize]);
        self.sim
            .schedule_in(SimDuration::from_secs_f64(secs), Event::Wake(p))
            .expect("no horizon, so every event is kept");
    }

    /// Runs until `EVENTS` events have been handled.
    fn run(&mut self) {
        while let Some((_, event)) = self.sim.next_event() {
            self.events += 1;
            if self.events == EVENTS {
                break;
            }
            self.handle(event);
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Wake(p) => self.schedule_wake(p),
        }
    }
}

fn main() {
    let mut hold = Hold::new();
    let (start, cpu_start) = (Instant::now(), thread_cpu_seconds());
    hold.run();
    let seconds = start.elapsed().as_secs_f64();
    let cpu_seconds = thread_cpu_seconds()
        .zip(cpu_start)
        .map_or(f64::NAN, |(end, start)| end - start);

    let events = hold.events;
    assert_eq!(events, EVENTS, "events processed");
    // 100 processes at rate 1 make 100 events per simulated second: ~10 000 s, a check that the
    // delays are what they should be.
    let simulated = hold.sim.now().as_secs_f64();
    println!(
        "peer=outage-sim events={events} seconds={seconds:.6} events_per_sec={:.0} simulated_secs={simulated:.1} cpu_seconds={cpu_seconds:.6}",
        events as f64 / seconds
    );
}

/// CPU time this thread has run, in seconds. Unlike wall time it leaves out the time the machine
/// gave to other processes, which on a busy shared machine is most of the noise.
#[cfg(unix)]
fn thread_cpu_seconds() -> Option<f64> {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable `timespec`, the only memory the call touches.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then_some(ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9)
}

#[cfg(not(unix))]
fn thread_cpu_seconds() -> Option<f64> {
    None
}
