//! Charts of one replication (replayed by [`crate::montecarlo::exemplar`]): its timeline, and the
//! clients' retries through its first failover.

use super::Figure;
use crate::model::clients::TrafficTimeline;
use crate::model::{IncidentKind, ReplicationOutcome, Scenario};
use crate::montecarlo::exemplar::Exemplar;
use crate::report::charts::{
    AxisUnit, ChartSpec, Lane, LaneState, Series, SeriesChart, ShadedInterval, Span, TimelineChart,
};
use std::collections::HashMap;

/// The window to show: around the first disaster, else the first outage, else the first incident.
fn window(o: &ReplicationOutcome, horizon: f64) -> Option<(f64, f64)> {
    const HOUR: f64 = 3600.0;
    if let Some(d) = o.disasters.first() {
        let end = d
            .serving
            .iter()
            .chain([&d.control_plane_full])
            .map(|t| t.map_or(horizon, |t| t.as_secs_f64()))
            .fold(d.start.as_secs_f64(), f64::max)
            .max(d.start.as_secs_f64() + d.media_unavailable.as_secs_f64());
        return Some((
            (d.start.as_secs_f64() - 2.0 * HOUR).max(0.0),
            (end + 2.0 * HOUR).min(horizon),
        ));
    }
    let first = o
        .incidents
        .iter()
        .find(|i| i.kind == IncidentKind::Outage)
        .or_else(|| o.incidents.first())?;
    let (a, b) = (first.start.as_secs_f64(), first.end.as_secs_f64());
    let pad = ((b - a) * 0.5).max(60.0);
    Some(((a - pad).max(0.0), (b + pad).min(horizon)))
}

/// Spans opened and closed by events, per (group, lane).
#[derive(Default)]
struct Lanes {
    order: Vec<(String, String)>,
    spans: HashMap<(String, String), Vec<Span>>,
    open: HashMap<(String, String), (f64, LaneState)>,
}

impl Lanes {
    fn key(group: &str, label: &str) -> (String, String) {
        (group.to_string(), label.to_string())
    }

    /// Closes the lane's open span at `t` and opens one in `state` (none for `Up`).
    fn set(&mut self, group: &str, label: &str, t: f64, state: LaneState) {
        let key = Self::key(group, label);
        if !self.order.contains(&key) {
            self.order.push(key.clone());
        }
        if let Some((start, s)) = self.open.remove(&key) {
            self.spans.entry(key.clone()).or_default().push(Span {
                start_s: start,
                end_s: t,
                state: s,
            });
        }
        if state != LaneState::Up {
            self.open.insert(key, (t, state));
        }
    }

    /// The lane's open span becomes `to` if it is in state `from`.
    fn relabel_open(&mut self, group: &str, label: &str, from: LaneState, to: LaneState) {
        if let Some((_, state)) = self.open.get_mut(&Self::key(group, label))
            && *state == from
        {
            *state = to;
        }
    }

    fn span(&mut self, group: &str, label: &str, start_s: f64, end_s: f64, state: LaneState) {
        let key = Self::key(group, label);
        if !self.order.contains(&key) {
            self.order.push(key.clone());
        }
        self.spans.entry(key).or_default().push(Span { start_s, end_s, state });
    }

    fn finish(mut self, horizon: f64, window: Option<(f64, f64)>) -> Vec<Lane> {
        let open: Vec<_> = self.open.keys().cloned().collect();
        for (g, l) in open {
            self.set(&g, &l, horizon, LaneState::Up);
        }
        let visible = |s: &Span| window.is_none_or(|(a, b)| s.end_s >= a && s.start_s <= b);
        self.order
            .into_iter()
            .filter_map(|key| {
                let spans: Vec<Span> = self.spans.remove(&key)?.into_iter().filter(visible).collect();
                (!spans.is_empty()).then_some(Lane {
                    group: key.0,
                    label: key.1,
                    spans,
                })
            })
            .collect()
    }
}

fn stage_state(name: &str) -> LaneState {
    if name.contains("restore") {
        LaneState::Restoring
    } else if name.contains("failover") || name.contains("switch") {
        LaneState::Failover
    } else {
        LaneState::Recovering
    }
}

/// The Gantt chart of one replication: failures, services, planes and recovery stages.
pub(crate) fn timeline(s: &Scenario, e: &Exemplar) -> Figure {
    let (rep, why, records, outcome) = (e.replication, e.why, &e.records, &e.outcome);
    let horizon = s.horizon.as_secs_f64();
    let mut lanes = Lanes::default();
    // Planes running in the pair: they are up there, shown as served from the pair.
    let mut in_pair: Vec<String> = Vec::new();
    for r in records {
        let t = r.time_s;
        match r.event {
            "failure" | "fault-start" => lanes.set("failures", &r.entity, t, LaneState::Down),
            "repaired" | "fault-end" => lanes.set("failures", &r.entity, t, LaneState::Up),
            "failover-start" => lanes.set("services", &r.entity, t, LaneState::Failover),
            "service-down" => lanes.set("services", &r.entity, t, LaneState::Down),
            "service-up" => lanes.set("services", &r.entity, t, LaneState::Up),
            "incident-open" => lanes.set("planes", &r.entity, t, LaneState::Down),
            "pair-serves" => in_pair.push(r.entity.clone()),
            "incident-close" => {
                // An incident that was only a failover window is shown as failing over.
                if r.detail.starts_with("failover") {
                    lanes.relabel_open("planes", &r.entity, LaneState::Down, LaneState::Failover);
                }
                let state = if in_pair.contains(&r.entity) {
                    LaneState::ServingFromPair
                } else {
                    LaneState::Up
                };
                lanes.set("planes", &r.entity, t, state)
            }
            "failback-start" => lanes.set("recovery", "failback", t, LaneState::Failover),
            "failback-end" => {
                in_pair.clear();
                lanes.set("recovery", "failback", t, LaneState::Up)
            }
            _ => {}
        }
    }
    for rec in &outcome.recoveries {
        for st in rec.stages.iter().filter(|st| st.name != "failback") {
            lanes.span(
                "recovery",
                st.name,
                st.start.as_secs_f64(),
                st.end.as_secs_f64(),
                stage_state(st.name),
            );
        }
    }
    let window = window(outcome, horizon);
    let title = format!("Replication {rep} of {} ({why})", s.name);
    Figure {
        name: "timeline".into(),
        title: title.clone(),
        spec: ChartSpec::Timeline(TimelineChart {
            title,
            lanes: lanes.finish(horizon, window),
            window,
        }),
    }
}

/// Width of the traffic bins of the retry charts, seconds.
const BIN_S: u64 = 10;
/// The same width in ticks, for the replay.
pub(crate) const TRAFFIC_BIN: u64 = BIN_S * crate::stats::TICKS_PER_SECOND;

/// Retry amplification through the first failover that clients saw: attempts and new requests
/// per second (real clients), and attempts per new request, with the trigger shaded.
pub(crate) fn retry_amplification(s: &Scenario, scale: f64, rep: u64, timeline: &TrafficTimeline) -> Vec<Figure> {
    let (start, end) = timeline.triggers[0];
    let origin = start.as_secs_f64();
    let per_s = scale / BIN_S as f64;
    let (mut requests, mut attempts, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for (&b, &[logical, tries]) in &timeline.bins {
        let t = (b * BIN_S) as f64 - origin;
        requests.push((t, logical as f64 * per_s));
        attempts.push((t, tries as f64 * per_s));
        if logical > 0 {
            ratio.push((t, tries as f64 / logical as f64));
        }
    }
    let shaded = vec![ShadedInterval {
        start_s: 0.0,
        end_s: end.as_secs_f64() - origin,
        label: "services disrupted".into(),
    }];
    let x_label = format!("time since the disruption began (replication {rep}, {BIN_S} s bins)");
    vec![
        Figure {
            name: "retry-traffic".into(),
            title: "Attempts and new requests per second through the first failover".into(),
            spec: ChartSpec::Series(SeriesChart {
                title: format!("Retry amplification through a failover: {}", s.name),
                x_label: x_label.clone(),
                y_label: "requests/s (real clients)".into(),
                y_unit: AxisUnit::Number,
                series: vec![
                    Series {
                        label: "attempts (first tries and retries)".into(),
                        points: attempts,
                    },
                    Series {
                        label: "new logical requests".into(),
                        points: requests,
                    },
                ],
                shaded: shaded.clone(),
            }),
        },
        Figure {
            name: "retry-amplification".into(),
            title: "Attempts per new request over time".into(),
            spec: ChartSpec::Series(SeriesChart {
                title: "Retry amplification over time (attempts per new request)".into(),
                x_label,
                y_label: "attempts per new request".into(),
                y_unit: AxisUnit::Number,
                series: vec![Series {
                    label: String::new(),
                    points: ratio,
                }],
                shaded,
            }),
        },
    ]
}
