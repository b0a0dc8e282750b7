//! The metric catalogue for people and scripts: `outage-sim metrics` (text, JSON) and
//! docs/metrics.md (Markdown). Pure: catalogue in, text out.

use crate::model::metric::{MetricDef, Needs, RESOLUTION_RULE};
use serde::Serialize;
use std::fmt::Write;

/// One line of the JSON listing.
#[derive(Serialize)]
struct Entry<'a> {
    path: &'a str,
    unit: &'static str,
    /// Which side is better, as `diff` judges a change: `higher`, `lower`, or null (neither).
    better: Option<&'static str>,
    meaning: &'a str,
    /// `clients`, `region_disasters`, `importance_sampling`, or null.
    needs: Option<&'static str>,
    /// Whether this scenario has what the path needs.
    available: bool,
}

/// What a listing is of.
pub struct Listing<'a> {
    /// Scenario name.
    pub scenario: &'a str,
    /// Its catalogue.
    pub metrics: &'a [MetricDef],
    /// Whether the scenario has what a path may need.
    pub has: &'a dyn Fn(Needs) -> bool,
}

impl Listing<'_> {
    fn available(&self, d: &MetricDef) -> bool {
        d.needs().is_none_or(|n| (self.has)(n))
    }

    /// Aligned text: one line per path with its unit, which side is better, what it needs and
    /// its meaning.
    pub fn text(&self) -> String {
        let mut out = format!("Metric paths of {}\n", self.scenario);
        let _ = writeln!(out, "{}\n", wrap(RESOLUTION_RULE, 100));
        let needs = |d: &MetricDef| match d.needs() {
            None => "-".to_string(),
            Some(n) if self.available(d) => n.name().to_string(),
            Some(n) => format!("{} (absent)", n.name()),
        };
        let w_path = self.metrics.iter().map(|d| d.path.chars().count()).max().unwrap_or(0);
        let w_needs = self.metrics.iter().map(|d| needs(d).chars().count()).max().unwrap_or(0);
        let _ = writeln!(
            out,
            "{:<w_path$}  {:<11}  {:<6}  {:<w_needs$}  meaning",
            "path", "unit", "better", "needs"
        );
        for d in self.metrics {
            let _ = writeln!(
                out,
                "{:<w_path$}  {:<11}  {:<6}  {:<w_needs$}  {}",
                d.path,
                d.unit().name(),
                d.metric.better().map_or("-", |b| b.name()),
                needs(d),
                d.meaning
            );
        }
        let _ = writeln!(
            out,
            "\nbetter: which side of the metric is better, as `diff` judges a change (higher, lower; - for \
             neither: shares of misses by cause, the disaster rate, importance-sampling checks)."
        );
        if self.metrics.iter().any(|d| !self.available(d)) {
            let _ = writeln!(
                out,
                "\n(absent): this scenario lacks what the path needs; a [clients] path is rejected, the others \
                 have no data (judged inconclusive by `check`)."
            );
        }
        out
    }

    /// `{"scenario", "rule", "metrics": [{path, unit, better, meaning, needs, available}]}`, pretty.
    pub fn json(&self) -> String {
        let entries: Vec<Entry<'_>> = self
            .metrics
            .iter()
            .map(|d| Entry {
                path: &d.path,
                unit: d.unit().name(),
                better: d.metric.better().map(|b| b.name()),
                meaning: &d.meaning,
                needs: d.needs().map(Needs::key),
                available: self.available(d),
            })
            .collect();
        let doc = serde_json::json!({
            "scenario": self.scenario,
            "rule": RESOLUTION_RULE,
            "metrics": entries,
        });
        serde_json::to_string_pretty(&doc).expect("listing serializes")
    }
}

/// docs/metrics.md: the catalogue of any scenario as a Markdown table (path | unit | better |
/// meaning | needs), under the resolution rule.
pub fn markdown(metrics: &[MetricDef]) -> String {
    let mut out = String::from(
        "# Metric paths\n\n\
         <!-- Generated from the catalogue (src/model/metric); do not edit. Regenerate with\n\
         UPDATE_DOCS=1 cargo test --release --test integration docs -->\n\n",
    );
    let _ = writeln!(
        out,
        "Every metric that `[expect]`, `run --precision`, `sweep --metric`, `sensitivity --metric` and \
         `compare` name, and where its value sits in `summary.json` (schema version 2). \
         `outage-sim metrics [FILE]` prints the same list for one scenario, its features expanded.\n"
    );
    let _ = writeln!(out, "{}\n", RESOLUTION_RULE.replace("summary.json", "`summary.json`"));
    let _ = writeln!(
        out,
        "Units: a duration is written with a unit in thresholds (`\"<= 48h\"`) and is in seconds in \
         `summary.json`; a probability is a number in [0, 1]; a number is a plain number. A path that \
         needs `[clients]` is rejected in a scenario without; one that needs region disasters or importance \
         sampling has no data without them.\n"
    );
    let _ = writeln!(
        out,
        "Better: which side of the metric is better — `higher` or `lower` — as `outage-sim diff` judges a \
         change (improved or regressed); empty for metrics that are neither (shares of misses by cause, the \
         disaster rate, importance-sampling checks), which `diff` reports without judging.\n"
    );
    out.push_str("| path | unit | better | meaning | needs |\n|---|---|---|---|---|\n");
    for d in metrics {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            d.path,
            d.unit().name(),
            d.metric.better().map_or("", |b| b.name()),
            d.meaning.replace('|', "\\|"),
            d.needs().map_or("", Needs::name)
        );
    }
    out
}

/// `text` broken into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        if line > 0 && line + 1 + word.chars().count() > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.chars().count();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Plane;
    use crate::model::metric::catalogue;

    #[test]
    fn listings_mark_what_a_scenario_lacks() {
        let defs = catalogue(&[("browse-learn".into(), Plane::Data)]);
        let has = |n: Needs| n == Needs::RegionDisasters;
        let l = Listing {
            scenario: "s",
            metrics: &defs,
            has: &has,
        };
        let text = l.text();
        let line = |p: &str| {
            text.lines()
                .find(|l| l.starts_with(&format!("{p} ")))
                .unwrap_or_else(|| panic!("{p} in {text}"))
        };
        assert!(line("availability.browse-learn").contains("probability"));
        assert!(line("clients.latency.p99").contains("[clients] (absent)"));
        assert!(line("region_disasters.per_replication").contains("region disasters  "));
        assert!(line("importance_sampling.p_any_disaster").contains("importance sampling (absent)"));
        assert!(text.contains("(absent): this scenario lacks"));
        let json: serde_json::Value = serde_json::from_str(&l.json()).unwrap();
        let metrics = json["metrics"].as_array().unwrap();
        assert_eq!(metrics.len(), defs.len());
        let latency = metrics.iter().find(|m| m["path"] == "clients.latency.p99").unwrap();
        assert_eq!(latency["needs"], "clients");
        assert_eq!(latency["available"], false);
        assert_eq!(latency["unit"], "duration");
        let md = markdown(&defs);
        assert!(md.contains("| `zone_incidents.data_plane.rto.p95` | duration | lower | 95th percentile of"));
        assert!(md.contains("| `clients.retry_amplification` | number | lower | "));
        assert!(md.contains("| `availability.browse-learn` | probability | higher | "));
        assert!(line("availability.browse-learn").contains("probability  higher"));
        assert_eq!(
            metrics
                .iter()
                .find(|m| m["path"] == "availability.browse-learn")
                .unwrap()["better"],
            "higher"
        );
        assert_eq!(wrap("aa bb cc", 5), "aa bb\ncc");
    }
}
