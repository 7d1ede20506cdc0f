//! The generated router + `server-runtime` against hand-written axum handlers doing the same
//! work, in process (`tower::ServiceExt::oneshot`, no sockets), per operation:
//! `server/<case>/generated` and `server/<case>/hand-written`.

use axum::body::Body;
use benchmarks::{generated, handwritten, Replies, TOKEN};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use http::Request;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

const BASE: &str = "/api/v1/demo/storefront";

fn get_cart() -> Request<Body> {
    Request::get(format!("{BASE}/carts/c1"))
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap()
}

fn list_products() -> Request<Body> {
    Request::get(format!(
        "{BASE}/catalog/products?page=2&limit=20&sort_by=name&category_id=c1&category_id=c2&inventory=true"
    ))
    .header("x-api-key", TOKEN)
    .header("x-customer-group-id", "vip")
    .body(Body::empty())
    .unwrap()
}

fn update_cart(body: &'static str) -> impl Fn() -> Request<Body> {
    move || {
        Request::post(format!("{BASE}/carts/c1/items"))
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap()
    }
}

fn upload() -> Request<Body> {
    let boundary = "bench-boundary";
    let mut body = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"image\"; filename=\"me.png\"\r\ncontent-type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend(std::iter::repeat_n(7u8, 64 * 1024));
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    Request::post(format!("{BASE}/auth/user/u1/profile-image"))
        .header("authorization", format!("Bearer {TOKEN}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

async fn call(router: &axum::Router, request: Request<Body>, status: u16) {
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status().as_u16(), status);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    std::hint::black_box(bytes);
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let replies = Replies::new(3);
    let routers = [
        ("generated", generated::router(replies.clone())),
        ("hand-written", handwritten::router(replies)),
    ];
    type Make = Box<dyn Fn() -> Request<Body>>;
    let cases: [(&str, Make, u16); 5] = [
        ("get-cart", Box::new(get_cart), 200),
        ("list-products", Box::new(list_products), 200),
        (
            "update-cart",
            Box::new(update_cart(
                r#"{"product_id":"p1","variant_id":"v1","quantity":2}"#,
            )),
            200,
        ),
        (
            "add-profile-image (64 KiB multipart)",
            Box::new(upload),
            200,
        ),
        (
            "update-cart, bad body (400)",
            Box::new(update_cart(r#"{"product_id":5}"#)),
            400,
        ),
    ];
    for (name, make, status) in &cases {
        let mut group = c.benchmark_group(format!("server/{name}"));
        for (kind, router) in &routers {
            // both answer the same before they are timed
            runtime.block_on(call(router, make(), *status));
            group.bench_with_input(BenchmarkId::from_parameter(kind), router, |b, router| {
                b.to_async(&runtime).iter(|| call(router, make(), *status));
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
