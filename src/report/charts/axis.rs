//! Axis units, human tick labels and nice tick positions; [`Axis`] and [`CategoryAxis`] plug them
//! into plotters so every chart gets the same durations ("30 s", "5 min", "2 h", "3 d").

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use std::ops::Range;

const MINUTE: f64 = 60.0;
const HOUR: f64 = 3600.0;
const DAY: f64 = 86_400.0;

/// How the values on an axis are read and labelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AxisUnit {
    /// Plain numbers; the axis label carries the unit (e.g. "requests/s").
    #[default]
    Number,
    /// Fractions (0.9973) shown as percentages ("99.73 %").
    Percent,
    /// Seconds shown as human durations ("30 s", "5 min", "2 h", "3 d").
    Duration,
}

/// How values are spread along an axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Scale {
    /// Equal distances for equal differences.
    #[default]
    Linear,
    /// Equal distances for equal ratios: durations spanning seconds to days stay readable.
    /// Values at or below zero are drawn at the axis' lower end.
    Log,
}

/// Seconds as a human duration: the largest fitting unit with up to two decimals.
///
/// Units follow the project's terminal output: hours up to three days, so a 48 h target reads
/// "48 h" and 72 h reads "3 d".
///
/// ```
/// use outage_sim::report::charts::format_duration;
/// assert_eq!(format_duration(172_800.0), "48 h");
/// assert_eq!(format_duration(259_200.0), "3 d");
/// assert_eq!(format_duration(5_400.0), "1.5 h");
/// assert_eq!(format_duration(0.25), "250 ms");
/// ```
pub fn format_duration(secs: f64) -> String {
    if secs < 0.0 {
        return format!("-{}", format_duration(-secs));
    }
    let (value, unit) = in_unit(secs);
    format!("{} {unit}", trimmed(value, 2))
}

/// `secs` (not negative) in the unit [`format_duration`] shows it in.
fn in_unit(secs: f64) -> (f64, &'static str) {
    if secs >= 3.0 * DAY {
        (secs / DAY, "d")
    } else if secs >= HOUR {
        (secs / HOUR, "h")
    } else if secs >= MINUTE {
        (secs / MINUTE, "min")
    } else if secs >= 1.0 || secs == 0.0 {
        (secs, "s")
    } else {
        (secs * 1000.0, "ms")
    }
}

/// Whether `secs` shows exactly with two decimals: 75 s is "1.25 min", but 70 s would be
/// rounded to "1.17 min", which no one would pick as a tick.
fn shows_exactly(secs: f64) -> bool {
    let hundredths = in_unit(secs.abs()).0 * 100.0;
    (hundredths - hundredths.round()).abs() < 1e-6 * hundredths.abs().max(1.0)
}

/// A fraction as a percentage with enough decimals to tell 99.98 % from 99.99 %:
/// two significant digits of what is missing to 100 %.
///
/// ```
/// use outage_sim::report::charts::format_percent;
/// assert_eq!(format_percent(0.99987), "99.987 %");
/// assert_eq!(format_percent(0.5), "50 %");
/// ```
pub fn format_percent(fraction: f64) -> String {
    let missing = (1.0 - fraction) * 100.0;
    let decimals = if missing > 0.0 && missing < 1.0 {
        ((-missing.log10()).ceil() as usize + 1).clamp(2, 6)
    } else {
        2
    };
    format!("{} %", trimmed(fraction * 100.0, decimals))
}

/// A value in an axis' unit, for tick labels and annotations.
pub fn format_value(value: f64, unit: AxisUnit) -> String {
    match unit {
        AxisUnit::Duration => format_duration(value),
        AxisUnit::Percent => format!("{} %", trimmed(value * 100.0, 6)),
        AxisUnit::Number => format_number(value),
    }
}

/// Short numbers for ticks: thousands as "k", millions as "M".
fn format_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:e}", v)
    } else if a >= 1e6 {
        format!("{}M", trimmed(v / 1e6, 3))
    } else if a >= 1e4 {
        format!("{}k", trimmed(v / 1e3, 3))
    } else {
        trimmed(v, 6)
    }
}

/// `value` with at most `decimals` decimals and no trailing zeros ("1.5", "2", "-0" → "0").
fn trimmed(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// Steps a person reads easily on a duration axis, ascending: 1/2/5 ms…, 1/2/5/10/15/30 s and
/// min, 1/2/3/6/12 h, then days, weeks, months and years.
fn duration_steps() -> Vec<f64> {
    let mut steps = vec![0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5];
    steps.extend([1.0, 2.0, 5.0, 10.0, 15.0, 30.0]);
    steps.extend([1.0, 2.0, 5.0, 10.0, 15.0, 30.0].map(|m| m * MINUTE));
    steps.extend([1.0, 2.0, 3.0, 6.0, 12.0].map(|h| h * HOUR));
    steps.extend([1.0, 2.0, 5.0, 7.0, 14.0, 30.0, 60.0, 90.0, 180.0].map(|d| d * DAY));
    steps.extend(decades(0, 9).into_iter().map(|y| y * 365.0 * DAY));
    steps
}

/// 1, 2, 5 × 10^k for k in `lo..=hi`.
fn decades(lo: i32, hi: i32) -> Vec<f64> {
    (lo..=hi)
        .flat_map(|k| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(k)))
        .collect()
}

/// How many multiples of `step` lie in `[lo, hi]`.
fn count_multiples(lo: f64, hi: f64, step: f64) -> f64 {
    (hi / step + 1e-9).floor() - (lo / step - 1e-9).ceil() + 1.0
}

/// Multiples of the smallest step in `steps` (ascending) that gives at most `max` ticks, all of
/// them `readable` if some step allows it.
fn ticks_from(lo: f64, hi: f64, max: usize, steps: &[f64], readable: impl Fn(f64) -> bool) -> Vec<f64> {
    let max = max.max(2) as f64;
    let multiples = |step: f64| {
        let first = (lo / step - 1e-9).ceil() as i64;
        let last = (hi / step + 1e-9).floor() as i64;
        (first..=last).map(move |k| k as f64 * step)
    };
    let fitting: Vec<f64> = steps
        .iter()
        .copied()
        .filter(|&s| count_multiples(lo, hi, s) <= max)
        .collect();
    match fitting
        .iter()
        .find(|&&s| multiples(s).all(&readable))
        .or(fitting.first())
    {
        Some(&step) => multiples(step).collect(),
        None => vec![lo, hi],
    }
}

/// Nice tick positions for a linear axis in `unit`, at most `max` of them.
pub(crate) fn linear_ticks(lo: f64, hi: f64, max: usize, unit: AxisUnit) -> Vec<f64> {
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let k = (span / max.max(2) as f64).log10().floor() as i32;
    match unit {
        AxisUnit::Duration if span >= 0.01 => ticks_from(lo, hi, max, &duration_steps(), shows_exactly),
        _ => ticks_from(lo, hi, max, &decades(k - 1, k + 2), |_| true),
    }
}

/// Nice tick positions for a log axis (`0 < lo < hi`), at most `max`: the densest of several
/// ladders, finest first, that fits, thinned if even the coarsest does not.
pub(crate) fn log_ticks(lo: f64, hi: f64, max: usize, unit: AxisUnit) -> Vec<f64> {
    let ladders: Vec<Vec<f64>> = match unit {
        AxisUnit::Duration => {
            let sub_second = [0.001, 0.01, 0.1];
            let mut medium = sub_second.to_vec();
            medium.extend([
                1.0,
                10.0,
                MINUTE,
                10.0 * MINUTE,
                HOUR,
                6.0 * HOUR,
                DAY,
                7.0 * DAY,
                30.0 * DAY,
            ]);
            medium.extend((0..10).map(|k| 365.0 * DAY * 10f64.powi(k)));
            let mut coarse = sub_second.to_vec();
            coarse.extend([1.0, MINUTE, HOUR, DAY, 30.0 * DAY]);
            coarse.extend((0..10).map(|k| 365.0 * DAY * 10f64.powi(k)));
            let mut fine = sub_second.to_vec();
            fine.extend([
                1.0,
                5.0,
                10.0,
                30.0,
                MINUTE,
                5.0 * MINUTE,
                10.0 * MINUTE,
                30.0 * MINUTE,
                HOUR,
                3.0 * HOUR,
            ]);
            fine.extend([6.0 * HOUR, 12.0 * HOUR, DAY, 7.0 * DAY, 30.0 * DAY, 90.0 * DAY]);
            fine.extend((0..10).map(|k| 365.0 * DAY * 10f64.powi(k)));
            vec![duration_steps(), fine, medium, coarse]
        }
        _ => {
            let (a, b) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
            let powers: Vec<f64> = (a..=b).map(|k| 10f64.powi(k)).collect();
            vec![decades(a, b), powers]
        }
    };
    let inside = |ladder: &[f64]| -> Vec<f64> {
        ladder
            .iter()
            .copied()
            .filter(|&v| v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9))
            .collect()
    };
    let max = max.max(2);
    let candidates: Vec<Vec<f64>> = ladders.iter().map(|l| inside(l)).collect();
    if candidates[0].len() < 2 {
        // A narrow log range (40 min … 50 min) holds no ladder value: fall back to linear steps.
        return linear_ticks(lo, hi, max, unit);
    }
    if let Some(fit) = candidates.iter().find(|c| c.len() <= max && c.len() >= 2) {
        return fit.clone();
    }
    let coarse = candidates.last().cloned().unwrap_or_default();
    let stride = coarse.len().div_ceil(max);
    coarse.into_iter().step_by(stride.max(1)).collect()
}

/// A numeric axis: its range, scale and unit; tick labels are formatted in the unit.
#[derive(Clone, Debug)]
pub(crate) struct Axis {
    lo: f64,
    hi: f64,
    scale: Scale,
    unit: AxisUnit,
}

impl Axis {
    /// An axis over `[lo, hi]`, repaired so it can always be drawn: non-finite or reversed bounds
    /// are fixed, a zero-width range is widened, and a log axis gets a positive lower bound.
    pub(crate) fn new(lo: f64, hi: f64, scale: Scale, unit: AxisUnit) -> Self {
        let (mut lo, mut hi) = match (lo.is_finite(), hi.is_finite()) {
            (true, true) => (lo.min(hi), lo.max(hi)),
            (true, false) => (lo, lo),
            (false, true) => (hi, hi),
            (false, false) => (0.0, 1.0),
        };
        if scale == Scale::Log {
            if hi <= 0.0 {
                hi = 1.0;
            }
            if lo <= 0.0 {
                lo = hi / 1000.0;
            }
            if hi / lo < 1.01 {
                (lo, hi) = (lo / 2.0, hi * 2.0);
            }
        } else if hi - lo < f64::EPSILON * hi.abs().max(1.0) * 16.0 {
            let pad = match unit {
                AxisUnit::Duration => (lo.abs() * 0.1).max(1.0),
                AxisUnit::Percent => (lo.abs() * 0.001).max(0.001),
                AxisUnit::Number => (lo.abs() * 0.1).max(1.0),
            };
            (lo, hi) = if lo >= 0.0 && lo - pad < 0.0 {
                (0.0, hi + pad)
            } else {
                (lo - pad, hi + pad)
            };
        }
        Axis { lo, hi, scale, unit }
    }

    /// An axis covering `values` with a little room around them; `from_zero` keeps zero in view
    /// (counts, durations), which an honest bar or CDF needs.
    pub(crate) fn covering(
        values: impl IntoIterator<Item = f64>,
        scale: Scale,
        unit: AxisUnit,
        from_zero: bool,
    ) -> Self {
        let finite: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        let positive = finite.iter().copied().filter(|&v| v > 0.0);
        let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        match scale {
            Scale::Log => {
                let min_positive = positive.fold(f64::INFINITY, f64::min);
                // Zeros and negatives sit at the lower end, a factor below the smallest positive.
                let lo = if lo > 0.0 {
                    min_positive / 1.5
                } else {
                    min_positive / 3.0
                };
                Axis::new(lo, hi * 1.5, scale, unit)
            }
            Scale::Linear => {
                let (lo, hi) = if from_zero {
                    (lo.min(0.0), hi.max(0.0))
                } else {
                    (lo, hi)
                };
                let pad = (hi - lo) * 0.05;
                let lo = if from_zero && lo >= 0.0 { lo } else { lo - pad };
                Axis::new(lo, hi + pad, scale, unit)
            }
        }
    }

    pub(crate) fn lo(&self) -> f64 {
        self.lo
    }

    pub(crate) fn hi(&self) -> f64 {
        self.hi
    }

    /// Where `v` falls along the axis, 0 at `lo` and 1 at `hi`, clamped so out-of-range data is
    /// pinned to the edge instead of drawn outside the plot.
    pub(crate) fn fraction(&self, v: f64) -> f64 {
        let t = match self.scale {
            Scale::Linear => (v - self.lo) / (self.hi - self.lo),
            Scale::Log => (v.max(self.lo).ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln()),
        };
        if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) }
    }

    fn ticks(&self, max: usize) -> Vec<f64> {
        match self.scale {
            Scale::Linear => linear_ticks(self.lo, self.hi, max, self.unit),
            Scale::Log => log_ticks(self.lo, self.hi, max, self.unit),
        }
    }
}

impl Ranged for Axis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        limit.0 + ((limit.1 - limit.0) as f64 * self.fraction(*value)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Only labelled grid lines: light lines between them add noise to small charts.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks(hint.max_num_points())
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for Axis {
    fn format_ext(&self, value: &f64) -> String {
        format_value(*value, self.unit)
    }
}

/// Rows with names, first row on top: the value of row `i` is `i as f64`.
#[derive(Clone, Debug)]
pub(crate) struct CategoryAxis {
    labels: Vec<String>,
}

impl CategoryAxis {
    pub(crate) fn new(labels: Vec<String>) -> Self {
        CategoryAxis { labels }
    }
}

impl Ranged for CategoryAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let n = self.labels.len().max(1) as f64;
        // Row 0 at the far end of the pixel range (the top, for a y axis).
        let t = ((n - 0.5 - value) / n).clamp(0.0, 1.0);
        limit.0 + ((limit.1 - limit.0) as f64 * t).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            return Vec::new();
        }
        let stride = self.labels.len().div_ceil(hint.max_num_points().max(1)).max(1);
        (0..self.labels.len()).step_by(stride).map(|i| i as f64).collect()
    }

    fn range(&self) -> Range<f64> {
        -0.5..(self.labels.len() as f64 - 0.5)
    }
}

impl ValueFormatter<f64> for CategoryAxis {
    fn format_ext(&self, value: &f64) -> String {
        let i = value.round();
        if i >= 0.0 {
            self.labels.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(format_duration(172_800.0), "48 h");
        assert_eq!(format_duration(129_600.0), "36 h");
        assert_eq!(format_duration(216_000.0), "60 h");
        assert_eq!(format_duration(302_400.0), "3.5 d");
        assert_eq!(format_duration(5_400.0), "1.5 h");
        assert_eq!(format_duration(300.0), "5 min");
        assert_eq!(format_duration(90.0), "1.5 min");
        assert_eq!(format_duration(30.0), "30 s");
        assert_eq!(format_duration(0.0), "0 s");
        assert_eq!(format_duration(0.005), "5 ms");
        assert_eq!(format_duration(365.0 * DAY), "365 d");
        assert_eq!(format_duration(-7200.0), "-2 h");
        assert_eq!(format_duration(4000.0), "1.11 h");
    }

    #[test]
    fn percentages_show_the_digits_that_differ() {
        assert_eq!(format_percent(0.99987), "99.987 %");
        assert_eq!(format_percent(0.9999), "99.99 %");
        assert_eq!(format_percent(0.999_991), "99.9991 %");
        assert_eq!(format_percent(1.0), "100 %");
        assert_eq!(format_percent(0.0), "0 %");
        assert_eq!(format_value(0.25, AxisUnit::Percent), "25 %");
        assert_eq!(format_value(12_500.0, AxisUnit::Number), "12.5k");
        assert_eq!(format_value(-0.0, AxisUnit::Number), "0");
    }

    fn labels(ticks: &[f64]) -> Vec<String> {
        ticks.iter().map(|&t| format_duration(t)).collect()
    }

    #[test]
    fn linear_duration_ticks_land_on_round_durations() {
        assert_eq!(
            labels(&linear_ticks(0.0, 3.0 * HOUR, 10, AxisUnit::Duration)),
            ["0 s", "30 min", "1 h", "1.5 h", "2 h", "2.5 h", "3 h"]
        );
        assert_eq!(
            labels(&linear_ticks(0.0, 100.0, 10, AxisUnit::Duration)),
            ["0 s", "15 s", "30 s", "45 s", "1 min", "1.25 min", "1.5 min"]
        );
        // 10 s steps would fit but read "1.17 min": 15 s steps read exactly.
        assert_eq!(
            labels(&linear_ticks(40.0, 90.0, 6, AxisUnit::Duration)),
            ["45 s", "1 min", "1.25 min", "1.5 min"]
        );
        let year = linear_ticks(1.0, 365.0 * DAY, 10, AxisUnit::Duration);
        assert!(year.len() <= 10 && year.len() >= 4, "{year:?}");
        assert!(
            year.iter()
                .all(|t| (t / (30.0 * DAY)).fract() == 0.0 || (t / (60.0 * DAY)).fract() == 0.0)
        );
    }

    #[test]
    fn log_duration_ticks_span_seconds_to_a_year() {
        let ticks = log_ticks(1.0, 365.0 * DAY, 10, AxisUnit::Duration);
        assert_eq!(
            labels(&ticks),
            [
                "1 s", "10 s", "1 min", "10 min", "1 h", "6 h", "24 h", "7 d", "30 d", "365 d"
            ]
        );
        let few = log_ticks(1.0, 365.0 * DAY, 4, AxisUnit::Duration);
        assert!(few.len() <= 4 && few.len() >= 2, "{few:?}");
        // Too narrow for any ladder value: linear steps instead.
        let narrow = log_ticks(40.0 * MINUTE, 50.0 * MINUTE, 10, AxisUnit::Duration);
        assert!(
            narrow.len() >= 2 && narrow.iter().all(|t| (t / MINUTE).fract() == 0.0),
            "{narrow:?}"
        );
    }

    #[test]
    fn number_and_percent_ticks_use_one_two_five_steps() {
        assert_eq!(
            linear_ticks(0.0, 1.0, 6, AxisUnit::Percent),
            [0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
        let zoomed = linear_ticks(0.9990, 0.9999, 10, AxisUnit::Percent);
        let shown: Vec<String> = zoomed.iter().map(|&v| format_value(v, AxisUnit::Percent)).collect();
        assert_eq!(shown.first().map(String::as_str), Some("99.9 %"));
        assert!(shown.contains(&"99.95 %".to_string()), "{shown:?}");
        assert_eq!(log_ticks(1.0, 1000.0, 5, AxisUnit::Number), [1.0, 10.0, 100.0, 1000.0]);
    }

    #[test]
    fn degenerate_ranges_are_widened_not_rejected() {
        let equal = Axis::new(5.0, 5.0, Scale::Linear, AxisUnit::Duration);
        assert!(equal.lo() < 5.0 && equal.hi() > 5.0);
        let zero = Axis::new(0.0, 0.0, Scale::Linear, AxisUnit::Number);
        assert_eq!((zero.lo(), zero.hi()), (0.0, 1.0));
        let log_zero = Axis::new(0.0, 0.0, Scale::Log, AxisUnit::Duration);
        assert!(log_zero.lo() > 0.0 && log_zero.hi() > log_zero.lo());
        let nan = Axis::new(f64::NAN, f64::INFINITY, Scale::Linear, AxisUnit::Number);
        assert!(nan.lo().is_finite() && nan.hi() > nan.lo());
        assert_eq!(
            equal.map(&1e12, (0, 100)),
            100,
            "out-of-range values are pinned to the edge"
        );
    }

    #[test]
    fn category_rows_run_top_down() {
        let rows = CategoryAxis::new(vec!["a".into(), "b".into()]);
        // Plotters hands a y axis its pixel range bottom-first.
        assert!(rows.map(&0.0, (100, 0)) < rows.map(&1.0, (100, 0)));
        assert_eq!(rows.format_ext(&1.0), "b");
        assert_eq!(rows.key_points(BoldPoints(10)), [0.0, 1.0]);
    }

    use plotters::coord::ranged1d::BoldPoints;
}
