//! Replications per second of the embedded default scenario (Community Training Premium, ZR),
//! single-threaded per replication; the Monte Carlo runner's parallel throughput on top.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use outage_sim::model;
use outage_sim::montecarlo::{RunOptions, Runner};
use outage_sim::scenario::{Override, Plan, default_scenario};
use std::hint::black_box;

fn replications(c: &mut Criterion) {
    let s = default_scenario();
    let model = model::Model::new(&s);
    let mut g = c.benchmark_group("default_scenario");
    g.throughput(Throughput::Elements(1));
    let mut rep = 0u64;
    g.bench_function("replication", |b| {
        b.iter(|| {
            rep += 1;
            black_box(model.simulate(rep))
        })
    });
    // Four waves of 16 384: long enough that the per-wave merge of the worker threads'
    // accumulators is amortised as in real runs.
    let run = s.with(&[Override::replications(65_536)]).expect("valid override");
    g.throughput(Throughput::Elements(run.replications));
    g.sample_size(10);
    for threads in [1, 2] {
        let runner = Runner::new(Some(threads));
        let options = RunOptions {
            keep_outcomes: false,
            shard: None,
            ..RunOptions::default()
        };
        g.bench_function(format!("run_65536/threads={threads}"), |b| {
            b.iter(|| black_box(runner.run(&run, &options, |_| Ok::<(), ()>(())).unwrap()))
        });
    }
    g.finish();
}

/// Cost of importance sampling on the 25-year lifetime scenario: plain sampling against a factor
/// of 1 (the same paths, plus the likelihood-ratio bookkeeping and weighted accumulators) and
/// the scenario's factor of 100 (tilted paths: more disasters to recover from).
fn importance_sampling(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/region-disaster-lifetime.toml");
    let text = std::fs::read_to_string(path).expect("shipped scenario");
    // Plain sampling: the same scenario without its `[importance_sampling]` table.
    let plain_text = text.replace("[importance_sampling]\nregion_disaster_rate_factor = 100\n", "");
    assert_ne!(
        plain_text, text,
        "the lifetime scenario's [importance_sampling] table moved"
    );
    let plain = Plan::from_source(&plain_text, std::path::Path::new(path)).expect("shipped scenario");
    let mut g = c.benchmark_group("importance_sampling");
    g.sample_size(20);
    let runner = Runner::new(Some(1));
    let options = RunOptions {
        keep_outcomes: false,
        shard: None,
        ..RunOptions::default()
    };
    for (name, factor) in [("plain", None), ("factor=1", Some(1.0)), ("factor=100", Some(100.0))] {
        let mut overrides = vec![Override::replications(512)];
        overrides.extend(factor.map(Override::importance_sampling));
        let s = plain.with(&overrides).expect("valid overrides");
        g.throughput(Throughput::Elements(s.replications));
        g.bench_function(format!("lifetime_512/{name}"), |b| {
            b.iter(|| black_box(runner.run(&s, &options, |_| Ok::<(), ()>(())).unwrap()))
        });
    }
    g.finish();
}

// No HTML plots: the crate turns on plotters' `ab_glyph` text (for its own PNG charts), under which
// criterion's plot backend finds no font and panics.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = replications, importance_sampling
}
criterion_main!(benches);
