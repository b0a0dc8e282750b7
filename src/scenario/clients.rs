//! The `[clients]` section of a scenario: who sends requests, how often, to which features, how
//! the services absorb them and how clients retry.

use super::defaults;
use super::validate::Invalid;
use crate::engine::SimDuration;
use crate::engine::duration::HumanDuration;
use crate::model::clients::{ClientModel, RetrySpec};
use crate::model::{Dist, Plane, Sku};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Request-level simulation around every disruption: simulated clients send requests to the
/// features, each request's attempts queue at the services the feature needs, and clients retry
/// by their retry policy. Each simulated client stands for `population / sample` real ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientsSection {
    /// Active clients of the real deployment; at least 1. The defaults are assumptions: Standard
    /// is for a "lower scale of users", Premium for a "high scale".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = defaults::described::population()))]
    pub population: Option<u64>,
    /// Clients simulated; between 1 and the population, at most 1 000 000. More is slower and
    /// more precise.
    #[serde(default = "defaults::client_sample")]
    pub sample: u32,
    /// Logical requests per client per hour (a Poisson process, before the diurnal profile); in
    /// (0, 36000].
    #[serde(default = "defaults::requests_per_hour")]
    pub requests_per_hour: f64,
    /// Daily profile of the request rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "none: a flat rate"))]
    pub diurnal: Option<Diurnal>,
    /// Requests are simulated from this long before a disruption starts ...
    #[serde(default = "defaults::clients_before")]
    pub before: HumanDuration,
    /// ... until this long after it ends, so that the retries it caused play out.
    #[serde(default = "defaults::clients_after")]
    pub after: HumanDuration,
    /// Time an idle service takes to answer one attempt; queueing comes on top.
    #[serde(default = "defaults::latency")]
    pub latency: Dist,
    /// Queueing delay beyond which a service rejects new attempts (throttles them with
    /// `throttle_status`); > 0.
    #[serde(default = "defaults::max_queue_delay")]
    pub max_queue_delay: HumanDuration,
    /// Queueing delay above which a service counts as overloaded (the client metrics measure how
    /// long services stay overloaded after a disruption); > 0.
    #[serde(default = "defaults::overload_delay")]
    pub overload_delay: HumanDuration,
    /// HTTP status of a throttled attempt: 429 (Too Many Requests) or 503 (Service Unavailable);
    /// a retry policy retries it if its `retry_statuses` list it.
    #[serde(default = "defaults::throttle_status")]
    pub throttle_status: u16,
    /// Retry-After sent with throttled attempts; policies with `honor_retry_after` wait at least
    /// this long.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "none: no Retry-After"))]
    pub throttle_retry_after: Option<HumanDuration>,
    /// Retry policy of every client: a named preset and any settings overridden, e.g.
    /// `retry = { preset = "aws-standard", max_attempts = 5 }`.
    #[serde(default)]
    pub retry: RetrySpec,
    /// Request mix: which features the requests go to, with relative weights.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-default" = "every data-plane feature, with weight 1"))]
    pub mix: Vec<MixEntry>,
}

/// Daily profile of the request rate: rate × (1 + amplitude · cos(2π (t − peak) / 24 h)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diurnal {
    /// Relative swing of the rate around its mean, in [0, 1]; 0.5: from half to one and a half
    /// times the mean.
    pub amplitude: f64,
    /// Time of day of the peak, counted from the start of the replication; below 24 h.
    pub peak: HumanDuration,
}

/// One entry of the request mix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MixEntry {
    /// Name of a feature (`[[features]] name`).
    pub feature: String,
    /// Relative weight, > 0: the share of requests is weight / sum of weights.
    pub weight: f64,
    /// Fraction of the feature's requests that are writes, in [0, 1]. It matters only while the
    /// feature's plane runs read-only in the paired region (the control plane after a recovery
    /// into the pair): writes are then refused with 403, reads are served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "1 for a control-plane feature (every request a write), 0 for a data-plane one"))]
    pub writes: Option<f64>,
}

/// Longest `before` and `after`: 7 days. Requests are simulated one by one over them (4 × `after`
/// while an overload lasts), so they bound the work of every disruption; the replication's event
/// budget (`--max-events`) bounds the rest (many clients at a high rate).
pub const MAX_PADDING: SimDuration = SimDuration::from_secs(7 * 86_400);

fn bad<T>(path: &str, message: String) -> Result<T, Invalid> {
    Err(Invalid::at(format!("clients.{path}"), message))
}

/// Validates `[clients]` against the scenario's SKU and features (`features`: name and plane);
/// writes the defaults it applies (population, mix, every retry setting) into `c`.
pub fn validate_clients(
    c: &mut ClientsSection,
    sku: Sku,
    features: &[(String, Plane)],
) -> Result<ClientModel, Invalid> {
    let population = *c.population.get_or_insert_with(|| defaults::population(sku));
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
    for (name, v) in [("before", c.before), ("after", c.after)] {
        if v.0 > MAX_PADDING {
            return bad(
                name,
                format!(
                    "at most {} (requests are simulated one by one from `before` ahead of a disruption to `after` \
                     past it), got {v}",
                    crate::engine::duration::format_duration(MAX_PADDING)
                ),
            );
        }
    }
    let diurnal = c.diurnal.as_ref().map(diurnal).transpose()?;
    check_services(c)?;
    let policy = c
        .retry
        .resolve()
        .map_err(|message| Invalid::at("clients.retry", message))?;
    // The canonical form names every setting of the resolved policy, not just the preset's name.
    c.retry = RetrySpec::explicit(&c.retry.preset, &policy);
    let mix = mix(&mut c.mix, features)?;
    let writes = writes(&c.mix, features)?;
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
        writes,
    })
}

/// Fraction of writes per feature (by index): as given in the mix, else 1 for a control-plane
/// feature and 0 for a data-plane one.
fn writes(entries: &[MixEntry], features: &[(String, Plane)]) -> Result<Vec<f64>, Invalid> {
    let mut out: Vec<f64> = features
        .iter()
        .map(|(_, plane)| if *plane == Plane::Control { 1.0 } else { 0.0 })
        .collect();
    for (i, m) in entries.iter().enumerate() {
        let Some(w) = m.writes else { continue };
        if !(0.0..=1.0).contains(&w) {
            return bad(&format!("mix[{i}].writes"), format!("must be in [0, 1], got {w}"));
        }
        if let Some(f) = features.iter().position(|(n, _)| *n == m.feature) {
            out[f] = w;
        }
    }
    Ok(out)
}

/// The daily profile as (amplitude, peak in seconds of the day).
fn diurnal(d: &Diurnal) -> Result<(f64, f64), Invalid> {
    if !(0.0..=1.0).contains(&d.amplitude) {
        return bad("diurnal.amplitude", format!("must be in [0, 1], got {}", d.amplitude));
    }
    if d.peak.0 >= SimDuration::from_secs(86_400) {
        return bad("diurnal.peak", "must be a time of day below 24h".into());
    }
    Ok((d.amplitude, d.peak.0.as_secs_f64()))
}

/// How the services absorb load: the queueing thresholds and the throttling status.
fn check_services(c: &ClientsSection) -> Result<(), Invalid> {
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
    Ok(())
}

/// The request mix as (feature index, cumulative probability), increasing; an empty mix becomes
/// every data-plane feature with weight 1 (written back into `entries`).
fn mix(entries: &mut Vec<MixEntry>, features: &[(String, Plane)]) -> Result<Vec<(usize, f64)>, Invalid> {
    if entries.is_empty() {
        *entries = features
            .iter()
            .filter(|(_, plane)| *plane == Plane::Data)
            .map(|(name, _)| MixEntry {
                feature: name.clone(),
                weight: 1.0,
                writes: None,
            })
            .collect();
        if entries.is_empty() {
            return bad(
                "mix",
                "there is no data-plane feature to send requests to; list a `mix`".into(),
            );
        }
    }
    let mut weighted: Vec<(usize, f64)> = Vec::new();
    for (i, m) in entries.iter().enumerate() {
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
        weighted.push((f, m.weight));
    }
    let total: f64 = weighted.iter().map(|e| e.1).sum();
    let mut acc = 0.0;
    Ok(weighted
        .into_iter()
        .map(|(f, w)| {
            acc += w / total;
            (f, acc)
        })
        .collect())
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
        let m = validate_clients(&mut section(""), Sku::Premium, &features).unwrap();
        assert_eq!(m.population, 20_000);
        assert_eq!(m.sample, 200);
        assert_eq!(m.scale, 100.0);
        assert_eq!(m.mix, vec![(0, 1.0)], "control-plane features get no default traffic");
        let m = validate_clients(&mut section(""), Sku::Standard, &features).unwrap();
        assert_eq!(m.population, 2_000);
    }

    #[test]
    fn diurnal_profile_peaks_at_its_hour() {
        let features = [("browse".to_string(), Plane::Data)];
        let mut c = section("diurnal = { amplitude = 0.5, peak = \"14h\" }");
        let m = validate_clients(&mut c, Sku::Premium, &features).unwrap();
        assert!((m.diurnal_factor(14.0 * 3600.0) - 1.5).abs() < 1e-12);
        assert!((m.diurnal_factor(2.0 * 3600.0) - 0.5).abs() < 1e-12);
        assert!((m.diurnal_factor(38.0 * 3600.0) - 1.5).abs() < 1e-12, "repeats daily");
    }

    #[test]
    fn mix_weights_become_cumulative_probabilities() {
        let features = [("a".to_string(), Plane::Data), ("b".to_string(), Plane::Data)];
        let mut c = section("mix = [{ feature = \"b\", weight = 3 }, { feature = \"a\", weight = 1 }]");
        let m = validate_clients(&mut c, Sku::Premium, &features).unwrap();
        assert_eq!(m.mix, vec![(1, 0.75), (0, 1.0)]);
        let mut c = section("sample = 0");
        assert!(
            validate_clients(&mut c, Sku::Premium, &features)
                .unwrap_err()
                .message
                .contains("between 1")
        );
    }
}
