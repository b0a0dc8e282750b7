//! The `[clients]` section of a scenario: who sends requests, how often, to which features, how
//! the services absorb them and how clients retry.

use super::validate::Invalid;
use crate::engine::SimDuration;
use crate::engine::duration::HumanDuration;
use crate::model::clients::{ClientModel, RetrySpec};
use crate::model::{Dist, Plane, Sku};
use serde::{Deserialize, Serialize};

/// `[clients]` as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientsSection {
    /// Active clients of the real deployment; default by SKU (see [`default_population`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    /// Clients simulated; each stands for `population / sample` real ones. Default 200.
    #[serde(default = "default_sample")]
    pub sample: u32,
    /// Logical requests per client per hour (Poisson). Default 60.
    #[serde(default = "default_rate")]
    pub requests_per_hour: f64,
    /// Optional daily profile of the request rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diurnal: Option<Diurnal>,
    /// Requests are simulated from this long before a disruption starts. Default `1m`.
    #[serde(default = "default_before")]
    pub before: HumanDuration,
    /// ... until this long after it ends. Default `30m`.
    #[serde(default = "default_after")]
    pub after: HumanDuration,
    /// Time an idle service takes to answer one attempt. Default `lognormal(median=50ms, sigma=0.5)`.
    #[serde(default = "default_latency")]
    pub latency: Dist,
    /// Queueing delay beyond which a service rejects new attempts (throttles). Default `10s`.
    #[serde(default = "default_max_queue_delay")]
    pub max_queue_delay: HumanDuration,
    /// Queueing delay above which a service counts as overloaded. Default `1s`.
    #[serde(default = "default_overload_delay")]
    pub overload_delay: HumanDuration,
    /// Status of a throttled attempt: 429 or 503. Default 503.
    #[serde(default = "default_throttle_status")]
    pub throttle_status: u16,
    /// Retry-After sent with throttled attempts; default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle_retry_after: Option<HumanDuration>,
    /// Retry policy: a preset and overrides.
    #[serde(default)]
    pub retry: RetrySpec,
    /// Request mix; default: every data-plane feature equally.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mix: Vec<MixEntry>,
}

/// Daily profile: rate × (1 + amplitude·cos(2π(t − peak)/24 h)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diurnal {
    /// In [0, 1].
    pub amplitude: f64,
    /// Time of day of the peak, from the replication's start (< 24 h).
    pub peak: HumanDuration,
}

/// One entry of the request mix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MixEntry {
    /// Feature name.
    pub feature: String,
    /// Relative weight (> 0).
    pub weight: f64,
}

fn default_sample() -> u32 {
    200
}
fn default_rate() -> f64 {
    60.0
}
fn hd(s: &str) -> HumanDuration {
    HumanDuration::parse(s).expect("built-in duration")
}
fn default_before() -> HumanDuration {
    hd("1m")
}
fn default_after() -> HumanDuration {
    hd("30m")
}
fn default_latency() -> Dist {
    Dist::parse("lognormal(median=50ms, sigma=0.5)").expect("built-in distribution")
}
fn default_max_queue_delay() -> HumanDuration {
    hd("10s")
}
fn default_overload_delay() -> HumanDuration {
    hd("1s")
}
fn default_throttle_status() -> u16 {
    503
}

/// Active clients by SKU. ASSUMPTION: the reference only says Standard is for a "lower scale of
/// users" and Premium for a "high scale"; we take 2 000 and 20 000 concurrently active learners.
pub fn default_population(sku: Sku) -> u64 {
    match sku {
        Sku::Standard => 2_000,
        Sku::Premium => 20_000,
    }
}

/// Validates `[clients]` against the scenario's SKU and features (`features`: name and plane).
pub fn validate_clients(c: &ClientsSection, sku: Sku, features: &[(String, Plane)]) -> Result<ClientModel, Invalid> {
    let bad = |path: &str, message: String| Err(Invalid::at(format!("clients.{path}"), message));
    let population = c.population.unwrap_or_else(|| default_population(sku));
    if population == 0 {
        return bad("population", "must be at least 1".into());
    }
    if c.sample == 0 || u64::from(c.sample) > population || c.sample > 1_000_000 {
        return bad(
            "sample",
            format!("must be between 1 and the population ({population}), and at most 1 000 000"),
        );
    }
    if !(c.requests_per_hour.is_finite() && c.requests_per_hour > 0.0 && c.requests_per_hour <= 36_000.0) {
        return bad(
            "requests_per_hour",
            format!("must be in (0, 36000], got {}", c.requests_per_hour),
        );
    }
    let diurnal = match &c.diurnal {
        None => None,
        Some(d) => {
            if !(0.0..=1.0).contains(&d.amplitude) {
                return bad("diurnal.amplitude", format!("must be in [0, 1], got {}", d.amplitude));
            }
            if d.peak.0 >= SimDuration::from_secs(86_400) {
                return bad("diurnal.peak", "must be a time of day below 24h".into());
            }
            Some((d.amplitude, d.peak.0.as_secs_f64()))
        }
    };
    for (name, v) in [
        ("max_queue_delay", c.max_queue_delay),
        ("overload_delay", c.overload_delay),
    ] {
        if v.0 == SimDuration::ZERO {
            return bad(name, "must be a positive duration (> 0s)".into());
        }
    }
    if c.throttle_status != 429 && c.throttle_status != 503 {
        return bad(
            "throttle_status",
            format!("must be 429 or 503, got {}", c.throttle_status),
        );
    }
    let policy = c
        .retry
        .resolve()
        .map_err(|message| Invalid::at("clients.retry", message))?;
    let mut entries: Vec<(usize, f64)> = Vec::new();
    if c.mix.is_empty() {
        for (i, (_, plane)) in features.iter().enumerate() {
            if *plane == Plane::Data {
                entries.push((i, 1.0));
            }
        }
        if entries.is_empty() {
            return bad(
                "mix",
                "there is no data-plane feature to send requests to; list a `mix`".into(),
            );
        }
    }
    for (i, m) in c.mix.iter().enumerate() {
        let Some(f) = features.iter().position(|(n, _)| *n == m.feature) else {
            let names: Vec<&str> = features.iter().map(|(n, _)| n.as_str()).collect();
            return bad(
                &format!("mix[{i}].feature"),
                format!(
                    "unknown feature \"{}\"; declared features: {}",
                    m.feature,
                    names.join(", ")
                ),
            );
        };
        if !(m.weight.is_finite() && m.weight > 0.0) {
            return bad(
                &format!("mix[{i}].weight"),
                format!("must be a number > 0, got {}", m.weight),
            );
        }
        entries.push((f, m.weight));
    }
    let total: f64 = entries.iter().map(|e| e.1).sum();
    let mut acc = 0.0;
    let mix = entries
        .into_iter()
        .map(|(f, w)| {
            acc += w / total;
            (f, acc)
        })
        .collect();
    Ok(ClientModel {
        population,
        sample: c.sample,
        scale: population as f64 / f64::from(c.sample),
        rate: c.requests_per_hour / 3600.0,
        diurnal,
        before: c.before.0,
        after: c.after.0,
        latency: c.latency.clone(),
        max_queue_delay: c.max_queue_delay.0,
        overload_delay: c.overload_delay.0,
        throttle_status: c.throttle_status,
        throttle_retry_after: c.throttle_retry_after.map(|d| d.0),
        policy,
        mix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(toml_text: &str) -> ClientsSection {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn defaults_follow_the_sku_and_the_data_plane_features() {
        let features = [
            ("browse".to_string(), Plane::Data),
            ("admin".to_string(), Plane::Control),
        ];
        let m = validate_clients(&section(""), Sku::Premium, &features).unwrap();
        assert_eq!(m.population, 20_000);
        assert_eq!(m.sample, 200);
        assert_eq!(m.scale, 100.0);
        assert_eq!(m.mix, vec![(0, 1.0)], "control-plane features get no default traffic");
        let m = validate_clients(&section(""), Sku::Standard, &features).unwrap();
        assert_eq!(m.population, 2_000);
    }

    #[test]
    fn diurnal_profile_peaks_at_its_hour() {
        let features = [("browse".to_string(), Plane::Data)];
        let c = section("diurnal = { amplitude = 0.5, peak = \"14h\" }");
        let m = validate_clients(&c, Sku::Premium, &features).unwrap();
        assert!((m.diurnal_factor(14.0 * 3600.0) - 1.5).abs() < 1e-12);
        assert!((m.diurnal_factor(2.0 * 3600.0) - 0.5).abs() < 1e-12);
        assert!((m.diurnal_factor(38.0 * 3600.0) - 1.5).abs() < 1e-12, "repeats daily");
    }

    #[test]
    fn mix_weights_become_cumulative_probabilities() {
        let features = [("a".to_string(), Plane::Data), ("b".to_string(), Plane::Data)];
        let c = section("mix = [{ feature = \"b\", weight = 3 }, { feature = \"a\", weight = 1 }]");
        let m = validate_clients(&c, Sku::Premium, &features).unwrap();
        assert_eq!(m.mix, vec![(1, 0.75), (0, 1.0)]);
        let c = section("sample = 0");
        assert!(
            validate_clients(&c, Sku::Premium, &features)
                .unwrap_err()
                .message
                .contains("between 1")
        );
    }
}
