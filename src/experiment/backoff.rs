//! Brooker's optimistic-concurrency (OCC) backoff experiment (docs/MODEL.md section 4; Brooker,
//! "Exponential Backoff And Jitter", AWS Architecture Blog, 2015, and its simulator
//! `aws-samples/aws-arch-backoff-simulator`), run on [`crate::engine::Simulation`] with the
//! backoff of [`RetryPolicy::delay`].
//!
//! **Workload.** One row holds a version number, starting at 0. Each of N clients, all starting
//! at time 0, reads the version, then writes conditionally with the version it read. Every
//! message — read request, read reply, write request, write reply — takes
//! `|Normal(10 ms, 2 ms)|`, drawn independently and rounded to the microsecond.
//!
//! **Server.** A read is answered with the version current when the read request *arrives*. A
//! conditional write is evaluated when the write request *arrives*: it succeeds if its version
//! equals the current one (which is then incremented), otherwise it is a conflict (a 409).
//! Messages arriving at the same microsecond are handled in the order they were sent (the
//! engine's FIFO tie rule).
//!
//! **Client.** On success the client stops (one successful write each). On its k-th conflict
//! (k = 1, 2, …: the number of conflicts so far) it waits a backoff and sends a new read request
//! after one network delay plus that backoff. Which exponent the k-th backoff uses is the
//! [`RetryIndex`]: by default ([`RetryIndex::Published`]) that of Brooker's simulator, which
//! increments its attempt counter *before* computing the delay, so the k-th conflict waits with
//! `expo(k) = min(cap, base·2^k)` — the first retry up to `2·base`; with [`RetryIndex::Sdk`] it
//! waits with `expo(k − 1)`, the first retry up to `base`, as the client model's retry presets do
//! ([`RetryPolicy::delay`] of retry k). Decorrelated jitter (`min(cap, U(base, 3·prev))`, `prev`
//! the client's previous backoff, `base` before the first) and no backoff do not depend on the
//! counter. Attempts are unlimited; base 5 ms, cap 2000 ms.
//!
//! **Measured** per run: write calls (every conditional write that reaches the server) and the
//! completion time (when the last client receives its successful write reply). Each
//! (seed, N, algorithm, run) has its own random streams (`experiment/backoff/network/...` and
//! `.../jitter/...`), runs go in parallel on rayon, and results are merged in a fixed order, so
//! the output is byte-identical for any thread count.

use crate::engine::{SimDuration, SimTime, Simulation};
use crate::model::clients::presets::preset;
use crate::model::clients::retry::{BackoffKind, RetryPolicy};
use crate::random::{Mechanism, stream};
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// The algorithms compared, in Brooker's order of presentation.
pub const ALGORITHMS: [BackoffKind; 5] = [
    BackoffKind::None,
    BackoffKind::Exponential,
    BackoffKind::FullJitter,
    BackoffKind::EqualJitter,
    BackoffKind::DecorrelatedJitter,
];

/// Default seed of `outage-sim experiment backoff`.
pub const DEFAULT_SEED: u64 = 2015;

/// Largest client count and run count accepted (keeps a run finite and the output readable).
pub const MAX_CLIENTS: u32 = 10_000;
/// Most runs per (N, algorithm).
pub const MAX_RUNS: u32 = 1_000_000;

/// How the k-th conflict of a client is numbered for the backoff: which doubling its retry waits
/// with. Decorrelated jitter and no backoff do not depend on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum RetryIndex {
    /// Brooker's published simulator: the attempt counter is incremented before the delay is
    /// computed, so the k-th conflict waits with expo(k) = min(cap, base·2^k): the first retry up
    /// to 2·base (10 ms; full jitter U(0, 2·base), exponential 2·base)
    #[default]
    Published,
    /// As the retry presets of `[clients]` (the SDKs): the k-th conflict waits with expo(k − 1):
    /// the first retry up to base (5 ms)
    Sdk,
}

impl RetryIndex {
    /// The name on the command line and in the outputs (`published`, `sdk`).
    pub fn name(self) -> &'static str {
        match self {
            RetryIndex::Published => "published",
            RetryIndex::Sdk => "sdk",
        }
    }

    /// The retry number passed to [`RetryPolicy::delay`] (whose retry r waits with expo(r − 1))
    /// after a client's `conflicts`-th conflict.
    pub fn retry(self, conflicts: u32) -> u32 {
        match self {
            RetryIndex::Published => conflicts.saturating_add(1),
            RetryIndex::Sdk => conflicts,
        }
    }
}

/// What to run.
#[derive(Clone, Debug, PartialEq)]
pub struct BackoffConfig {
    /// Client counts N (default 10, 20, …, 190).
    pub clients: Vec<u32>,
    /// Runs per (N, algorithm) (default 100).
    pub runs: u32,
    /// Master seed of every run's streams.
    pub seed: u64,
    /// How conflicts are numbered for the backoff (default: as the published simulator).
    pub retry_index: RetryIndex,
    /// Worker threads (default: rayon's global pool).
    pub threads: Option<usize>,
}

impl Default for BackoffConfig {
    fn default() -> Self {
        BackoffConfig {
            clients: (1..=19).map(|i| i * 10).collect(),
            runs: 100,
            seed: DEFAULT_SEED,
            retry_index: RetryIndex::Published,
            threads: None,
        }
    }
}

/// Why the experiment cannot run: an option is out of range (bad input), or the worker threads
/// cannot be started.
#[derive(Debug, thiserror::Error)]
pub enum BackoffError {
    /// `--clients` is empty or has a count out of range.
    #[error("--clients must list client counts between 1 and {MAX_CLIENTS}, e.g. 10,20,30; got {0:?}")]
    Clients(Vec<u32>),
    /// `--runs` is out of range.
    #[error("--runs must be between 1 and {MAX_RUNS}, got {0}")]
    Runs(u32),
    /// `--threads 0`.
    #[error("--threads must be at least 1")]
    Threads,
    /// More worker threads than allowed (`--threads`, or `RAYON_NUM_THREADS` without it).
    #[error("{option}: must be at most {max} worker threads")]
    TooManyThreads {
        /// The option as written.
        option: String,
        /// The most allowed.
        max: usize,
    },
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {source}")]
    Pool {
        /// Threads asked for.
        threads: usize,
        /// Why they could not be started.
        source: rayon::ThreadPoolBuildError,
    },
}

impl BackoffConfig {
    /// Checks the parameters; errors say what is allowed.
    pub fn validate(&self) -> Result<(), BackoffError> {
        if self.clients.is_empty() || self.clients.iter().any(|&n| n == 0 || n > MAX_CLIENTS) {
            return Err(BackoffError::Clients(self.clients.clone()));
        }
        if self.runs == 0 || self.runs > MAX_RUNS {
            return Err(BackoffError::Runs(self.runs));
        }
        if self.threads == Some(0) {
            return Err(BackoffError::Threads);
        }
        Ok(())
    }
}

/// One run's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunResult {
    /// Conditional writes that reached the server.
    pub write_calls: u64,
    /// When the last client received its successful write reply.
    pub completion: SimDuration,
}

/// Averages over the runs of one (N, algorithm).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Number of clients contending for the row.
    pub n_clients: u32,
    /// Backoff algorithm.
    pub algorithm: BackoffKind,
    /// How conflicts were numbered for the backoff.
    pub retry_index: RetryIndex,
    /// Runs averaged.
    pub runs: u32,
    /// Mean write calls per run.
    pub mean_write_calls: f64,
    /// Its standard error (NaN for one run).
    pub se_write_calls: f64,
    /// Mean completion time, ms.
    pub mean_completion_ms: f64,
    /// Its standard error, ms (NaN for one run).
    pub se_completion_ms: f64,
}

/// The backoff policy of the experiment: base 5 ms, cap 2000 ms, unlimited attempts, 409 retried.
pub fn policy(kind: BackoffKind) -> RetryPolicy {
    let p = RetryPolicy {
        backoff: kind,
        base: SimDuration(5_000),
        cap: SimDuration(2_000_000),
        max_attempts: u32::MAX,
        retry_statuses: vec![409],
        ..preset("none").expect("built-in preset")
    };
    debug_assert_eq!(p.validate(), Ok(()));
    p
}

#[derive(Debug)]
enum Ev {
    ReadArrives { client: u32 },
    ReadReply { client: u32, version: u64 },
    WriteArrives { client: u32, version: u64 },
    WriteReply { client: u32, ok: bool },
}

/// Runs one simulation of `n_clients` clients backing off with `kind`, conflicts numbered by
/// `retry_index`. The random streams do not depend on `retry_index`.
pub fn simulate_run(n_clients: u32, kind: BackoffKind, retry_index: RetryIndex, seed: u64, run: u32) -> RunResult {
    let key = |what: &str| Mechanism::named(&format!("experiment/backoff/{what}/n={n_clients}/{}", kind.name()));
    let mut net_rng = stream(seed, u64::from(run), key("network"));
    let mut jitter_rng = stream(seed, u64::from(run), key("jitter"));
    let normal: Normal<f64> = Normal::new(10_000.0, 2_000.0).expect("valid normal");
    let mut net = move || SimDuration(normal.sample(&mut net_rng).abs().round() as u64);
    let policy = policy(kind);

    let n = n_clients as usize;
    let mut conflicts = vec![0u32; n];
    let mut prev = vec![policy.base; n];
    let (mut version, mut write_calls, mut done, mut completion) = (0u64, 0u64, 0u32, SimTime::ZERO);
    let mut sim = Simulation::new(SimTime::NEVER);
    for client in 0..n_clients {
        sim.schedule_in(net(), Ev::ReadArrives { client });
    }
    while let Some((now, ev)) = sim.next_event() {
        match ev {
            Ev::ReadArrives { client } => {
                sim.schedule_in(net(), Ev::ReadReply { client, version });
            }
            Ev::ReadReply { client, version } => {
                sim.schedule_in(net(), Ev::WriteArrives { client, version });
            }
            Ev::WriteArrives { client, version: read } => {
                write_calls += 1;
                let ok = read == version;
                if ok {
                    version += 1;
                }
                sim.schedule_in(net(), Ev::WriteReply { client, ok });
            }
            Ev::WriteReply { client: _, ok: true } => {
                done += 1;
                completion = now;
            }
            Ev::WriteReply { client, ok: false } => {
                let c = client as usize;
                conflicts[c] += 1;
                let backoff = policy.delay(retry_index.retry(conflicts[c]), prev[c], &mut jitter_rng);
                prev[c] = backoff;
                sim.schedule_in(net().saturating_add(backoff), Ev::ReadArrives { client });
            }
        }
    }
    assert_eq!(done, n_clients, "every client writes once");
    assert_eq!(version, u64::from(n_clients));
    RunResult {
        write_calls,
        completion: completion.saturating_since(SimTime::ZERO),
    }
}

/// Mean and standard error (sample standard deviation / √n; NaN for n = 1), summed in order.
fn mean_se(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = values.clone().count() as f64;
    let mean = values.clone().sum::<f64>() / n;
    let ss: f64 = values.map(|v| (v - mean) * (v - mean)).sum();
    (mean, (ss / (n - 1.0) / n).sqrt())
}

/// Runs every (N, algorithm, run) and averages per (N, algorithm), rows ordered by N then
/// [`ALGORITHMS`].
pub fn run(config: &BackoffConfig) -> Result<Vec<Row>, BackoffError> {
    config.validate()?;
    let cells: Vec<(u32, BackoffKind)> = config
        .clients
        .iter()
        .flat_map(|&n| ALGORITHMS.iter().map(move |&k| (n, k)))
        .collect();
    let jobs: Vec<(u32, BackoffKind, u32)> = cells
        .iter()
        .flat_map(|&(n, k)| (0..config.runs).map(move |r| (n, k, r)))
        .collect();
    let work = || -> Vec<RunResult> {
        jobs.par_iter()
            .map(|&(n, k, r)| simulate_run(n, k, config.retry_index, config.seed, r))
            .collect()
    };
    let results = match config.threads {
        None => work(),
        Some(t) => rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .map_err(|source| BackoffError::Pool { threads: t, source })?
            .install(work),
    };
    let rows = cells
        .iter()
        .zip(results.chunks(config.runs as usize))
        .map(|(&(n_clients, algorithm), rs)| {
            let (mean_write_calls, se_write_calls) = mean_se(rs.iter().map(|r| r.write_calls as f64));
            let (mean_completion_ms, se_completion_ms) = mean_se(rs.iter().map(|r| r.completion.0 as f64 / 1000.0));
            Row {
                n_clients,
                algorithm,
                retry_index: config.retry_index,
                runs: config.runs,
                mean_write_calls,
                se_write_calls,
                mean_completion_ms,
                se_completion_ms,
            }
        })
        .collect();
    Ok(rows)
}

/// The terminal table: per N, mean write calls, then mean completion time, per algorithm.
pub fn render_table(config: &BackoffConfig, rows: &[Row]) -> String {
    let mut out = format!(
        "Backoff experiment (Brooker 2015, optimistic concurrency): {} runs per N, seed {}, \
         base 5 ms, cap 2000 ms, each message |Normal(10 ms, 2 ms)|, retry index {} (first retry \
         up to {})\n",
        config.runs,
        config.seed,
        config.retry_index.name(),
        match config.retry_index {
            RetryIndex::Published => "2·base",
            RetryIndex::Sdk => "base",
        }
    );
    type Column = fn(&Row) -> f64;
    let blocks: [(&str, Column); 2] = [
        ("Mean write calls per run", |r| r.mean_write_calls),
        ("Mean completion time (ms)", |r| r.mean_completion_ms),
    ];
    for (title, value) in blocks {
        let _ = write!(out, "\n{title}\n{:>5}", "N");
        for k in ALGORITHMS {
            let _ = write!(out, " {:>20}", k.name());
        }
        for chunk in rows.chunks(ALGORITHMS.len()) {
            let _ = write!(out, "\n{:>5}", chunk[0].n_clients);
            for r in chunk {
                let _ = write!(out, " {:>20.1}", value(r));
            }
        }
        out.push('\n');
    }
    out
}

/// The CSV text:
/// `n_clients,algorithm,runs,mean_write_calls,se_write_calls,mean_completion_ms,se_completion_ms,retry_index`.
pub fn to_csv(rows: &[Row]) -> String {
    let mut out = String::from(
        "n_clients,algorithm,runs,mean_write_calls,se_write_calls,mean_completion_ms,se_completion_ms,retry_index\n",
    );
    // A standard error needs two runs: with one, its cell is empty (not NaN).
    let se = |x: f64| {
        if x.is_finite() {
            format!("{x:.3}")
        } else {
            String::new()
        }
    };
    for r in rows {
        let _ = writeln!(
            out,
            "{},{},{},{:.3},{},{:.3},{},{}",
            r.n_clients,
            r.algorithm.name(),
            r.runs,
            r.mean_write_calls,
            se(r.se_write_calls),
            r.mean_completion_ms,
            se(r.se_completion_ms),
            r.retry_index.name()
        );
    }
    out
}

/// Writes `backoff.csv` into `dir` (created if missing) atomically, so a reader never sees half
/// a file. Returns the file's path.
pub fn write_csv(rows: &[Row], dir: &Path) -> io::Result<PathBuf> {
    let path = dir.join("backoff.csv");
    crate::publish::write_file(&path, to_csv(rows).as_bytes())?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(rows: &[Row], k: BackoffKind) -> &Row {
        rows.iter().find(|r| r.algorithm == k).unwrap()
    }

    /// `a` exceeds `b` by more than 4 combined standard errors.
    fn clearly_above(a: (f64, f64), b: (f64, f64)) -> bool {
        a.0 - b.0 > 4.0 * (a.1 * a.1 + b.1 * b.1).sqrt()
    }

    /// Brooker's qualitative result at N = 100: no backoff makes the most calls; full and
    /// decorrelated jitter far fewer (under 3/4) than plain exponential; plain exponential takes
    /// longest (about 60 s, against 2–7 s for the others, at the full 100 runs).
    #[test]
    fn reproduces_brookers_orderings() {
        let config = BackoffConfig {
            clients: vec![100],
            runs: 30,
            seed: 11,
            retry_index: RetryIndex::Published,
            threads: None,
        };
        let rows = run(&config).unwrap();
        let calls = |k| (row(&rows, k).mean_write_calls, row(&rows, k).se_write_calls);
        let time = |k| (row(&rows, k).mean_completion_ms, row(&rows, k).se_completion_ms);
        use BackoffKind as K;
        for k in [K::Exponential, K::FullJitter, K::EqualJitter, K::DecorrelatedJitter] {
            assert!(
                clearly_above(calls(K::None), calls(k)),
                "calls: none {:?} vs {k:?} {:?}",
                calls(K::None),
                calls(k)
            );
        }
        for k in [K::FullJitter, K::DecorrelatedJitter] {
            assert!(clearly_above(calls(K::Exponential), calls(k)), "calls: expo vs {k:?}");
            assert!(
                calls(k).0 < 0.75 * calls(K::Exponential).0,
                "{k:?} should use far fewer calls"
            );
        }
        for k in [K::None, K::FullJitter, K::EqualJitter, K::DecorrelatedJitter] {
            let (e, t) = (time(K::Exponential), time(k));
            assert!(clearly_above(e, t), "time: expo {e:?} vs {k:?} {t:?}");
        }
    }

    #[test]
    fn output_is_identical_for_any_thread_count() {
        let config = |threads| BackoffConfig {
            clients: vec![10, 40],
            runs: 6,
            seed: 5,
            retry_index: RetryIndex::Published,
            threads: Some(threads),
        };
        let one = to_csv(&run(&config(1)).unwrap());
        assert_eq!(one, to_csv(&run(&config(3)).unwrap()));
        assert_eq!(one.lines().count(), 1 + 2 * ALGORITHMS.len());
        assert_eq!(
            simulate_run(20, BackoffKind::FullJitter, RetryIndex::Published, 9, 4),
            simulate_run(20, BackoffKind::FullJitter, RetryIndex::Published, 9, 4)
        );
        assert_ne!(
            simulate_run(20, BackoffKind::FullJitter, RetryIndex::Published, 9, 4),
            simulate_run(20, BackoffKind::FullJitter, RetryIndex::Published, 9, 5)
        );
    }

    #[test]
    fn one_client_never_conflicts() {
        for (k, index) in ALGORITHMS
            .into_iter()
            .flat_map(|k| [(k, RetryIndex::Published), (k, RetryIndex::Sdk)])
        {
            let r = simulate_run(1, k, index, 1, 0);
            assert_eq!(r.write_calls, 1);
            // Four messages of about 10 ms each.
            assert!(r.completion.0 > 10_000 && r.completion.0 < 80_000, "{r:?}");
        }
    }

    #[test]
    fn bad_config_is_rejected_and_csv_is_written() {
        let bad = BackoffConfig {
            clients: vec![0],
            ..BackoffConfig::default()
        };
        assert!(run(&bad).unwrap_err().to_string().contains("--clients"));
        let bad = BackoffConfig {
            runs: 0,
            ..BackoffConfig::default()
        };
        assert!(run(&bad).unwrap_err().to_string().contains("--runs"));
        let config = BackoffConfig {
            clients: vec![5],
            runs: 2,
            ..BackoffConfig::default()
        };
        let rows = run(&config).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = write_csv(&rows, &dir.path().join("out")).unwrap();
        assert_eq!(std::fs::read_to_string(path).unwrap(), to_csv(&rows));
        assert!(render_table(&config, &rows).contains("decorrelated-jitter"));
        assert!(render_table(&config, &rows).contains("retry index published"));
        assert!(to_csv(&rows).lines().skip(1).all(|l| l.ends_with(",published")));
    }

    /// The delay after the k-th conflict, as [`simulate_run`] draws it.
    fn delay_after(kind: BackoffKind, index: RetryIndex, conflicts: u32, rng: &mut crate::random::SimRng) -> u64 {
        let p = policy(kind);
        p.delay(index.retry(conflicts), p.base, rng).0
    }

    /// The first retry waits up to 2·base as in the published simulator (counter incremented
    /// before the delay), up to base with `sdk`; later retries double from there until the cap.
    #[test]
    fn first_retry_waits_up_to_twice_base_published_and_base_sdk() {
        use BackoffKind as K;
        use RetryIndex::{Published, Sdk};
        let base = policy(K::FullJitter).base.0;
        assert_eq!(base, 5_000);
        let mut rng = stream(3, 0, Mechanism::named("test/backoff/first-retry"));
        let mut draws = |kind, index, conflicts| -> Vec<u64> {
            (0..10_000)
                .map(|_| delay_after(kind, index, conflicts, &mut rng))
                .collect()
        };
        let max = |v: &[u64]| *v.iter().max().unwrap();
        let min = |v: &[u64]| *v.iter().min().unwrap();

        // Full jitter: U(0, 2·base) against U(0, base).
        let published = draws(K::FullJitter, Published, 1);
        assert!(
            max(&published) <= 2 * base && max(&published) > base,
            "{}",
            max(&published)
        );
        assert!(published.iter().filter(|&&d| d > base).count() > 4_000);
        let sdk = draws(K::FullJitter, Sdk, 1);
        assert!(max(&sdk) <= base && max(&sdk) > base * 99 / 100, "{}", max(&sdk));

        // Equal jitter: expo/2 + U(0, expo/2), expo = 2·base against base.
        let published = draws(K::EqualJitter, Published, 1);
        assert!(min(&published) >= base && max(&published) <= 2 * base && max(&published) > base);
        let sdk = draws(K::EqualJitter, Sdk, 1);
        assert!(min(&sdk) >= base / 2 && max(&sdk) <= base);

        // Exponential: exactly 2·base, 4·base, … against base, 2·base, …, then the cap.
        for k in 1..=3 {
            assert_eq!(draws(K::Exponential, Published, k)[0], base << k);
            assert_eq!(draws(K::Exponential, Sdk, k)[0], base << (k - 1));
        }
        let cap = policy(K::Exponential).cap.0;
        assert_eq!(draws(K::Exponential, Published, 9)[0], cap, "5 ms·2^9 > 2000 ms");
        assert_eq!(draws(K::Exponential, Sdk, 9)[0], base << 8, "5 ms·2^8 < 2000 ms");
        assert_eq!(draws(K::Exponential, Published, u32::MAX)[0], cap, "no overflow");

        // No backoff and decorrelated jitter do not depend on the counter.
        for kind in [K::None, K::DecorrelatedJitter] {
            let mut a = stream(4, 0, Mechanism::named("test/backoff/same"));
            let mut b = a.clone();
            for k in 1..50 {
                assert_eq!(
                    delay_after(kind, Published, k, &mut a),
                    delay_after(kind, Sdk, k, &mut b)
                );
            }
        }
    }

    /// The two conventions share their random streams: no backoff and decorrelated jitter give
    /// identical runs; with the published convention's longer waits, full and equal jitter make
    /// clearly fewer write calls (about 9 % fewer at N = 100).
    #[test]
    fn published_index_waits_longer_and_leaves_the_others_unchanged() {
        let config = |retry_index| BackoffConfig {
            clients: vec![100],
            runs: 30,
            seed: 12,
            retry_index,
            threads: None,
        };
        let published = run(&config(RetryIndex::Published)).unwrap();
        let sdk = run(&config(RetryIndex::Sdk)).unwrap();
        use BackoffKind as K;
        for k in [K::None, K::DecorrelatedJitter] {
            let (p, s) = (row(&published, k), row(&sdk, k));
            assert_eq!(
                (p.mean_write_calls, p.mean_completion_ms),
                (s.mean_write_calls, s.mean_completion_ms),
                "{k:?}"
            );
        }
        for k in [K::FullJitter, K::EqualJitter] {
            let calls = |rows: &[Row]| (row(rows, k).mean_write_calls, row(rows, k).se_write_calls);
            assert!(
                clearly_above(calls(&sdk), calls(&published)),
                "{k:?}: sdk {:?} vs published {:?}",
                calls(&sdk),
                calls(&published)
            );
        }
    }
}
