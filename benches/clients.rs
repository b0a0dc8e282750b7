//! Simulated requests per second during a failover window of the Premium scenario: one
//! replication of `scenarios/retry-storm-budgeted.toml` (Premium, zone-redundant, zone 2 lost,
//! AWS standard retries) and of `scenarios/retry-storm.toml` (the storm), counted in attempts.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use outage_sim::model::prepare;
use outage_sim::model::replicate;
use outage_sim::scenario;
use std::hint::black_box;
use std::path::Path;

fn clients(c: &mut Criterion) {
    let mut g = c.benchmark_group("clients");
    for name in ["retry-storm-budgeted", "retry-storm"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
        let s = scenario::load(&path).expect("shipped scenario");
        let model = prepare(&s);
        let attempts = replicate(&model, 0).clients.expect("clients enabled").attempts;
        g.throughput(Throughput::Elements(attempts));
        g.bench_function(format!("{name}/replication"), |b| {
            b.iter(|| black_box(replicate(&model, 0)))
        });
    }
    g.finish();
}

// No HTML plots: the crate turns on plotters' `ab_glyph` text (for its own PNG charts), under which
// criterion's plot backend finds no font and panics.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = clients
}
criterion_main!(benches);
