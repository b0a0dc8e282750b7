//! The hold model on NeXosim: 100 models, each of which, on every event, schedules its own next
//! event an Exp(1) delay later; the run stops after 1 000 000 events in all.
//!
//! This is NeXosim's idiomatic way to write a self-driven process: a model schedules one of its
//! own methods with `Context::schedule_event`. It runs on one thread (`with_num_threads(1)`),
//! like outage-sim's engine and SimPy.
//!
//! Only `Simulation::run` is timed: not building the models or initialising them. The program
//! prints one machine-readable line,
//! `peer=nexosim events=<n> seconds=<s> events_per_sec=<r> simulated_secs=<t> cpu_seconds=<c>`,
//! where `seconds` is wall time and `cpu_seconds` the CPU time of the thread running the loop.
//!
//! Run: `cargo run --release --manifest-path benches/peers/nexosim/Cargo.toml`

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use nexosim::model::{Context, Model, schedulable};
use nexosim::simulation::{ExecutionError, Mailbox, Scheduler, SimInit};
use nexosim::time::MonotonicTime;
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution, Exp1};
use serde::{Deserialize, Serialize};

const PROCESSES: u64 = 100;
const EVENTS: u64 = 1_000_000;
const SEED: u64 = 0x5EED_401D;

/// What all processes share: the number of events so far, and the means to stop the run once
/// it reaches `EVENTS` (the scheduler exists only after `init`, hence the `OnceLock`).
#[derive(Default)]
struct Run {
    events: AtomicU64,
    scheduler: OnceLock<Scheduler>,
}

/// One process of the hold model. It has no serializable state: its generator and the shared
/// run are in its environment, which NeXosim does not require to be serializable.
#[derive(Serialize, Deserialize, Default)]
pub struct Process;

/// The non-serializable part of a process: its own random stream and the shared run.
pub struct ProcessEnv {
    rng: Xoshiro256PlusPlus,
    run: Arc<Run>,
}

impl ProcessEnv {
    /// An Exp(1) delay. NeXosim refuses to schedule at the current time, so a delay that rounds
    /// to zero nanoseconds (probability ~1e-9 per draw) becomes one nanosecond.
    fn delay(&mut self) -> Duration {
        let secs: f64 = Exp1.sample(&mut self.rng);
        Duration::from_secs_f64(secs).max(Duration::from_nanos(1))
    }
}

#[Model(type Env=ProcessEnv)]
impl Process {
    #[nexosim(init)]
    async fn init(&mut self, cx: &Context<Self>, env: &mut ProcessEnv) {
        let delay = env.delay();
        cx.schedule_event(delay, schedulable!(Self::wake), ())
            .expect("a positive delay is in the future");
    }

    /// One event: count it, then schedule the next one, unless the run has had all its events.
    #[nexosim(schedulable)]
    async fn wake(&mut self, _: (), cx: &Context<Self>, env: &mut ProcessEnv) {
        let run = &env.run;
        // One thread: the atomic is uncontended, and `Relaxed` is enough since only the count
        // matters, not its order relative to other memory.
        let done = run.events.fetch_add(1, Ordering::Relaxed) + 1;
        if done == EVENTS {
            run.scheduler.get().expect("set after init").halt();
            return;
        }
        let delay = env.delay();
        cx.schedule_event(delay, schedulable!(Self::wake), ())
            .expect("a positive delay is in the future");
    }
}

/// Builds a process with its environment (needed because the environment has no `Default`).
struct ProtoProcess {
    env: ProcessEnv,
}

impl nexosim::model::ProtoModel for ProtoProcess {
    type Model = Process;

    fn build(self, _: &mut nexosim::model::BuildContext<Self>) -> (Process, ProcessEnv) {
        (Process, self.env)
    }
}

fn main() {
    let run = Arc::new(Run::default());
    let mut init = SimInit::with_num_threads(1);
    for i in 0..PROCESSES {
        let env = ProcessEnv {
            rng: Xoshiro256PlusPlus::seed_from_u64(SEED ^ i),
            run: Arc::clone(&run),
        };
        init = init.add_model(ProtoProcess { env }, Mailbox::new(), &format!("process{i}"));
    }
    let mut simu = init.init(MonotonicTime::EPOCH).expect("simulation initialises");
    run.scheduler
        .set(simu.scheduler())
        .unwrap_or_else(|_| unreachable!("set once"));

    let (start, cpu_start) = (Instant::now(), thread_cpu_seconds());
    let outcome = simu.run();
    let seconds = start.elapsed().as_secs_f64();
    let cpu_seconds = thread_cpu_seconds()
        .zip(cpu_start)
        .map_or(f64::NAN, |(end, start)| end - start);

    // The last process halts the run; anything else is a failure.
    assert!(
        matches!(outcome, Err(ExecutionError::Halted)),
        "the run should end halted, got {outcome:?}"
    );
    let events = run.events.load(Ordering::Relaxed);
    assert_eq!(events, EVENTS, "events processed");
    // 100 processes at rate 1 make 100 events per simulated second: ~10 000 s, a check that the
    // delays are what they should be.
    let simulated = simu.time().duration_since(MonotonicTime::EPOCH).as_secs_f64();
    println!(
        "peer=nexosim events={events} seconds={seconds:.6} events_per_sec={:.0} simulated_secs={simulated:.1} cpu_seconds={cpu_seconds:.6}",
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
