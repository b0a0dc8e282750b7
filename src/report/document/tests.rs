use super::*;
use crate::{montecarlo, scenario};

fn small_summary() -> (Summary, String) {
    let s = scenario::default_scenario()
        .with(&[scenario::Override::replications(300)])
        .unwrap();
    let stats = montecarlo::run(&s, &montecarlo::RunOptions::default(), |_| Ok::<(), ()>(())).unwrap();
    (Summary::new(&s, &stats), s.to_toml())
}

#[test]
fn html_escapes_the_scenario_and_holds_every_table() {
    let (summary, mut toml) = small_summary();
    toml.push_str("# <script>alert(1)</script>\n");
    let doc = Document::new(&summary, &toml, Vec::new(), vec!["a note".into()]);
    let html = doc.html().unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;"));
    assert!(!html.contains("<script>"));
    assert_eq!(html.matches("<table class=\"summary\">").count(), doc.tables.len());
    assert!(
        doc.tables.len() >= 3,
        "availability, zone incidents, regional disasters"
    );
    assert!(html.contains("a note"));
}

#[test]
fn markdown_tables_have_as_many_cells_as_columns() {
    let (summary, toml) = small_summary();
    let md = Document::new(&summary, &toml, Vec::new(), Vec::new())
        .markdown()
        .unwrap();
    for table in Document::new(&summary, &toml, Vec::new(), Vec::new()).tables {
        let header = md
            .lines()
            .find(|l| l.starts_with(&format!("| {} |", table.columns[0])))
            .unwrap();
        assert_eq!(header.matches(" | ").count() + 1, table.columns.len() + 1, "{header}");
    }
    assert!(md.contains("```toml"));
}

#[test]
fn a_fence_is_longer_than_any_backtick_run_it_encloses() {
    assert_eq!(super::fence_for("plain"), "```");
    assert_eq!(super::fence_for("a ``` b"), "````");
    assert_eq!(super::fence_for("description = \"\"\"\n`````\n\"\"\""), "``````");
    // In a report: a description with a fence line stays inside the scenario block.
    let (summary, toml) = small_summary();
    let toml = format!("{toml}\n# ```\n# <script>alert(1)</script>\n");
    let md = Document::new(&summary, &toml, Vec::new(), Vec::new())
        .markdown()
        .unwrap();
    let block = md.split("````toml\n").nth(1).expect("a four-backtick fence");
    assert!(
        block.contains("<script>") && block.trim_end().ends_with("````"),
        "{block}"
    );
}
