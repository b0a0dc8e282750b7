//! Validating a large scenario: the single-exponential oracle with `N` extra `[[failures]]`.
//! Validation is linear in the number of entries (names checked for repeats with a hash set,
//! references resolved through indexes); a quadratic step would show as a 100× jump from 10 000
//! to 100 000 entries instead of 10×.
//!
//! Run: `cargo bench --bench validate -- --warm-up-time 1 --measurement-time 5`.

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn scenario(extra: usize) -> String {
    let mut text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/validation/single-exponential.toml"
    ))
    .expect("the oracle scenario");
    for i in 0..extra {
        text.push_str(&format!(
            "\n[[failures]]\nname = \"f{i}\"\nkind = \"service-outage\"\nservices = [\"component\"]\n\
             time_to_failure = \"exp(mean=10y)\"\ntime_to_repair = \"1h\"\n"
        ));
    }
    text
}

fn validate(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate");
    group.sample_size(10);
    for n in SIZES {
        let text = scenario(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::new("failures", n), |b| {
            b.iter(|| black_box(outage_sim::scenario::from_source(&text, Path::new("big.toml")).expect("valid")))
        });
    }
    group.finish();
}

criterion_group!(benches, validate);
criterion_main!(benches);
