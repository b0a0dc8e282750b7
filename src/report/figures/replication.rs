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

    /// Whether the lane has an open span (a state other than up).
    fn is_open(&self, group: &str, label: &str) -> bool {
        self.open.contains_key(&Self::key(group, label))
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

/// The spans of a recovery's stages `(name, start, planned end)` when it was abandoned at `cut`
/// (the primary came back first): what ran before it in the stage's colour, what was planned
/// after it as [`LaneState::Abandoned`], never as if it happened.
fn stage_spans<'a>(stages: &[(&'a str, f64, f64)], cut: Option<f64>) -> Vec<(&'a str, f64, f64, LaneState)> {
    let mut out = Vec::new();
    for &(name, a, b) in stages {
        match cut {
            Some(c) if a >= c => out.push((name, a, b, LaneState::Abandoned)),
            Some(c) if b > c => {
                out.push((name, a, c, stage_state(name)));
                out.push((name, c, b, LaneState::Abandoned));
            }
            _ => out.push((name, a, b, stage_state(name))),
        }
    }
    out
}

/// How a plane running in the pair serves: the control plane read-only, the data plane in full.
fn pair_state(plane: &str) -> LaneState {
    if plane == crate::model::Plane::Control.key() {
        LaneState::ReadOnly
    } else {
        LaneState::ServingFromPair
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
    // Planes running in the pair: they are up there, shown as served from the pair (the
    // control plane as read-only: it refuses writes there).
    let mut in_pair: Vec<String> = Vec::new();
    // When a recovery was abandoned because the primary came back first.
    let mut abandoned: Vec<f64> = Vec::new();
    for r in records {
        let t = r.time_s;
        match r.event {
            "failure" | "fault-start" => lanes.set("failures", &r.entity, t, LaneState::Down),
            "repaired" | "fault-end" => lanes.set("failures", &r.entity, t, LaneState::Up),
            "failover-start" => lanes.set("services", &r.entity, t, LaneState::Failover),
            "service-down" => lanes.set("services", &r.entity, t, LaneState::Down),
            "service-up" => lanes.set("services", &r.entity, t, LaneState::Up),
            "incident-open" => lanes.set("planes", &r.entity, t, LaneState::Down),
            "pair-serves" => {
                in_pair.push(r.entity.clone());
                // Served from the pair from now on, also when the plane's incident had already
                // closed (its row would otherwise stay blank).
                if !lanes.is_open("planes", &r.entity) {
                    lanes.set("planes", &r.entity, t, pair_state(&r.entity));
                }
            }
            "recovery-abandoned" => abandoned.push(t),
            "recovery-end" if r.detail.contains("came back first") => abandoned.push(t),
            "incident-close" => {
                // An incident that was only a failover window is shown as failing over.
                if r.detail.starts_with("failover") {
                    lanes.relabel_open("planes", &r.entity, LaneState::Down, LaneState::Failover);
                }
                let state = if in_pair.contains(&r.entity) {
                    pair_state(&r.entity)
                } else {
                    LaneState::Up
                };
                lanes.set("planes", &r.entity, t, state)
            }
            "failback-start" => lanes.set("recovery", "failback", t, LaneState::Failover),
            "failback-end" => {
                for plane in std::mem::take(&mut in_pair) {
                    lanes.set("planes", &plane, t, LaneState::Up);
                }
                lanes.set("recovery", "failback", t, LaneState::Up)
            }
            _ => {}
        }
    }
    abandoned.sort_by(f64::total_cmp);
    for (k, rec) in outcome.recoveries.iter().enumerate() {
        // The recovery was abandoned at the first abandonment after it began (and before the
        // next one began): stages planned past it did not happen.
        let next = outcome
            .recoveries
            .get(k + 1)
            .map_or(f64::INFINITY, |n| n.start.as_secs_f64());
        let cut = abandoned
            .iter()
            .copied()
            .find(|&t| t >= rec.start.as_secs_f64() && t < next);
        let stages: Vec<(&str, f64, f64)> = rec
            .stages
            .iter()
            .filter(|st| st.name != "failback")
            .map(|st| (st.name, st.start.as_secs_f64(), st.end.as_secs_f64()))
            .collect();
        for (name, a, b, state) in stage_spans(&stages, cut) {
            lanes.span("recovery", name, a, b, state);
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
/// per second (real clients) with the entry services' capacity, and attempts per new request,
/// with the trigger shaded.
///
/// Only the bins within the episode's arrivals are drawn: after the last new request only the
/// retries of earlier ones are simulated, so neither the traffic nor the ratio there describe
/// the clients. The ratio counts each request's attempts in the bin its request arrived in
/// (dividing the attempts sent in a bin by the requests new in it would count retries of earlier
/// requests against few new ones — 65 attempts per request at the end of the window).
pub(crate) fn retry_amplification(name: &str, scale: f64, rep: u64, timeline: &TrafficTimeline) -> Vec<Figure> {
    let (start, end) = timeline.triggers[0];
    let origin = start.as_secs_f64();
    let (from, to) = timeline
        .arrivals
        .first()
        .map_or((0.0, f64::INFINITY), |&(a, b)| (a.as_secs_f64(), b.as_secs_f64()));
    let per_s = scale / BIN_S as f64;
    let (mut requests, mut attempts, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for (&b, &[logical, tries, of_new]) in &timeline.bins {
        let (lo, hi) = ((b * BIN_S) as f64, ((b + 1) * BIN_S) as f64);
        // Whole bins within the arrivals only.
        if lo < from || hi > to {
            continue;
        }
        let t = lo - origin;
        requests.push((t, logical as f64 * per_s));
        attempts.push((t, tries as f64 * per_s));
        if logical > 0 {
            ratio.push((t, of_new as f64 / logical as f64));
        }
    }
    // The capacity as a step line over the same span.
    let last = attempts.last().map_or(0.0, |&(t, _)| t + BIN_S as f64);
    let first = attempts.first().map_or(0.0, |&(t, _)| t);
    let mut capacity: Vec<(f64, f64)> = Vec::new();
    let mut current = None;
    for &(t, c) in &timeline.capacity {
        let x = t.as_secs_f64() - origin;
        if x <= first {
            current = Some(c);
            continue;
        }
        if x >= last {
            break;
        }
        if let Some(prev) = current.or(capacity.last().map(|p| p.1)) {
            if capacity.is_empty() {
                capacity.push((first, prev));
            }
            capacity.push((x, prev));
        }
        capacity.push((x, c));
        current = None;
    }
    if let Some(c) = current.or(capacity.last().map(|p| p.1)) {
        if capacity.is_empty() {
            capacity.push((first, c));
        }
        capacity.push((last, c));
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
                title: format!("Retry amplification through a failover: {name}"),
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
                    Series {
                        label: "capacity of the entry services (requests/s)".into(),
                        points: capacity,
                    },
                ],
                shaded: shaded.clone(),
            }),
        },
        Figure {
            name: "retry-amplification".into(),
            title: "Attempts per request over time, by its arrival".into(),
            spec: ChartSpec::Series(SeriesChart {
                title: "Retry amplification over time (attempts per request, by its arrival)".into(),
                x_label,
                y_label: "attempts per request arriving in the bin".into(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;
    use crate::report::charts::{Format, render};

    #[test]
    fn stages_after_an_abandonment_are_marked_not_drawn_as_done() {
        let stages = [
            ("consent", 0.0, 10.0),
            ("create-resources", 10.0, 50.0),
            ("validation", 50.0, 60.0),
        ];
        let spans = stage_spans(&stages, Some(30.0));
        assert_eq!(
            spans,
            [
                ("consent", 0.0, 10.0, LaneState::Recovering),
                ("create-resources", 10.0, 30.0, LaneState::Recovering),
                ("create-resources", 30.0, 50.0, LaneState::Abandoned),
                ("validation", 50.0, 60.0, LaneState::Abandoned),
            ]
        );
        // Not abandoned: as planned.
        assert!(stage_spans(&stages, None).iter().all(|s| s.3 != LaneState::Abandoned));
    }

    #[test]
    fn the_control_plane_in_the_pair_is_read_only() {
        assert_eq!(pair_state("control_plane"), LaneState::ReadOnly);
        assert_eq!(pair_state("data_plane"), LaneState::ServingFromPair);
    }

    /// The retry storm's last bins: new requests stop at the end of the arrivals while retries
    /// of earlier ones go on. Dividing the attempts sent in a bin by the requests new in it gave
    /// 65 attempts per request there; counting each request's attempts in its arrival bin, and
    /// drawing only the bins within the arrivals, leaves no spike. The capacity is drawn.
    #[test]
    fn the_retry_charts_have_no_spike_at_the_end_and_show_capacity() {
        let s = crate::stats::TICKS_PER_SECOND;
        let mut t = TrafficTimeline::new(TRAFFIC_BIN);
        t.triggers.push((SimTime(60 * s), SimTime(90 * s)));
        // Arrivals from 0 to 200 s; 10 requests per bin, each sent 10 times.
        t.arrivals.push((SimTime(0), SimTime(200 * s)));
        for bin in 0..20u64 {
            t.bins.insert(bin, [10, 100, 100]);
        }
        // After the arrivals: retries only.
        t.bins.insert(20, [0, 300, 0]);
        t.bins.insert(21, [0, 200, 0]);
        t.capacity.push((SimTime(0), 600.0));
        t.capacity.push((SimTime(60 * s), 400.0));
        t.capacity.push((SimTime(150 * s), 600.0));
        let figures = retry_amplification("storm", 100.0, 0, &t);
        let ChartSpec::Series(traffic) = &figures[0].spec else {
            panic!()
        };
        let capacity = traffic
            .series
            .iter()
            .find(|s| s.label.starts_with("capacity"))
            .expect("a capacity line");
        let levels: Vec<f64> = capacity.points.iter().map(|p| p.1).collect();
        assert!(levels.contains(&400.0) && levels.contains(&600.0), "{levels:?}");
        // No point past the arrivals.
        for series in &traffic.series {
            assert!(series.points.iter().all(|p| p.0 + 60.0 <= 200.0), "{}", series.label);
        }
        let ChartSpec::Series(ratio) = &figures[1].spec else {
            panic!()
        };
        assert!(
            ratio.series[0].points.iter().all(|p| p.1 == 10.0),
            "{:?}",
            ratio.series[0].points
        );
        let svg = String::from_utf8(render(&figures[0].spec, Format::Svg).unwrap()).unwrap();
        assert!(svg.contains("capacity of the entry services"));
    }
}
