//! Generated documentation: `docs/metrics.md` is the metric catalogue as the code has it. When
//! the catalogue changes, regenerate it with
//! `UPDATE_DOCS=1 cargo test --release --test integration docs` and commit the diff.

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
