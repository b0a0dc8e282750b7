//! A Gantt chart of one replication: lanes (zones, services, planes, recovery stages) in groups,
//! each a row of spans coloured by state.

use super::ChartError;
use super::axis::{Axis, AxisUnit, CategoryAxis, Scale, format_duration};
use super::frame;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The lanes of one replication over time.
#[derive(Clone, Debug)]
pub struct TimelineChart {
    /// Chart title.
    pub title: String,
    /// Lanes, drawn top to bottom; lanes of one group are drawn together under a header row,
    /// groups in order of first appearance.
    pub lanes: Vec<Lane>,
    /// Only `(start_s, end_s)` of the run is shown, and the time axis counts from `start_s`;
    /// `None` shows all spans, counting from 0.
    pub window: Option<(f64, f64)>,
}

/// One row of the timeline.
#[derive(Clone, Debug)]
pub struct Lane {
    /// The group the lane belongs to, e.g. "zones" or "recovery".
    pub group: String,
    /// Row label, e.g. "eu-west-1a".
    pub label: String,
    /// What the lane was doing when; gaps are drawn empty.
    pub spans: Vec<Span>,
}

/// A state held from `start_s` to `end_s` (seconds since the start of the run).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    /// Start, in seconds since the start of the run.
    pub start_s: f64,
    /// End, in seconds since the start of the run; equal to `start_s` marks an instant.
    pub end_s: f64,
    /// What the lane was doing.
    pub state: LaneState,
}

/// What a lane is doing during a span; each has its own colour in the legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LaneState {
    /// Serving normally.
    Up,
    /// Serving with reduced capacity or quality.
    Degraded,
    /// Serving reads only.
    ReadOnly,
    /// Serving from the paired region or zone.
    ServingFromPair,
    /// Switching over to a standby.
    Failover,
    /// Restoring data from a backup or replica.
    Restoring,
    /// Coming back after the cause is fixed.
    Recovering,
    /// Planned but not carried out: the rest of a recovery stage abandoned because the primary
    /// came back first.
    Abandoned,
    /// Not serving.
    Down,
}

impl LaneState {
    /// Every state, in legend order.
    pub const ALL: [LaneState; 9] = [
        LaneState::Up,
        LaneState::Degraded,
        LaneState::ReadOnly,
        LaneState::ServingFromPair,
        LaneState::Failover,
        LaneState::Restoring,
        LaneState::Recovering,
        LaneState::Abandoned,
        LaneState::Down,
    ];

    /// Legend text.
    pub fn name(self) -> &'static str {
        match self {
            LaneState::Up => "up",
            LaneState::Degraded => "degraded",
            LaneState::ReadOnly => "read-only",
            LaneState::ServingFromPair => "serving from pair",
            LaneState::Failover => "failover",
            LaneState::Restoring => "restoring",
            LaneState::Recovering => "recovering",
            LaneState::Abandoned => "abandoned (primary back first)",
            LaneState::Down => "down",
        }
    }

    /// Green for up through red for down, with blues and purples for the recovery work between.
    fn color(self) -> RGBColor {
        match self {
            LaneState::Up => RGBColor(170, 220, 170),
            LaneState::Degraded => RGBColor(240, 200, 60),
            LaneState::ReadOnly => RGBColor(150, 200, 240),
            LaneState::ServingFromPair => RGBColor(0, 158, 115),
            LaneState::Failover => RGBColor(204, 121, 167),
            LaneState::Restoring => RGBColor(0, 114, 178),
            LaneState::Recovering => RGBColor(230, 130, 0),
            LaneState::Abandoned => RGBColor(215, 215, 215),
            LaneState::Down => RGBColor(200, 30, 30),
        }
    }
}

/// A drawn row: a group header or a lane.
enum Row<'a> {
    Header(&'a str),
    Lane(&'a Lane),
}

impl TimelineChart {
    pub(crate) fn validate(&self) -> Result<(), ChartError> {
        for lane in &self.lanes {
            let what = format!("timeline lane '{}'", lane.label);
            frame::finite(&what, lane.spans.iter().flat_map(|s| [s.start_s, s.end_s]))?;
        }
        frame::finite("timeline window", self.window.iter().flat_map(|&(a, b)| [a, b]))
    }

    /// Header and lane rows, for sizing the chart.
    pub(crate) fn row_count(&self) -> usize {
        self.rows().len()
    }

    fn rows(&self) -> Vec<Row<'_>> {
        let mut groups: Vec<&str> = Vec::new();
        for lane in &self.lanes {
            if !groups.contains(&lane.group.as_str()) {
                groups.push(&lane.group);
            }
        }
        let mut rows = Vec::new();
        for group in groups {
            rows.push(Row::Header(group));
            rows.extend(self.lanes.iter().filter(|l| l.group == group).map(Row::Lane));
        }
        rows
    }

    /// The shown `(start, end)` in seconds since the start of the run.
    fn view(&self) -> (f64, f64) {
        if let Some((a, b)) = self.window {
            return (a.min(b), a.max(b));
        }
        let spans = self.lanes.iter().flat_map(|l| &l.spans);
        let start = spans
            .clone()
            .map(|s| s.start_s.min(s.end_s))
            .fold(f64::INFINITY, f64::min)
            .min(0.0);
        let end = spans.map(|s| s.start_s.max(s.end_s)).fold(f64::NEG_INFINITY, f64::max);
        (start, end)
    }
}

pub(crate) fn draw<DB: DrawingBackend>(c: &TimelineChart, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let (from, to) = c.view();
    let visible = |s: &Span| s.start_s.min(s.end_s) <= to && s.start_s.max(s.end_s) >= from;
    if !c.lanes.iter().flat_map(|l| &l.spans).any(visible) {
        return frame::no_data(root, &c.title, "no spans in view");
    }
    let rows = c.rows();
    let (w, h) = root.dim_in_pixel();
    let (plot_area, legend_area) = root.split_vertically(h.saturating_sub(36));

    // Times are drawn relative to the window start, so a zoomed view reads "2 h", not "123.08 d".
    // Without a window, a little room on the right keeps an instant at the very end visible.
    let slack = if c.window.is_some() { 1.0 } else { 1.02 };
    let x = Axis::new(0.0, (to - from) * slack, Scale::Linear, AxisUnit::Duration);
    let x_end = x.hi();
    let labels: Vec<String> = rows
        .iter()
        .map(|r| match r {
            Row::Header(g) => format!("[{g}]"),
            Row::Lane(l) => l.label.clone(),
        })
        .collect();
    let y_width = frame::label_width(root, &labels, false);
    let mut chart = frame::plot(&plot_area, &c.title, y_width, x, CategoryAxis::new(labels))?;
    let x_desc = match c.window {
        Some(_) => format!("time since window start ({} into the run)", format_duration(from)),
        None => "time since the start of the run".to_string(),
    };
    frame::mesh(&mut chart, &x_desc, "", Some(rows.len()))?;

    // Instants and spans shorter than a pixel or two still show as a sliver.
    let min_width = x_end / f64::from(w.max(1)) * 2.0;
    for (row, lane) in rows.iter().enumerate() {
        let y = row as f64;
        let lane = match lane {
            Row::Header(_) => {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, y - 0.5), (x_end, y - 0.5)],
                    BLACK.mix(0.25),
                )))?;
                continue;
            }
            Row::Lane(lane) => lane,
        };
        chart.draw_series(lane.spans.iter().filter(|s| visible(s)).map(|s| {
            let (a, b) = (s.start_s.min(s.end_s) - from, s.start_s.max(s.end_s) - from);
            let (a, b) = if b - a < min_width {
                (a - min_width / 2.0, b + min_width / 2.0)
            } else {
                (a, b)
            };
            Rectangle::new([(a, y - 0.35), (b, y + 0.35)], s.state.color().filled())
        }))?;
    }
    legend(c, &legend_area)
}

/// A swatch and name per state that appears, in one line under the plot.
fn legend<DB: DrawingBackend>(c: &TimelineChart, area: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let present: Vec<LaneState> = LaneState::ALL
        .into_iter()
        .filter(|st| c.lanes.iter().flat_map(|l| &l.spans).any(|s| s.state == *st))
        .collect();
    let mut x = 20;
    let style = frame::text(13).pos(Pos::new(HPos::Left, VPos::Center));
    for state in present {
        area.draw(&Rectangle::new([(x, 10), (x + 16, 26)], state.color().filled()))?;
        area.draw(&Text::new(state.name(), (x + 22, 18), style.clone()))?;
        let width = area
            .estimate_text_size(state.name(), &style)
            .map_or(80, |(w, _)| w as i32);
        x += 22 + width + 22;
    }
    Ok(())
}
