//! Empirical CDFs of an achieved duration (RTO, RPO) against its target.

use super::ChartError;
use super::axis::{Axis, AxisUnit, Scale, format_duration};
use super::frame;
use plotters::chart::SeriesLabelPosition;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

/// Empirical CDFs of one achieved duration, e.g. the RTO of each feature.
#[derive(Clone, Debug)]
pub struct CdfChart {
    /// Chart title.
    pub title: String,
    /// What the durations are, e.g. "achieved RTO"; ticks carry the unit.
    pub x_label: String,
    /// One step curve per series; an empty list (or only empty series) draws "no incidents".
    pub series: Vec<CdfSeries>,
    /// The target duration in seconds, drawn as a vertical line labelled "target 48 h".
    pub target_s: Option<f64>,
    /// The probability of meeting the target with its interval, printed on the plot.
    pub p_meet: Option<PMeet>,
    /// [`Scale::Log`] keeps seconds and days readable on one axis.
    pub scale: Scale,
}

/// One empirical CDF.
#[derive(Clone, Debug)]
pub struct CdfSeries {
    /// Legend label; the legend is drawn when any series has one.
    pub label: String,
    /// `(duration in seconds, cumulative fraction 0–1)`, in any order: the curve steps up at each
    /// duration to its fraction.
    pub points: Vec<(f64, f64)>,
}

/// The probability of meeting a target, with its 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PMeet {
    /// Point estimate (fraction).
    pub estimate: f64,
    /// Lower bound of the interval.
    pub lo: f64,
    /// Upper bound of the interval.
    pub hi: f64,
}

impl PMeet {
    /// "P(meet) = 0.9731 [0.9702, 0.9758]".
    pub fn caption(&self) -> String {
        use crate::report::numbers::{probability, probability_interval};
        format!(
            "P(meet) = {} {}",
            probability(self.estimate),
            probability_interval([self.lo, self.hi])
        )
    }
}

impl CdfChart {
    pub(crate) fn validate(&self) -> Result<(), ChartError> {
        for s in &self.series {
            let what = format!("CDF series '{}'", s.label);
            frame::finite(&what, s.points.iter().flat_map(|&(x, y)| [x, y]))?;
        }
        frame::finite("CDF target", self.target_s)?;
        frame::finite("P(meet)", self.p_meet.iter().flat_map(|p| [p.estimate, p.lo, p.hi]))
    }
}

/// The step path of one CDF across `[x_lo, x_hi]`: flat at 0 before the first duration, up at
/// each duration, flat at the last fraction to the right edge.
pub(super) fn steps(points: &[(f64, f64)], x_lo: f64, x_hi: f64) -> Vec<(f64, f64)> {
    let mut sorted = points.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut path = vec![(x_lo, 0.0)];
    let mut level = 0.0;
    for (x, y) in sorted {
        path.push((x, level));
        path.push((x, y));
        level = y;
    }
    path.push((x_hi, level));
    path
}

pub(crate) fn draw<DB: DrawingBackend>(c: &CdfChart, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    if c.series.iter().all(|s| s.points.is_empty()) {
        return frame::no_data(root, &c.title, "no incidents");
    }
    // Every value 0 (an RPO where no data was ever lost): a log axis has no place for it, and a
    // curve standing at the left edge reads as nothing. Say it.
    if c.series.iter().flat_map(|s| &s.points).all(|p| p.0 <= 0.0) {
        let what = c.x_label.strip_prefix("achieved ").unwrap_or(&c.x_label);
        return frame::no_data(root, &c.title, &format!("{what} was 0 in every incident"));
    }
    let xs = c
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .chain(c.target_s);
    let x = Axis::covering(xs, c.scale, AxisUnit::Duration, true);
    let (x_lo, x_hi) = (x.lo(), x.hi());
    let y = Axis::new(0.0, 1.0, Scale::Linear, AxisUnit::Percent);
    let mut chart = frame::plot(root, &c.title, 80, x, y)?;
    let x_desc = if c.scale == Scale::Log {
        format!("{} (log scale)", c.x_label)
    } else {
        c.x_label.clone()
    };
    frame::mesh(&mut chart, &x_desc, "incidents at or below (%)", None)?;

    for (i, s) in c.series.iter().enumerate().filter(|(_, s)| !s.points.is_empty()) {
        let color = frame::series_color(i);
        let path = frame::thin_path(steps(&s.points, x_lo, x_hi), |p| chart.backend_coord(p));
        let drawn = chart.draw_series(LineSeries::new(path, color.stroke_width(2)))?;
        if !s.label.is_empty() {
            drawn
                .label(s.label.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        }
    }
    if let Some(target) = c.target_s {
        // At the bottom: near the target the curves are usually close to 100 %.
        frame::vline(
            &mut chart,
            target,
            &format!("target {}", format_duration(target)),
            false,
        )?;
    }
    if let Some(p) = c.p_meet {
        // Top left, under the 100 % line: CDFs rise to the right, so this corner is mostly empty.
        let area = chart.plotting_area().strip_coord_spec();
        let boxed = frame::boxed_label(&area, &p.caption(), &frame::text(15), (10, 8), HPos::Left)?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((x_lo, 1.0)) + boxed.frame + boxed.text,
        ))?;
    }
    if c.series.iter().any(|s| !s.label.is_empty() && !s.points.is_empty()) {
        // Under the P(meet) caption: the top left stays empty as CDFs rise to the right.
        frame::legend(&mut chart, SeriesLabelPosition::Coordinate(10, 40))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_rise_at_each_duration_in_order() {
        let path = steps(&[(20.0, 1.0), (10.0, 0.5)], 0.0, 30.0);
        assert_eq!(
            path,
            [
                (0.0, 0.0),
                (10.0, 0.0),
                (10.0, 0.5),
                (20.0, 0.5),
                (20.0, 1.0),
                (30.0, 1.0)
            ]
        );
    }

    #[test]
    fn p_meet_caption_has_four_decimals() {
        let p = PMeet {
            estimate: 0.97314,
            lo: 0.97021,
            hi: 0.9758,
        };
        assert_eq!(p.caption(), "P(meet) = 0.9731 [0.9702, 0.9758]");
    }
}
