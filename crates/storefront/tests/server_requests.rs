//! The generated server's request handling, through `tower::ServiceExt::oneshot` (no network):
//! typed requests and replies, each class of client mistake (bad JSON, a missing required field,
//! a wrong type, a value not in an enum, a bad path or query parameter, an oversized body, a
//! wrong media type), credentials (401 before the method is called, 401/403 from the backend),
//! 404 and 405 in the error envelope, and tower layers.

mod server_support;

use std::sync::{Arc, Mutex};

use axum::body::Body;
use http::Request;
use serde_json::json;
use server_support::{send, Recorder, BASE};
use storefront_server::auth::{AddProfileImageReply, AddProfileImageRequest};
use storefront_server::carts::{ListCouponsReply, ListCouponsRequest};
use storefront_server::catalog::{ListProductsReply, ListProductsRequest};
use storefront_server::{
    AuthError, AuthRequest, Backend, Config, Credentials, ErrorResponse, RequestContext,
    ServerVariables as _, Verified,
};
use storefront_types as types;

/// What `Shop` saw.
#[derive(Default)]
struct Seen {
    principal: Option<String>,
    request_id: Option<String>,
    store: Option<String>,
    coupons: Option<ListCouponsRequest>,
    products: Option<ListProductsRequest>,
}

/// A backend that implements a few operations.
#[derive(Clone, Default)]
struct Shop {
    seen: Arc<Mutex<Seen>>,
}

impl Backend for Shop {
    type Principal = String;
    type Error = ErrorResponse;

    async fn verify_bearer(
        &self,
        token: &str,
        _request: &AuthRequest<'_>,
    ) -> Result<String, AuthError> {
        Ok(format!("user:{token}"))
    }
}

impl storefront_server::Carts for Shop {
    async fn list_coupons(
        &self,
        ctx: RequestContext<Verified<String>>,
        request: ListCouponsRequest,
    ) -> Result<ListCouponsReply, ErrorResponse> {
        let mut seen = self.seen.lock().expect("not poisoned");
        seen.principal = Some(ctx.principal().clone());
        seen.request_id = Some(ctx.request_id.clone());
        seen.store = Some(ctx.store_id().to_owned());
        seen.coupons = Some(request);
        Ok(ListCouponsReply::ok_with_message(
            "coupons",
            types::ListCouponsResponseContent::new(vec![]),
        ))
    }
}

impl storefront_server::Catalog for Shop {
    async fn list_products(
        &self,
        _ctx: RequestContext<Credentials<String>>,
        request: ListProductsRequest,
    ) -> Result<ListProductsReply, ErrorResponse> {
        self.seen.lock().expect("not poisoned").products = Some(request);
        Err(ErrorResponse::unauthorized("sign in to see prices").with_code("SIGN_IN"))
    }
}

impl storefront_server::Auth for Shop {
    async fn add_profile_image(
        &self,
        _ctx: RequestContext<Verified<String>>,
        request: AddProfileImageRequest,
    ) -> Result<AddProfileImageReply, ErrorResponse> {
        let image = request.body.image;
        Ok(AddProfileImageReply::ok_with_message(
            "stored",
            types::GetProfileImageResponseContent::new(format!(
                "https://cdn.example/{}/{}?type={}&size={}",
                request.id,
                image.file_name.unwrap_or_default(),
                image.content_type.unwrap_or_default(),
                image.bytes.len()
            )),
        ))
    }
}

impl storefront_server::Analytics for Shop {}
impl storefront_server::Campaigns for Shop {}
impl storefront_server::Customers for Shop {}
impl storefront_server::Fulfillment for Shop {}
impl storefront_server::Helpers for Shop {}
impl storefront_server::Orders for Shop {}
impl storefront_server::Payments for Shop {}
impl storefront_server::Pos for Shop {}
impl storefront_server::Store for Shop {}
impl storefront_server::Subscriptions for Shop {}
impl storefront_server::Wishlist for Shop {}

fn get(path: &str) -> http::request::Builder {
    Request::get(format!("{BASE}{path}")).header("authorization", "Bearer t")
}

fn post_json(path: &str, body: &str) -> Request<Body> {
    Request::post(format!("{BASE}{path}"))
        .header("authorization", "Bearer t")
        .header("content-type", "application/json")
        .body(Body::from(body.to_owned()))
        .expect("a valid request")
}

fn empty(builder: http::request::Builder) -> Request<Body> {
    builder.body(Body::empty()).expect("a valid request")
}

#[tokio::test]
async fn a_typed_reply_with_the_context() {
    let shop = Shop::default();
    let router = storefront_server::router(shop.clone());
    let answer = send(
        &router,
        empty(
            get("/carts/available-coupons")
                .header("x-customer-group-id", "vip")
                .header("x-request-id", "req-42"),
        ),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body,
        json!({"message": "coupons", "success": true, "content": {"coupons": []}})
    );
    let seen = shop.seen.lock().expect("not poisoned");
    assert_eq!(seen.principal.as_deref(), Some("user:t"));
    assert_eq!(seen.request_id.as_deref(), Some("req-42"));
    assert_eq!(seen.store.as_deref(), Some("s1"));
    assert_eq!(
        seen.coupons,
        Some(ListCouponsRequest {
            x_customer_group_id: Some("vip".to_owned())
        })
    );
}

#[tokio::test]
async fn query_arrays_are_repeated_keys_and_documented_errors_keep_their_status() {
    let shop = Shop::default();
    let router = storefront_server::router(shop.clone());
    let answer = send(
        &router,
        empty(get(
            "/catalog/products?category_id=a&category_id=b%20c&page=2&inventory=true&sort_by=%7B%7D",
        )),
    )
    .await;
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert_eq!(
        answer.body,
        json!({"message": "sign in to see prices", "success": false, "code": "SIGN_IN"})
    );
    let seen = shop.seen.lock().expect("not poisoned");
    let request = seen.products.as_ref().expect("list_products was called");
    assert_eq!(
        request.category_id,
        Some(vec!["a".to_owned(), "b c".to_owned()])
    );
    assert_eq!(request.page, Some(2));
    assert_eq!(request.inventory, Some(true));
    assert_eq!(request.sort_by.as_deref(), Some("{}"));
    assert_eq!(request.limit, None);
}

#[tokio::test]
async fn wrong_parameter_types_name_the_parameters() {
    let backend = Recorder::default();
    let router = storefront_server::router(backend.clone());
    let answer = send(
        &router,
        empty(get(
            "/catalog/products?page=abc&inventory=yes&limit=1&limit=2",
        )),
    )
    .await;
    answer.assert_envelope(400, "VALIDATION_ERROR");
    assert_eq!(answer.error("page"), "expected an integer, got `abc`");
    assert_eq!(
        answer.error("inventory"),
        "expected `true` or `false`, got `yes`"
    );
    assert_eq!(answer.error("limit"), "is given more than once");
    assert!(backend.take().is_empty(), "the method is not called");
}

#[tokio::test]
async fn bad_json_is_400() {
    let router = storefront_server::router(Recorder::default());
    let answer = send(&router, post_json("/carts", r#"{"items": ["#)).await;
    answer.assert_envelope(400, "VALIDATION_ERROR");
    assert!(
        answer.error("body").starts_with("invalid JSON at line 1"),
        "{}",
        answer.body
    );
    let answer = send(&router, post_json("/carts", r#"{"items": []} trailing"#)).await;
    answer.assert_envelope(400, "VALIDATION_ERROR");
    assert!(answer.error("body").contains("trailing"), "{}", answer.body);
}

#[tokio::test]
async fn missing_required_fields_and_bodies_are_named() {
    let backend = Recorder::default();
    let router = storefront_server::router(backend.clone());
    let answer = send(&router, post_json("/carts", "{}")).await;
    answer.assert_envelope(400, "VALIDATION_ERROR");
    assert_eq!(answer.error("items"), "is required");
    let answer = send(
        &router,
        post_json(
            "/carts",
            r#"{"items": [{"variant_id": null, "quantity": 1}]}"#,
        ),
    )
    .await;
    answer.assert_envelope(400, "VALIDATION_ERROR");
    assert_eq!(
        answer.error("items[0].product_id"),
        "is required",
        "{}",
        answer.body
    );
    let answer = send(&router, post_json("/carts", "")).await;
    answer.assert_envelope(400, "VALIDATION_ERROR");
    assert_eq!(answer.error("body"), "a request body is required");
    assert!(backend.take().is_empty(), "the method is not called");
}

#[tokio::test]
async fn wrong_types_are_named() {
    let router = storefront_server::router(Recorder::default());
    let answer = send(
        &router,
        post_json(
            "/carts",
            r#"{"items": [{"product_id": "p", "variant_id": null, "quantity": "many"}]}"#,
        ),
    )
    .await;
    answer.assert_envelope(400, "VALIDATION_ERROR");
    assert!(
        answer
            .error("items[0].quantity")
            .starts_with("invalid type: string \"many\", expected i64"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn values_not_in_an_enum_are_refused() {
    let backend = Recorder::default();
    let router = storefront_server::router(backend.clone());
    let answer = send(
        &router,
        post_json(
            "/orders/o1/cancel",
            r#"{"cancellation_reason": "late", "refund_mode": "cash"}"#,
        ),
    )
    .await;
    answer.assert_envelope(400, "VALIDATION_ERROR");
    assert_eq!(
        answer.error("refund_mode"),
        "`cash` is not one of `original-payment-mode`, `bank-transfer`"
    );
    assert!(backend.take().is_empty(), "the method is not called");
    // a known value passes
    let answer = send(
        &router,
        post_json(
            "/orders/o1/cancel",
            r#"{"cancellation_reason": "late", "refund_mode": "bank-transfer"}"#,
        ),
    )
    .await;
    answer.assert_envelope(501, "NOT_IMPLEMENTED");
    assert_eq!(backend.take(), ["cancel-order"]);
}

#[tokio::test]
async fn bad_path_parameters_are_400() {
    let router = storefront_server::router(Recorder::default());
    let answer = send(&router, empty(get("/carts/%FF%FE"))).await;
    answer.assert_envelope(400, "BAD_REQUEST");
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let router =
        storefront_server::router_with(Recorder::default(), Config::default().with_body_limit(64));
    let big = format!(
        r#"{{"items": [], "metadata": {{"note": "{}"}}}}"#,
        "x".repeat(200)
    );
    // with a Content-Length
    let answer = send(&router, post_json("/carts", &big)).await;
    answer.assert_envelope(413, "PAYLOAD_TOO_LARGE");
    // streamed, without one
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = big
        .as_bytes()
        .chunks(16)
        .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
        .collect();
    let request = Request::post(format!("{BASE}/carts"))
        .header("authorization", "Bearer t")
        .header("content-type", "application/json")
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .expect("a valid request");
    let answer = send(&router, request).await;
    answer.assert_envelope(413, "PAYLOAD_TOO_LARGE");
    // under the limit, fine
    let answer = send(&router, post_json("/carts", r#"{"items": []}"#)).await;
    answer.assert_envelope(501, "NOT_IMPLEMENTED");
}

#[tokio::test]
async fn a_wrong_media_type_is_415() {
    let router = storefront_server::router(Recorder::default());
    let request = Request::post(format!("{BASE}/carts"))
        .header("authorization", "Bearer t")
        .header("content-type", "text/plain")
        .body(Body::from("items"))
        .expect("a valid request");
    send(&router, request)
        .await
        .assert_envelope(415, "UNSUPPORTED_MEDIA_TYPE");
}

#[tokio::test]
async fn missing_credentials_are_401_before_the_method() {
    let backend = Recorder::default();
    let router = storefront_server::router(backend.clone());
    // bearer
    let answer = send(&router, empty(Request::get(format!("{BASE}/carts/c1")))).await;
    answer.assert_envelope(401, "UNAUTHORIZED");
    assert!(
        answer.body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("bearer token"),
        "{}",
        answer.body
    );
    // a bearer token does not stand in for the API key
    let answer = send(
        &router,
        empty(Request::post(format!("{BASE}/auth/anonymous")).header("authorization", "Bearer t")),
    )
    .await;
    answer.assert_envelope(401, "UNAUTHORIZED");
    assert!(
        answer.body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("X-Api-Key"),
        "{}",
        answer.body
    );
    // a malformed Authorization header is no credential either
    let answer = send(
        &router,
        empty(Request::get(format!("{BASE}/carts/c1")).header("authorization", "Token t")),
    )
    .await;
    answer.assert_envelope(401, "UNAUTHORIZED");
    assert!(backend.take().is_empty(), "no method was called");
    // with the key, the method is reached
    let answer = send(
        &router,
        empty(Request::post(format!("{BASE}/auth/anonymous")).header("x-api-key", "k")),
    )
    .await;
    answer.assert_envelope(501, "NOT_IMPLEMENTED");
    assert_eq!(backend.take(), ["get-anonymous-token"]);
}

#[tokio::test]
async fn refused_credentials_answer_what_the_backend_says() {
    let backend = Recorder::default();
    let router = storefront_server::router(backend.clone());
    let answer = send(
        &router,
        empty(Request::get(format!("{BASE}/carts/c1")).header("authorization", "Bearer expired")),
    )
    .await;
    answer.assert_envelope(401, "UNAUTHORIZED");
    assert_eq!(answer.body["message"], "the token has expired");
    let answer = send(
        &router,
        empty(Request::get(format!("{BASE}/carts/c1")).header("authorization", "Bearer banned")),
    )
    .await;
    answer.assert_envelope(403, "FORBIDDEN");
    assert!(backend.take().is_empty(), "no method was called");
}

#[tokio::test]
async fn the_default_backend_accepts_no_credential() {
    struct Nothing;
    impl Backend for Nothing {
        type Principal = ();
        type Error = std::convert::Infallible;
    }
    impl storefront_server::Analytics for Nothing {}
    impl storefront_server::Auth for Nothing {}
    impl storefront_server::Campaigns for Nothing {}
    impl storefront_server::Carts for Nothing {}
    impl storefront_server::Catalog for Nothing {}
    impl storefront_server::Customers for Nothing {}
    impl storefront_server::Fulfillment for Nothing {}
    impl storefront_server::Helpers for Nothing {}
    impl storefront_server::Orders for Nothing {}
    impl storefront_server::Payments for Nothing {}
    impl storefront_server::Pos for Nothing {}
    impl storefront_server::Store for Nothing {}
    impl storefront_server::Subscriptions for Nothing {}
    impl storefront_server::Wishlist for Nothing {}
    let router = storefront_server::router(Nothing);
    send(&router, empty(get("/carts/c1")))
        .await
        .assert_envelope(401, "UNAUTHORIZED");
    send(
        &router,
        empty(Request::post(format!("{BASE}/auth/anonymous")).header("x-api-key", "k")),
    )
    .await
    .assert_envelope(401, "UNAUTHORIZED");
}

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405() {
    let router = storefront_server::router(Recorder::default());
    let answer = send(&router, empty(get("/no/such/thing"))).await;
    answer.assert_envelope(404, "NOT_FOUND");
    let answer = send(&router, empty(Request::get("/carts/c1"))).await;
    answer.assert_envelope(404, "NOT_FOUND");
    let answer = send(
        &router,
        empty(Request::patch(format!("{BASE}/carts/c1")).header("authorization", "Bearer t")),
    )
    .await;
    answer.assert_envelope(405, "METHOD_NOT_ALLOWED");
    let allow = answer
        .headers
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(allow.contains("GET") && allow.contains("DELETE"), "{allow}");
}

fn multipart_request(parts: &[(&str, Option<&str>, &str)]) -> Request<Body> {
    let mut body = String::new();
    for (name, file_name, contents) in parts {
        body.push_str("--b0undary\r\n");
        match file_name {
            Some(f) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: image/png\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(contents);
        body.push_str("\r\n");
    }
    body.push_str("--b0undary--\r\n");
    Request::post(format!("{BASE}/auth/user/u1/profile-image"))
        .header("authorization", "Bearer t")
        .header("content-type", "multipart/form-data; boundary=b0undary")
        .body(Body::from(body))
        .expect("a valid request")
}

#[tokio::test]
async fn multipart_bodies_become_typed_structs() {
    let router = storefront_server::router(Shop::default());
    let answer = send(
        &router,
        multipart_request(&[("image", Some("me.png"), "PNGDATA")]),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body["content"]["profile_image_url"],
        "https://cdn.example/u1/me.png?type=image/png&size=7"
    );
    // the required file is missing
    let answer = send(&router, multipart_request(&[("other", None, "x")])).await;
    answer.assert_envelope(400, "VALIDATION_ERROR");
    assert_eq!(answer.error("image"), "is required");
    // malformed
    let request = Request::post(format!("{BASE}/auth/user/u1/profile-image"))
        .header("authorization", "Bearer t")
        .header("content-type", "multipart/form-data; boundary=b0undary")
        .body(Body::from("garbage"))
        .expect("a valid request");
    send(&router, request)
        .await
        .assert_envelope(400, "VALIDATION_ERROR");
    // not multipart
    let request = Request::post(format!("{BASE}/auth/user/u1/profile-image"))
        .header("authorization", "Bearer t")
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .expect("a valid request");
    send(&router, request)
        .await
        .assert_envelope(415, "UNSUPPORTED_MEDIA_TYPE");
}

#[tokio::test]
async fn tower_layers_wrap_the_router() {
    let router = storefront_server::router(Shop::default())
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(tower_http::cors::CorsLayer::permissive());
    let answer = send(
        &router,
        empty(get("/carts/available-coupons").header("origin", "https://shop.example")),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer
            .headers
            .get("access-control-allow-origin")
            .map(|v| v.as_bytes()),
        Some(&b"*"[..])
    );
}
