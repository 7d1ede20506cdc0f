//! How long the pipeline takes on the project's spec: load, model, and all emitted crates.
//! `cargo bench -p generator`.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use generator::ConfigFile;

fn bench(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let config = ConfigFile::read(&root.join("codegen.toml")).expect("codegen.toml");
    let spec = &config.specs[0];
    let path = root.join(&spec.path);
    c.bench_function("load", |b| {
        b.iter(|| generator::load::load(&path).expect("loads"))
    });
    let loaded = generator::load::load(&path).expect("loads");
    c.bench_function("model", |b| {
        b.iter(|| generator::model::Model::build(&loaded, &spec.options).expect("builds"))
    });
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    group.bench_function("all crates (incl. rustfmt)", |b| {
        b.iter(|| generator::generate(spec, &root).expect("generates"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
