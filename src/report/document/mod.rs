//! The report of a finished run: a context of plain, already formatted values built from the
//! summary (and the charts drawn from it), rendered through minijinja templates into a
//! self-contained `report.html` and a `report.md`. Building the context is the only logic; the
//! templates only lay it out, and HTML escaping is the template engine's job.

mod tables;

pub use tables::{Row, Table};

use crate::montecarlo::Summary;
use minijinja::{Environment, context};
use serde::Serialize;

const HTML_TEMPLATE: &str = include_str!("../../../templates/report.html.j2");
const MARKDOWN_TEMPLATE: &str = include_str!("../../../templates/report.md.j2");

/// One chart of the report.
#[derive(Clone, Debug, Serialize)]
pub struct ChartRef {
    /// File stem under `charts/` (`cdf-zone-incidents-data-plane-rto`).
    pub name: String,
    /// Caption.
    pub title: String,
    /// The SVG document, inlined into the HTML.
    pub svg: String,
}

/// A section of charts.
#[derive(Clone, Debug, Serialize)]
pub struct ChartSection {
    /// The section's heading in the report.
    pub heading: String,
    /// Charts in it.
    pub charts: Vec<ChartRef>,
}

/// Everything the templates show.
#[derive(Clone, Debug, Serialize)]
pub struct Document {
    /// Title line.
    pub title: String,
    /// Facts about the run (label, value).
    pub facts: Vec<(String, String)>,
    /// Commands that reproduce the run and this report.
    pub reproduce: Vec<String>,
    /// Summary tables.
    pub tables: Vec<Table>,
    /// Charts, by section.
    pub chart_sections: Vec<ChartSection>,
    /// The scenario file as run.
    pub scenario_toml: String,
    /// The Markdown fence around the scenario: longer than any run of backticks in it, so that a
    /// description with a ``` line cannot close it and turn the rest into live Markdown.
    pub scenario_fence: String,
    /// What the report cannot show, and why.
    pub notes: Vec<String>,
}

/// A Markdown code fence for `text`: backticks, at least three and more than the longest run of
/// backticks in `text`.
pub fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat((longest + 1).max(3))
}

impl Document {
    /// The document of a run: its summary, the scenario as run and the charts drawn for it.
    pub fn new(summary: &Summary, scenario_toml: &str, chart_sections: Vec<ChartSection>, notes: Vec<String>) -> Self {
        let mut facts = vec![
            ("Scenario".into(), summary.scenario.name.clone()),
            ("Scenario hash".into(), summary.scenario.hash.clone()),
            ("Tool".into(), format!("{} {}", summary.tool.name, summary.tool.version)),
            ("Seed".into(), summary.seed.to_string()),
            ("Replications".into(), summary.replications.to_string()),
            ("Horizon".into(), summary.horizon.clone()),
            ("Generator".into(), summary.generator.clone()),
        ];
        let mut run = format!(
            "outage-sim run scenario.toml --seed {} --replications {} --report",
            summary.seed, summary.replications
        );
        // A two-level run: its replications are those of every draw pooled; it is reproduced
        // with its draws and the replications of each.
        if let Some(u) = &summary.uncertainty {
            facts[4].0 = "Replications (every draw's, pooled)".into();
            facts.push(("Draws of the uncertain parameters".into(), u.draws.to_string()));
            facts.push(("Replications per draw".into(), u.inner_replications.to_string()));
            facts.push(("Parameter sets run".into(), format!("{} ({})", u.evaluations, u.design)));
            run = format!(
                "outage-sim run scenario.toml --seed {} --draws {} --replications {} --report",
                summary.seed, u.draws, u.inner_replications
            );
        }
        let reproduce = vec![run, "outage-sim report results/<scenario-name>".into()];
        Document {
            title: format!("outage-sim report: {}", summary.scenario.name),
            facts,
            reproduce,
            tables: tables::all(summary),
            chart_sections,
            scenario_toml: scenario_toml.to_string(),
            scenario_fence: fence_for(scenario_toml),
            notes,
        }
    }

    /// The self-contained HTML page.
    pub fn html(&self) -> Result<String, minijinja::Error> {
        self.render("report.html", HTML_TEMPLATE)
    }

    /// The Markdown page; charts are linked as `charts/<name>.svg`.
    pub fn markdown(&self) -> Result<String, minijinja::Error> {
        self.render("report.md", MARKDOWN_TEMPLATE)
    }

    fn render(&self, name: &str, source: &str) -> Result<String, minijinja::Error> {
        let mut env = Environment::new();
        // Auto-escaping follows the template's name: HTML for `.html`, none for Markdown.
        env.add_template(name, source)?;
        env.add_filter("md_cell", |v: String| v.replace('|', "\\|"));
        env.get_template(name)?
            .render(context! { doc => minijinja::value::Serde(self) })
    }
}

#[cfg(test)]
mod tests;
