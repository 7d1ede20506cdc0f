//! Typed (de)serialisation of the API's largest bodies, and of unions without a discriminator
//! (every alternative is tried), against `serde_json::Value`: `types/<body>/<direction>/typed`
//! and `.../value`.

use benchmarks::samples::Samples;
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::Value;

fn pair<T: serde::de::DeserializeOwned + serde::Serialize>(
    c: &mut Criterion,
    samples: &Samples,
    name: &str,
) {
    let json = samples.json(name, 10).to_string();
    let typed: T = serde_json::from_str(&json).unwrap();
    let value: Value = serde_json::from_str(&json).unwrap();
    let mut group = c.benchmark_group(format!("types/{name} ({} KiB)/parse", json.len() / 1024));
    group.bench_function("typed", |b| {
        b.iter(|| serde_json::from_str::<T>(std::hint::black_box(&json)).unwrap())
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_str::<Value>(std::hint::black_box(&json)).unwrap())
    });
    group.finish();
    let mut group = c.benchmark_group(format!("types/{name} ({} KiB)/write", json.len() / 1024));
    group.bench_function("typed", |b| {
        b.iter(|| serde_json::to_vec(std::hint::black_box(&typed)).unwrap())
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::to_vec(std::hint::black_box(&value)).unwrap())
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    let samples = Samples::load();
    pair::<storefront_types::Cart>(c, &samples, "Cart");
    pair::<storefront_types::Order>(c, &samples, "Order");
    pair::<storefront_types::ListProductsResponseContent>(
        c,
        &samples,
        "ListProductsResponseContent",
    );
    // unions without a discriminator, whose parse tries the alternatives: a value of the
    // first alternative and one of the last
    union::<storefront_types::OrderPayment>(c, &samples, "OrderPayment", "CardPayment");
    union::<storefront_types::OrderPayment>(c, &samples, "OrderPayment", "NachPayment");
    union::<storefront_types::PromotionOneOf>(
        c,
        &samples,
        "PromotionOneOf",
        "FreeShipingCouponPromotion",
    );
}

/// Parsing a value of `alternative` as the union `T` (`types/<union>/<alternative>/parse`).
fn union<T: serde::de::DeserializeOwned>(
    c: &mut Criterion,
    samples: &Samples,
    name: &str,
    alternative: &str,
) {
    let json = samples.json(alternative, 3).to_string();
    serde_json::from_str::<T>(&json).unwrap();
    let mut group = c.benchmark_group(format!("types/{name}/{alternative}/parse"));
    group.bench_function("typed", |b| {
        b.iter(|| serde_json::from_str::<T>(std::hint::black_box(&json)).unwrap())
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_str::<Value>(std::hint::black_box(&json)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
