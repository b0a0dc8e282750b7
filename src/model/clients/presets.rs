//! Named retry presets with sourced defaults, and [`RetrySpec`], the scenario form of a retry
//! policy: a preset plus overrides.
//!
//! Every preset but `none` retries timeouts and dropped connections (an I/O error in every
//! library below). None of them retries **409 Conflict** unconditionally — which is what clients
//! receive during a zone-redundant failover window (docs/MODEL.md section 4) — so with these presets
//! those 409s become user-visible errors; `azure-core-python` retries a 409 only when the response
//! carries Retry-After.
//!
//! Known simplifications (the library behaviour the model cannot express):
//! - azure-core Python retries the *first* time immediately (`get_backoff_time` returns 0 while
//!   the history has one entry) and then waits 1.6 s, 3.2 s; here the waits are 0.8, 1.6, 3.2 s.
//!   It also sleeps *exactly* Retry-After instead of max(backoff, Retry-After).
//! - The AWS SDKs use a longer base (500 ms in aws-sdk-js-v3, 1 s in botocore) for throttling
//!   errors; here every retried error uses the 100 ms transient base.

use super::budget::BudgetConfig;
use super::retry::{BackoffKind, RetryPolicy};
use crate::engine::SimDuration;
use crate::engine::duration::HumanDuration;
use schemars::JsonSchema;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Names of the presets, for listings and error messages.
pub const PRESETS: &[&str] = &[
    "none",
    "azure-core-dotnet",
    "azure-core-python",
    "polly-v8",
    "aws-standard",
    "azure-sql-guidance",
];

/// The transient statuses the Azure SDKs retry: azure-core .NET `ResponseClassifier
/// .IsRetriableResponse` (408, 429, 500, 502, 503, 504) and azure-core Python `RetryPolicyBase
/// ._RETRY_CODES` (the same six; Python also retries 506–998, which HTTP does not define).
const AZURE_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];

fn ms(v: u64) -> SimDuration {
    SimDuration(v * 1000)
}

/// The named preset, or `None` for an unknown name (see [`PRESETS`]).
pub fn preset(name: &str) -> Option<RetryPolicy> {
    let never = RetryPolicy {
        backoff: BackoffKind::None,
        base: SimDuration::ZERO,
        cap: SimDuration::ZERO,
        multiplier_jitter: None,
        max_attempts: 1,
        attempt_timeout: None,
        deadline: None,
        honor_retry_after: false,
        retry_statuses: Vec::new(),
        retry_after_only_statuses: Vec::new(),
        retry_timeouts: false,
        retry_terminated: false,
        budget: None,
    };
    let p = match name {
        // One attempt, no retries.
        "none" => never,
        // azure-core for .NET (Azure.Core): `RetryOptions` defaults MaxRetries = 3, Delay = 0.8 s,
        // MaxDelay = 1 min, Mode = Exponential, NetworkTimeout = 100 s (the per-try timeout);
        // `DelayStrategy.GetNextDelay` = Max(Retry-After, Min(jitter(0.8 s·2^(retry−1)), MaxDelay))
        // with jitter a factor U(0.8, 1.2) (`DefaultJitterFactor = 0.2`); `ResponseClassifier`
        // retries 408, 429, 500, 502, 503, 504 and IOExceptions — not 409.
        "azure-core-dotnet" => RetryPolicy {
            backoff: BackoffKind::Exponential,
            base: ms(800),
            cap: SimDuration::from_secs(60),
            multiplier_jitter: Some((0.8, 1.2)),
            max_attempts: 4,
            attempt_timeout: Some(SimDuration::from_secs(100)),
            honor_retry_after: true,
            retry_statuses: AZURE_STATUSES.to_vec(),
            retry_timeouts: true,
            retry_terminated: true,
            ..never
        },
        // azure-core for Python (`azure/core/pipeline/policies/_retry.py`): retry_backoff_factor
        // = 0.8, BACKOFF_MAX = 120 s, exponential `factor·2^(k−1)` without jitter, retry_status
        // = 3 (retry_connect = retry_read = 3, retry_total = 10), timeout = 604 800 s (7 days,
        // the overall deadline); `is_retry` retries any status ≥ 400 that carries Retry-After
        // (so 409 only with Retry-After), otherwise 408, 429, 500, 502, 503, 504.
        "azure-core-python" => RetryPolicy {
            backoff: BackoffKind::Exponential,
            base: ms(800),
            cap: SimDuration::from_secs(120),
            max_attempts: 4,
            deadline: Some(SimDuration::from_secs(604_800)),
            honor_retry_after: true,
            retry_statuses: AZURE_STATUSES.to_vec(),
            retry_after_only_statuses: vec![409],
            retry_timeouts: true,
            retry_terminated: true,
            ..never
        },
        // Polly v8 (`Polly.Core` `RetryStrategyOptions`): MaxRetryAttempts = 3, Delay = 2 s,
        // BackoffType = Constant, UseJitter = false, no Retry-After (no DelayGenerator). Handled
        // outcomes as Microsoft.Extensions.Http.Resilience `HttpClientResiliencePredicates
        // .IsTransientHttpFailure`: status ≥ 500, 408, 429, plus HttpRequestException and
        // TimeoutRejectedException — not 409.
        "polly-v8" => RetryPolicy {
            backoff: BackoffKind::Constant,
            base: SimDuration::from_secs(2),
            cap: SimDuration::from_secs(2),
            max_attempts: 4,
            retry_statuses: [408, 429].into_iter().chain(500..=599).collect(),
            retry_timeouts: true,
            retry_terminated: true,
            ..never
        },
        // AWS SDK standard retry mode ("Retry behavior", AWS SDKs and Tools Reference Guide):
        // max_attempts = 3; backoff "random 0..1 × min(base·2^n, 20 s)" with base 100 ms
        // (aws-sdk-js-v3 `DEFAULT_RETRY_DELAY_BASE = 100`, `MAXIMUM_RETRY_DELAY = 20 s`); retry
        // quota 500 / 5 / 10 / 1 (see `budget.rs`); retries throttling (429) and transient 500,
        // 502, 503, 504 (botocore `TransientRetryableChecker`) and connection errors — not 409.
        "aws-standard" => RetryPolicy {
            backoff: BackoffKind::FullJitter,
            base: ms(100),
            cap: SimDuration::from_secs(20),
            max_attempts: 3,
            retry_statuses: vec![429, 500, 502, 503, 504],
            retry_timeouts: true,
            retry_terminated: true,
            budget: Some(BudgetConfig::aws_standard()),
            ..never
        },
        // Azure SQL "Troubleshoot transient connection errors" (learn.microsoft.com, section
        // "Interval increase between retries"): "delay for 5 seconds before your first retry ...
        // For each subsequent retry the delay should grow exponentially, up to a maximum of 60
        // seconds", and "set a maximum number of retries" (5 attempts is this model's choice).
        // Per-attempt timeout 30 s: SqlCommand's default command timeout, listed on the same page.
        "azure-sql-guidance" => RetryPolicy {
            backoff: BackoffKind::Exponential,
            base: SimDuration::from_secs(5),
            cap: SimDuration::from_secs(60),
            max_attempts: 5,
            attempt_timeout: Some(SimDuration::from_secs(30)),
            retry_statuses: AZURE_STATUSES.to_vec(),
            retry_timeouts: true,
            retry_terminated: true,
            ..never
        },
        _ => return None,
    };
    Some(p)
}

/// A setting that may be switched off with the string `"none"` (e.g. `deadline = "none"`).
#[derive(Clone, Debug, PartialEq)]
pub enum OrNone<T> {
    /// `"none"`.
    None,
    /// A value.
    Value(T),
}

impl<T> OrNone<T> {
    /// `None` for `"none"`.
    pub fn into_option(self) -> Option<T> {
        match self {
            OrNone::None => None,
            OrNone::Value(v) => Some(v),
        }
    }
}

impl<T: Serialize> Serialize for OrNone<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OrNone::None => s.serialize_str("none"),
            OrNone::Value(v) => v.serialize(s),
        }
    }
}

/// `T`, or the string `"none"`.
impl<T: JsonSchema> JsonSchema for OrNone<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("OrNone_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "anyOf": [generator.subschema_for::<T>(), { "const": "none" }] })
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for OrNone<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(d)?;
        if value.as_str() == Some("none") {
            return Ok(OrNone::None);
        }
        T::deserialize(value).map(OrNone::Value).map_err(D::Error::custom)
    }
}

/// A retry policy as written in a scenario: a named preset, then any of its settings overridden.
/// Every setting but `preset` defaults to the preset's value; the presets follow the published
/// defaults of the client libraries they are named after.
///
/// ```toml
/// retry = { preset = "aws-standard", max_attempts = 5, deadline = "30s",
///           budget = { kind = "ratio", ratio = 0.1 } }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    /// The preset the policy starts from. `none` makes one attempt and never retries.
    #[serde(default = "default_preset")]
    #[schemars(extend("enum" = PRESETS))]
    pub preset: String,
    /// How the delay between attempts grows (`n`: retries so far; `expo(n)` = min(`cap`,
    /// `base` · 2^n)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the preset's"))]
    pub backoff: Option<BackoffKind>,
    /// Constant delay, or the base of the exponential backoffs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the preset's"))]
    pub base: Option<HumanDuration>,
    /// Longest delay between two attempts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the preset's"))]
    pub cap: Option<HumanDuration>,
    /// `[lo, hi]`: each delay is multiplied by a factor drawn uniformly from [lo, hi] (the .NET
    /// SDK's jitter), or `"none"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the preset's"))]
    pub multiplier_jitter: Option<OrNone<[f64; 2]>>,
    /// Total attempts, the first included; at least 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the preset's"))]
    pub max_attempts: Option<u32>,
    /// Time after which an attempt is abandoned as timed out, or `"none"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the preset's"))]
    pub attempt_timeout: Option<OrNone<HumanDuration>>,
    /// Time from the first attempt after which the request gives up, or `"none"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the preset's"))]
    pub deadline: Option<OrNone<HumanDuration>>,
    /// Wait max(backoff, Retry-After) when a response carries Retry-After.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the preset's"))]
    pub honor_retry_after: Option<bool>,
    /// HTTP statuses that are retried, e.g. `[429, 503]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the preset's"))]
    pub retry_statuses: Option<Vec<u16>>,
    /// HTTP statuses retried only when the response carries Retry-After.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the preset's"))]
    pub retry_after_only_statuses: Option<Vec<u16>>,
    /// Retry attempts that timed out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the preset's"))]
    pub retry_timeouts: Option<bool>,
    /// Retry attempts whose connection was dropped (an I/O error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the preset's"))]
    pub retry_terminated: Option<bool>,
    /// Retry budget: a client-side limit on retrying, so that a failing service is not hit by a
    /// retry storm; a table tagged by `kind`, or `"none"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the preset's"))]
    pub budget: Option<OrNone<BudgetConfig>>,
}

fn default_preset() -> String {
    "none".to_string()
}

impl Default for RetrySpec {
    /// The `none` preset with no overrides.
    fn default() -> Self {
        RetrySpec {
            preset: default_preset(),
            backoff: None,
            base: None,
            cap: None,
            multiplier_jitter: None,
            max_attempts: None,
            attempt_timeout: None,
            deadline: None,
            honor_retry_after: None,
            retry_statuses: None,
            retry_after_only_statuses: None,
            retry_timeouts: None,
            retry_terminated: None,
            budget: None,
        }
    }
}

impl RetrySpec {
    /// A spec that is just the named preset.
    pub fn preset(name: &str) -> RetrySpec {
        RetrySpec {
            preset: name.to_string(),
            ..RetrySpec::default()
        }
    }

    /// The spec that names every setting of `policy` (resolved from `preset`), so that it reads
    /// the same whatever the preset's defaults become.
    pub fn explicit(preset: &str, p: &RetryPolicy) -> RetrySpec {
        let or_none = |d: Option<SimDuration>| Some(d.map_or(OrNone::None, |d| OrNone::Value(HumanDuration(d))));
        RetrySpec {
            preset: preset.to_string(),
            backoff: Some(p.backoff),
            base: Some(HumanDuration(p.base)),
            cap: Some(HumanDuration(p.cap)),
            multiplier_jitter: Some(
                p.multiplier_jitter
                    .map_or(OrNone::None, |(lo, hi)| OrNone::Value([lo, hi])),
            ),
            max_attempts: Some(p.max_attempts),
            attempt_timeout: or_none(p.attempt_timeout),
            deadline: or_none(p.deadline),
            honor_retry_after: Some(p.honor_retry_after),
            retry_statuses: Some(p.retry_statuses.clone()),
            retry_after_only_statuses: Some(p.retry_after_only_statuses.clone()),
            retry_timeouts: Some(p.retry_timeouts),
            retry_terminated: Some(p.retry_terminated),
            budget: Some(p.budget.clone().map_or(OrNone::None, OrNone::Value)),
        }
    }

    /// Starts from the preset, applies the overrides and validates. Errors name the field
    /// (`preset`, `max_attempts`, `budget.ratio`, ...) and what is allowed.
    pub fn resolve(&self) -> Result<RetryPolicy, String> {
        let name = if self.preset.is_empty() { "none" } else { &self.preset };
        let mut p = preset(name).ok_or_else(|| {
            format!(
                "preset: unknown retry preset \"{name}\"; known presets: {}",
                PRESETS.join(", ")
            )
        })?;
        let dur = |d: &Option<OrNone<HumanDuration>>, current: Option<SimDuration>| match d {
            None => current,
            Some(v) => v.clone().into_option().map(|h| h.0),
        };
        p.backoff = self.backoff.unwrap_or(p.backoff);
        p.base = self.base.map_or(p.base, |h| h.0);
        p.cap = self.cap.map_or(p.cap, |h| h.0);
        if let Some(m) = &self.multiplier_jitter {
            p.multiplier_jitter = m.clone().into_option().map(|[lo, hi]| (lo, hi));
        }
        p.max_attempts = self.max_attempts.unwrap_or(p.max_attempts);
        p.attempt_timeout = dur(&self.attempt_timeout, p.attempt_timeout);
        p.deadline = dur(&self.deadline, p.deadline);
        p.honor_retry_after = self.honor_retry_after.unwrap_or(p.honor_retry_after);
        if let Some(v) = &self.retry_statuses {
            p.retry_statuses = v.clone();
        }
        if let Some(v) = &self.retry_after_only_statuses {
            p.retry_after_only_statuses = v.clone();
        }
        p.retry_timeouts = self.retry_timeouts.unwrap_or(p.retry_timeouts);
        p.retry_terminated = self.retry_terminated.unwrap_or(p.retry_terminated);
        if let Some(b) = &self.budget {
            p.budget = b.clone().into_option();
        }
        p.validate()?;
        Ok(p)
    }
}

#[cfg(test)]
mod tests;
