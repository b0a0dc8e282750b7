//! Cost of two-level Monte Carlo: N draws × M inner replications of the shipped
//! `uncertain-rates` scenario (without its Sobol design) against N·M replications of a plain run
//! of the same scenario, on one thread and on two. The target: at most 10 % more.

use criterion::{Criterion, criterion_group, criterion_main};
use outage_sim::montecarlo::uncertainty::run_whole;
use outage_sim::montecarlo::{RunOptions, Runner, Summary};
use outage_sim::scenario::{Override, Plan};
use std::hint::black_box;

fn two_level(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/uncertain-rates.toml");
    let text = std::fs::read_to_string(path).expect("shipped scenario");
    // Quantiles only: the Latin hypercube of `draws` points, no Saltelli matrices.
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("sobol ="))
        .map(|l| format!("{l}\n"))
        .collect();
    let two = Plan::from_source(&text, std::path::Path::new(path)).expect("shipped scenario");
    let mut g = c.benchmark_group("uncertainty");
    g.sample_size(10);
    for (draws, inner) in [(16u64, 1000u64), (16, 4000)] {
        let two = two
            .with(&[
                Override::set("uncertainty.draws", toml::Value::Integer(draws as i64)),
                Override::replications(inner),
            ])
            .expect("valid overrides");
        // The same model as written, N·M replications, no uncertainty.
        let plain = two
            .draw(&vec![1.0; two.uncertainty().unwrap().parameters.len()])
            .expect("the scenario as written")
            .with(&[Override::replications(draws * inner)])
            .expect("valid override");
        for threads in [1, 2] {
            let runner = Runner::new(Some(threads));
            let options = RunOptions::default();
            g.bench_function(format!("two_level_{draws}x{inner}/threads={threads}"), |b| {
                b.iter(|| black_box(run_whole(&two, &runner, &options).unwrap()))
            });
            g.bench_function(format!("plain_{}/threads={threads}", draws * inner), |b| {
                b.iter(|| {
                    let stats = runner.run(&plain, &options, |_| Ok::<(), ()>(())).unwrap();
                    black_box(Summary::new(&plain, &stats))
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, two_level);
criterion_main!(benches);
