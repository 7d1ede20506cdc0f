//! The generated client (its retry and hook machinery on, no retries needed) against plain
//! reqwest building the same request and decoding the same type, both calling one in-process
//! server on loopback: `client/<case>/generated` and `client/<case>/reqwest`.

use benchmarks::{handwritten, Replies, TOKEN};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use storefront_types as types;

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let addr = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, handwritten::router(Replies::new(3)))
                .await
                .unwrap();
        });
        addr
    });
    let base = format!("http://{addr}/api/v1/demo/storefront");
    let generated = storefront::Client::builder()
        .base_url(&base)
        .bearer_token(TOKEN)
        .api_key(TOKEN)
        .build()
        .unwrap();
    let plain = reqwest::Client::new();

    let mut group = c.benchmark_group("client/get-cart");
    group.bench_function(BenchmarkId::from_parameter("generated"), |b| {
        b.to_async(&runtime)
            .iter(|| async { generated.carts().get_cart("c1").await.unwrap() });
    });
    group.bench_function(BenchmarkId::from_parameter("reqwest"), |b| {
        b.to_async(&runtime).iter(|| async {
            plain
                .get(format!("{base}/carts/c1"))
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap()
                .json::<types::GetCartResponse>()
                .await
                .unwrap()
        });
    });
    group.finish();

    let mut group = c.benchmark_group("client/list-products");
    group.bench_function(BenchmarkId::from_parameter("generated"), |b| {
        b.to_async(&runtime).iter(|| async {
            generated
                .catalog()
                .list_products()
                .page(2)
                .limit(20)
                .category_id(vec!["c1".to_owned(), "c2".to_owned()])
                .await
                .unwrap()
        });
    });
    group.bench_function(BenchmarkId::from_parameter("reqwest"), |b| {
        b.to_async(&runtime).iter(|| async {
            plain
                .get(format!("{base}/catalog/products"))
                .query(&[
                    ("page", "2"),
                    ("limit", "20"),
                    ("category_id", "c1"),
                    ("category_id", "c2"),
                ])
                .header("x-api-key", TOKEN)
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap()
                .json::<types::ListProductsResponse>()
                .await
                .unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
