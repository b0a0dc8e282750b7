//! Replications per second of the embedded default scenario (Community Training Premium, ZR),
//! single-threaded per replication; the Monte Carlo runner's parallel throughput on top.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use outage_sim::model;
use outage_sim::montecarlo::{self, RunOptions};
use outage_sim::scenario::default_scenario;
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
    let mut run = s.clone();
    run.replications = 4096;
    g.throughput(Throughput::Elements(run.replications));
    for threads in [1, 2] {
        let options = RunOptions {
            threads: Some(threads),
            keep_outcomes: false,
            shard: None,
            ..RunOptions::default()
        };
        g.bench_function(format!("run_4096/threads={threads}"), |b| {
            b.iter(|| black_box(montecarlo::run(&run, &options, |_| Ok::<(), ()>(())).unwrap()))
        });
    }
    g.finish();
}

criterion_group!(benches, replications);
criterion_main!(benches);
