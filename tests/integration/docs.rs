//! Documents generated from the code stay in step with it: `docs/metrics.md` (the metric
//! catalogue) and `docs/scenario-reference.md` (the scenario schema). After changing either,
//! regenerate them with `UPDATE_DOCS=1 cargo test --release --test integration docs` and commit
//! the diff.

use super::common::repo;
use outage_sim::model::metric::generic_catalogue;
use outage_sim::report::metrics::markdown;

#[test]
fn docs_metrics_md_is_the_generated_catalogue() {
    let want = markdown(&generic_catalogue());
    let path = repo("docs/metrics.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let got = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "{} differs from the catalogue; regenerate it (see tests/integration/docs.rs)",
        path.display()
    );
}

/// `docs/scenario-reference.md` is generated from the scenario schema (the doc comments, serde
/// defaults and `x-default` sentences of `src/scenario/schema.rs` and the types it uses) by
/// `outage_sim::scenario::reference::markdown()`. This test fails when the committed file differs
/// from what the code generates: after changing the schema, regenerate the file with
/// `UPDATE_DOCS=1 cargo test --release --test integration docs` and commit it.
#[test]
fn scenario_reference_is_up_to_date() {
    let path = repo("docs/scenario-reference.md");
    let generated = outage_sim::scenario::reference::markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default().replace("\r\n", "\n");
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "{} is not what the code generates (first difference at line {}); regenerate it with \
             `UPDATE_DOCS=1 cargo test --release --test integration docs` and commit it",
            path.display(),
            line + 1
        );
    }
}
