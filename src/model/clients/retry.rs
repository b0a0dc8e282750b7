//! Client retry policies (docs/MODEL.md section 4): which failures are retried, how long a client
//! waits before each retry (backoff, optionally jittered), and when it gives up (attempts,
//! deadline, retry budget).
//!
//! Backoff formulas follow Brooker, "Exponential Backoff And Jitter" (AWS Architecture Blog,
//! 2015), with `n = retry − 1` so that the first retry waits about `base`:
//!
//! | kind | delay before retry `n + 1` |
//! |---|---|
//! | `none` | 0 |
//! | `constant` | `base` |
//! | `exponential` | `expo(n) = min(cap, base·2^n)` |
//! | `full-jitter` | `U(0, expo(n))` |
//! | `equal-jitter` | `expo(n)/2 + U(0, expo(n)/2)` |
//! | `decorrelated-jitter` | `min(cap, U(base, 3·prev))` |
//!
//! then, if set, `× U(lo, hi)` (azure-core .NET's jitter, `(0.8, 1.2)`) and `min(cap)`. Uniform
//! draws are over whole microseconds (the engine's tick), so means are exact in ticks.
//! The serde-facing [`RetrySpec`](super::presets::RetrySpec) (a preset plus overrides) lives with
//! the presets.

pub use super::budget::{BudgetConfig, BudgetState};
use crate::engine::SimDuration;
use rand::{Rng, RngExt};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use super::presets::{OrNone, RetrySpec};

/// What an attempt came back with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttemptResult {
    /// The request succeeded.
    Success,
    /// An HTTP error status, with the server's Retry-After if it sent one.
    Status {
        /// HTTP status code, e.g. 409, 429, 503.
        code: u16,
        /// The Retry-After the response carried.
        retry_after: Option<SimDuration>,
    },
    /// No answer within the per-attempt timeout.
    Timeout,
    /// The connection was dropped (an in-flight request to a lost zone); retried like an I/O error.
    Terminated,
}

/// How the delay between attempts grows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BackoffKind {
    /// Retry at once.
    None,
    /// Always `base`.
    Constant,
    /// `min(cap, base·2^n)`.
    Exponential,
    /// `U(0, expo(n))`.
    FullJitter,
    /// `expo(n)/2 + U(0, expo(n)/2)`.
    EqualJitter,
    /// `min(cap, U(base, 3·prev))`.
    DecorrelatedJitter,
}

/// Most attempts a request may make (`max_attempts`): each is simulated, so this bounds the work
/// of one request; the presets make 3 to 5.
pub const MAX_ATTEMPTS: u32 = 100;

impl BackoffKind {
    /// Every kind, in documentation order.
    pub const ALL: [BackoffKind; 6] = [
        BackoffKind::None,
        BackoffKind::Constant,
        BackoffKind::Exponential,
        BackoffKind::FullJitter,
        BackoffKind::EqualJitter,
        BackoffKind::DecorrelatedJitter,
    ];

    /// The name used in scenarios and reports (`full-jitter`, ...).
    pub fn name(self) -> &'static str {
        match self {
            BackoffKind::None => "none",
            BackoffKind::Constant => "constant",
            BackoffKind::Exponential => "exponential",
            BackoffKind::FullJitter => "full-jitter",
            BackoffKind::EqualJitter => "equal-jitter",
            BackoffKind::DecorrelatedJitter => "decorrelated-jitter",
        }
    }
}

/// A validated retry policy (build one with [`preset`](super::presets::preset) or
/// [`RetrySpec::resolve`]).
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Backoff formula.
    pub backoff: BackoffKind,
    /// Constant: the delay; exponential family: the base.
    pub base: SimDuration,
    /// Maximum delay (Retry-After may exceed it).
    pub cap: SimDuration,
    /// Delay × U(lo, hi) after the formula, then min(cap).
    pub multiplier_jitter: Option<(f64, f64)>,
    /// Total attempts including the first; 1 = never retry.
    pub max_attempts: u32,
    /// Per-attempt timeout (applied by the traffic model: an attempt running longer ends as
    /// [`AttemptResult::Timeout`]).
    pub attempt_timeout: Option<SimDuration>,
    /// Overall deadline from the first attempt: no retry starts after it.
    pub deadline: Option<SimDuration>,
    /// Wait max(backoff, Retry-After) when the response carries Retry-After.
    pub honor_retry_after: bool,
    /// Statuses retried.
    pub retry_statuses: Vec<u16>,
    /// Statuses retried only when the response carries Retry-After.
    pub retry_after_only_statuses: Vec<u16>,
    /// Retry attempts that timed out.
    pub retry_timeouts: bool,
    /// Retry attempts whose connection was dropped.
    pub retry_terminated: bool,
    /// Client-side retry budget (`None`: unlimited).
    pub budget: Option<BudgetConfig>,
}

/// What a client does after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The request succeeded.
    Done,
    /// The request failed for good (a user-visible error).
    GiveUp(GiveUpReason),
    /// Send attempt `attempts_made + 1` after waiting `after`; pass `after` back as `prev_delay`.
    Retry {
        /// How long to wait before the next attempt.
        after: SimDuration,
    },
}

/// Why a client gave up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GiveUpReason {
    /// The policy does not retry this failure (e.g. a 409 for the Azure SDKs).
    NotRetryable,
    /// `max_attempts` attempts were made.
    AttemptsExhausted,
    /// The retry would start after the deadline.
    DeadlineExceeded,
    /// The retry budget refused the retry.
    BudgetExhausted,
}

impl GiveUpReason {
    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            GiveUpReason::NotRetryable => "not-retryable",
            GiveUpReason::AttemptsExhausted => "attempts-exhausted",
            GiveUpReason::DeadlineExceeded => "deadline-exceeded",
            GiveUpReason::BudgetExhausted => "budget-exhausted",
        }
    }
}

impl RetryPolicy {
    /// `expo(n) = min(cap, base·2^n)` in ticks, `n = retry − 1`, saturating.
    fn expo_ticks(&self, retry: u32) -> u64 {
        let factor = 1u64.checked_shl(retry.saturating_sub(1)).unwrap_or(u64::MAX);
        self.base.0.saturating_mul(factor).min(self.cap.0)
    }

    /// Delay before retry number `retry` (1 = the first retry), given the previous delay
    /// (decorrelated jitter needs it; pass `base` for the first retry). See the module table.
    pub fn delay<R: Rng + ?Sized>(&self, retry: u32, prev: SimDuration, rng: &mut R) -> SimDuration {
        let (base, cap) = (self.base.0, self.cap.0);
        let ticks = match self.backoff {
            BackoffKind::None => 0,
            BackoffKind::Constant => base,
            BackoffKind::Exponential => self.expo_ticks(retry),
            BackoffKind::FullJitter => rng.random_range(0..=self.expo_ticks(retry)),
            BackoffKind::EqualJitter => {
                let e = self.expo_ticks(retry);
                let half = e / 2;
                (e - half) + rng.random_range(0..=half)
            }
            BackoffKind::DecorrelatedJitter => {
                let hi = prev.0.saturating_mul(3).max(base);
                rng.random_range(base..=hi).min(cap)
            }
        };
        let ticks = match self.multiplier_jitter {
            Some((lo, hi)) if ticks > 0 => {
                let m = if lo < hi { rng.random_range(lo..=hi) } else { lo };
                // `as` saturates (and the product is finite and non-negative).
                (ticks as f64 * m).round() as u64
            }
            _ => ticks,
        };
        SimDuration(ticks.min(cap))
    }

    /// Mean of [`delay`](Self::delay) in seconds: exact (in whole-microsecond draws) for every
    /// kind but decorrelated jitter, whose mean depends on the previous delay (NaN). With a
    /// multiplier, the mean before the cap clips the product: `E[delay]·(lo + hi)/2`.
    pub fn mean_delay_secs(&self, retry: u32) -> f64 {
        let e = self.expo_ticks(retry);
        let ticks = match self.backoff {
            BackoffKind::None => 0.0,
            BackoffKind::Constant => self.base.0.min(self.cap.0) as f64,
            BackoffKind::Exponential => e as f64,
            BackoffKind::FullJitter => e as f64 / 2.0,
            BackoffKind::EqualJitter => (e - e / 2) as f64 + (e / 2) as f64 / 2.0,
            BackoffKind::DecorrelatedJitter => f64::NAN,
        };
        let scale = self.multiplier_jitter.map_or(1.0, |(lo, hi)| (lo + hi) / 2.0);
        ticks * scale / crate::engine::TICKS_PER_SECOND as f64
    }

    /// One line for reports, e.g. `exponential 800ms..1m ×U(0.8,1.2), 4 attempts, attempt
    /// timeout 1m40s, Retry-After honoured, retries 408 429 500 502 503 504 timeouts dropped`.
    pub fn describe(&self) -> String {
        use crate::engine::duration::format_duration as f;
        let mut s = match self.backoff {
            BackoffKind::None => "no backoff".to_string(),
            BackoffKind::Constant => format!("constant {}", f(self.base)),
            k => format!("{} {}..{}", k.name(), f(self.base), f(self.cap)),
        };
        if let Some((lo, hi)) = self.multiplier_jitter {
            s += &format!(" ×U({lo},{hi})");
        }
        s += &format!(
            ", {} attempt{}",
            self.max_attempts,
            if self.max_attempts == 1 { "" } else { "s" }
        );
        if let Some(t) = self.attempt_timeout {
            s += &format!(", attempt timeout {}", f(t));
        }
        if let Some(d) = self.deadline {
            s += &format!(", deadline {}", f(d));
        }
        if self.honor_retry_after {
            s += ", Retry-After honoured";
        }
        if self.max_attempts > 1 {
            s += ", retries";
            for c in &self.retry_statuses {
                s += &format!(" {c}");
            }
            for c in &self.retry_after_only_statuses {
                s += &format!(" {c}(with Retry-After)");
            }
            if self.retry_timeouts {
                s += " timeouts";
            }
            if self.retry_terminated {
                s += " dropped";
            }
        }
        match &self.budget {
            Some(BudgetConfig::TokenBucket {
                capacity,
                retry_cost,
                timeout_retry_cost,
                success_refund,
            }) => s += &format!(", token bucket {capacity}/{retry_cost}/{timeout_retry_cost}/{success_refund}"),
            Some(BudgetConfig::Ratio {
                ratio,
                reserve,
                max_tokens,
            }) => s += &format!(", retry ratio {ratio} (reserve {reserve}, max {max_tokens})"),
            None => {}
        }
        s
    }

    /// A full budget for one client.
    pub fn new_budget_state(&self) -> BudgetState {
        BudgetState::new(self.budget.as_ref())
    }

    /// Decides what a client does after attempt number `attempts_made` (1-based) of one logical
    /// request ended with `result`, `elapsed` after the first attempt started; `prev_delay` is
    /// the previous [`Decision::Retry`]'s `after` (`base` before the first retry).
    ///
    /// Order of checks: success → [`Decision::Done`]; a failure the policy does not retry →
    /// `NotRetryable`; `attempts_made ≥ max_attempts` → `AttemptsExhausted`; the backoff delay
    /// (raised to Retry-After when honoured) would start the retry after the deadline →
    /// `DeadlineExceeded`; the budget refuses → `BudgetExhausted`; otherwise retry.
    ///
    /// It does all of the client's budget bookkeeping — a first attempt's decision counts the
    /// request (`on_request`), a success refunds (`on_success`), a retry pays — so callers must
    /// not call those themselves.
    pub fn decide<R: Rng + ?Sized>(
        &self,
        attempts_made: u32,
        result: &AttemptResult,
        elapsed: SimDuration,
        prev_delay: SimDuration,
        budget: &mut BudgetState,
        rng: &mut R,
    ) -> Decision {
        if attempts_made <= 1 {
            budget.on_request();
        }
        let (retryable, is_timeout, retry_after) = match *result {
            AttemptResult::Success => {
                budget.on_success(attempts_made > 1);
                return Decision::Done;
            }
            AttemptResult::Status { code, retry_after } => (
                self.retry_statuses.contains(&code)
                    || (retry_after.is_some() && self.retry_after_only_statuses.contains(&code)),
                false,
                retry_after,
            ),
            AttemptResult::Timeout => (self.retry_timeouts, true, None),
            AttemptResult::Terminated => (self.retry_terminated, false, None),
        };
        if !retryable {
            return Decision::GiveUp(GiveUpReason::NotRetryable);
        }
        if attempts_made >= self.max_attempts {
            return Decision::GiveUp(GiveUpReason::AttemptsExhausted);
        }
        let mut after = self.delay(attempts_made, prev_delay, rng);
        if let (true, Some(ra)) = (self.honor_retry_after, retry_after) {
            after = after.max(ra);
        }
        if self.deadline.is_some_and(|d| elapsed.saturating_add(after) > d) {
            return Decision::GiveUp(GiveUpReason::DeadlineExceeded);
        }
        if !budget.try_acquire_retry(is_timeout) {
            return Decision::GiveUp(GiveUpReason::BudgetExhausted);
        }
        Decision::Retry { after }
    }

    /// Checks the parameters; errors name the field and what is allowed.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_attempts == 0 {
            return Err("max_attempts: must be at least 1 (1 = never retry), got 0".into());
        }
        if self.max_attempts > MAX_ATTEMPTS {
            return Err(format!(
                "max_attempts: at most {MAX_ATTEMPTS} (every attempt is simulated; the SDKs' presets make 3 to 5), got {}",
                self.max_attempts
            ));
        }
        if self.backoff != BackoffKind::None && self.base.0 == 0 {
            return Err(format!(
                "base: must be a positive duration for backoff \"{}\" (use backoff = \"none\" to retry at once)",
                self.backoff.name()
            ));
        }
        if self.cap < self.base {
            return Err(format!("cap: must be at least base ({}), got {}", self.base, self.cap));
        }
        if let Some((lo, hi)) = self.multiplier_jitter {
            if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && lo <= hi) {
                return Err(format!(
                    "multiplier_jitter: must be [lo, hi] with 0 < lo ≤ hi (e.g. [0.8, 1.2]) or \"none\", got [{lo}, {hi}]"
                ));
            }
        }
        for (field, value) in [("attempt_timeout", self.attempt_timeout), ("deadline", self.deadline)] {
            if value == Some(SimDuration::ZERO) {
                return Err(format!("{field}: must be a positive duration (> 0s) or \"none\""));
            }
        }
        for (field, codes) in [
            ("retry_statuses", &self.retry_statuses),
            ("retry_after_only_statuses", &self.retry_after_only_statuses),
        ] {
            if let Some(c) = codes.iter().find(|c| !(100..=599).contains(*c)) {
                return Err(format!("{field}: {c} is not an HTTP status; allowed: 100 to 599"));
            }
        }
        let retries_something = !self.retry_statuses.is_empty()
            || !self.retry_after_only_statuses.is_empty()
            || self.retry_timeouts
            || self.retry_terminated;
        if self.max_attempts > 1 && !retries_something {
            return Err(format!(
                "max_attempts: is {} but no failure is retried; set retry_statuses, retry_after_only_statuses, \
                 retry_timeouts or retry_terminated (or max_attempts = 1)",
                self.max_attempts
            ));
        }
        if let Some(b) = &self.budget {
            b.validate()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
