//! Charts of a two-level run: the CDF of each key metric over the draws of the uncertain
//! parameters (from `draws.csv`), and the Sobol indices of the metrics asked for.

use super::{Figure, slug};
use crate::montecarlo::uncertainty::{DrawSummary, UncertaintySummary};
use crate::report::charts::{AxisUnit, ChartSpec, DrawQuantile, DrawsCdfChart, SobolBar, SobolChart};

/// How charts name a metric, and what the scenario asks of it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct MetricWords {
    /// Short enough for an axis, e.g. `P(achieved data plane RTO <= 48 h)`.
    pub short: String,
    /// The value the scenario requires, e.g. `("required", 0.99)` for a P(meet).
    pub reference: Option<(String, f64)>,
}

/// `draws.csv` as read back: its header and rows.
pub(crate) struct DrawsTable {
    header: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

impl DrawsTable {
    /// Parses the CSV; an error says what is wrong with it.
    pub(crate) fn parse(bytes: &[u8]) -> Result<DrawsTable, String> {
        let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
        // A cell that would read as a formula was written with a leading `'`.
        let header: Vec<String> = r
            .headers()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|h| h.strip_prefix('\'').unwrap_or(h).to_string())
            .collect();
        if header.get(1).map(String::as_str) != Some("matrix") {
            return Err("not a draws table: its second column is not `matrix`".into());
        }
        let rows = r.records().collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())?;
        Ok(DrawsTable { header, rows })
    }

    /// The metric at `path` at each draw of matrix A (the draws whose spread the summary
    /// reports), leaving out draws where it has no value; `None` when the table has no column for
    /// it.
    pub(crate) fn at_draws(&self, path: &str) -> Option<Vec<f64>> {
        let column = self.header.iter().position(|h| h == path)?;
        Some(
            self.rows
                .iter()
                .filter(|r| r.get(1) == Some("A"))
                .filter_map(|r| r.get(column)?.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite())
                .collect(),
        )
    }
}

fn unit(d: &DrawSummary) -> AxisUnit {
    match d.unit.as_str() {
        "duration" => AxisUnit::Duration,
        "probability" => AxisUnit::Percent,
        _ => AxisUnit::Number,
    }
}

/// `text` with a capital first letter.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// `name` made unique among `taken` (a second `x` becomes `x-2`), and taken.
fn unique(name: String, taken: &mut Vec<String>) -> String {
    let mut out = name.clone();
    let mut k = 1;
    while taken.contains(&out) {
        k += 1;
        out = format!("{name}-{k}");
    }
    taken.push(out.clone());
    out
}

/// The CDF over the draws of every key metric that `draws.csv` has a column for, and notes on
/// those it lacks.
pub(crate) fn over_draws(
    u: &UncertaintySummary,
    draws: &DrawsTable,
    describe: &dyn Fn(&str) -> Option<MetricWords>,
) -> (Vec<Figure>, Vec<String>) {
    let mut figures = Vec::new();
    let mut notes = Vec::new();
    let mut names = Vec::new();
    for path in crate::report::key_metrics(u) {
        let Some(d) = u.metrics.get(&path) else { continue };
        let Some(values) = draws.at_draws(&path) else {
            notes.push(format!(
                "draws.csv has no column for {path} (results of an older version): no CDF of it over the draws."
            ));
            continue;
        };
        let words = describe(&path).unwrap_or_else(|| MetricWords {
            short: path.clone(),
            reference: None,
        });
        let n = values.len();
        let quantiles = [("p05", 0.05, d.p05), ("p50", 0.5, d.p50), ("p95", 0.95, d.p95)]
            .into_iter()
            .filter(|_| n > 0)
            .map(|(label, level, value)| DrawQuantile {
                label: label.into(),
                level,
                value,
            })
            .collect();
        let required = match &words.reference {
            Some((name, _)) => format!(", the {name} value drawn"),
            None => String::new(),
        };
        figures.push(Figure {
            name: unique(format!("uncertainty-cdf-{}", slug(&path)), &mut names),
            title: format!(
                "CDF of {} ({path}) over {n} draws of the uncertain parameters, with p05, p50 and p95{required}",
                words.short
            ),
            spec: ChartSpec::DrawsCdf(DrawsCdfChart {
                title: capitalized(&format!("{} over {n} parameter draws", words.short)),
                x_label: words.short.clone(),
                unit: unit(d),
                values,
                reference: words.reference.clone(),
                quantiles,
            }),
        });
    }
    (figures, notes)
}

/// A chart of the Sobol indices of every metric that has them, then one per metric asked for that
/// has none, saying why; and a note for each of those.
pub(crate) fn sobol(
    u: &UncertaintySummary,
    describe: &dyn Fn(&str) -> Option<MetricWords>,
) -> (Vec<Figure>, Vec<String>) {
    let short = |path: &str| describe(path).map_or_else(|| path.to_string(), |w| w.short);
    let mut figures = Vec::new();
    let mut names = Vec::new();
    for (path, per) in u.sobol.iter() {
        let bars = per
            .iter()
            .map(|(parameter, e)| SobolBar {
                parameter: parameter.to_string(),
                first: e.first,
                first_ci95: e.first_ci95,
                total: e.total,
                total_ci95: e.total_ci95,
            })
            .collect();
        figures.push(Figure {
            name: unique(format!("sobol-{}", slug(path)), &mut names),
            title: format!(
                "Sobol indices of {} ({path}) over {} parameter sets: first order and total per uncertain \
                 parameter, 95 % bootstrap intervals",
                short(path),
                u.evaluations
            ),
            spec: ChartSpec::Sobol(SobolChart {
                title: format!("What matters most for {}", short(path)),
                bars,
                empty_note: "no uncertain parameter".into(),
                note: None,
            }),
        });
    }
    let mut notes = Vec::new();
    for (path, why) in u.sobol_missing.iter() {
        notes.push(format!("No Sobol indices for {path}: {why}."));
        figures.push(Figure {
            name: unique(format!("sobol-{}", slug(path)), &mut names),
            title: format!("Sobol indices of {} ({path}): none, {why}", short(path)),
            spec: ChartSpec::Sobol(SobolChart {
                title: format!("What matters most for {}", short(path)),
                bars: Vec::new(),
                empty_note: "no Sobol indices".into(),
                note: Some(capitalized(why)),
            }),
        });
    }
    (figures, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "draw,matrix,x (factor),availability.data_plane,'-odd\n\
                       0,A,1.2,0.99,1\n\
                       1,B,0.8,0.5,2\n\
                       2,A,0.9,,3\n\
                       3,AB1,1.0,0.7,4\n\
                       4,A,1.1,0.98,5\n";

    #[test]
    fn only_the_a_draws_with_a_value_are_read() {
        let t = DrawsTable::parse(CSV.as_bytes()).unwrap();
        assert_eq!(t.at_draws("availability.data_plane"), Some(vec![0.99, 0.98]));
        assert_eq!(t.at_draws("-odd"), Some(vec![1.0, 3.0, 5.0]), "a neutralized header");
        assert_eq!(t.at_draws("availability.control_plane"), None);
        assert!(DrawsTable::parse(b"a,b\n1,2\n").is_err());
    }

    #[test]
    fn names_are_made_unique() {
        let mut taken = Vec::new();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a-2");
        assert_eq!(unique("a".into(), &mut taken), "a-3");
    }
}
