//! The generated client against a local HTTP mock (wiremock): requests as the server sees them,
//! typed results and errors, retries, and list streams.

use std::time::Duration;

use futures_util::StreamExt as _;
use serde_json::json;
use storefront::client::wishlist::GetWishlistError;
use storefront::types::{
    support::FilePart, AddProfileImageBody, OrderListStatus, RedeemCreditBalanceBody,
    RefreshTokenBody,
};
use storefront::{ApiError, Client, Error, RetryPolicy};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A client of the mock with tiny retry delays.
fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_key("pk_test")
        .bearer_token("token")
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .build()
        .expect("client")
}

/// Matches a request whose query string is exactly this.
struct QueryIs(&'static str);

impl wiremock::Match for QueryIs {
    fn matches(&self, request: &Request) -> bool {
        request.url.query() == Some(self.0)
    }
}

fn error_body(code: &str, message: &str) -> serde_json::Value {
    json!({"message": message, "success": false, "code": code})
}

#[tokio::test]
async fn json_request_and_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/refresh-token"))
        .and(header("content-type", "application/json"))
        .and(header("authorization", "Bearer token"))
        .and(body_json(json!({"refresh_token": "r1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "message": "ok",
            "success": true,
            "content": {"access_token": "a2", "refresh_token": "r2"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .auth()
        .refresh_token(RefreshTokenBody::new("r1"))
        .await
        .expect("a 200");
    assert_eq!(response.content.access_token, "a2");
    assert_eq!(response.content.refresh_token, "r2");
}

#[tokio::test]
async fn query_builder_with_arrays() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/orders"))
        .and(QueryIs(
            "page=2&limit=10&status=confirmed&status=shipped&user_id=u%2F1",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"message": "ok", "success": true, "content": {}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .orders()
        .list_orders("u/1")
        .page(2)
        .limit(10)
        .status(["confirmed", "shipped"])
        .await
        .expect("a 200");
}

#[tokio::test]
async fn multipart_upload() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/user/u%201/profile-image"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "message": "ok",
            "success": true,
            "content": {"profile_image_url": "https://cdn.example.com/a.png"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let image = FilePart::new(b"\x89PNG fake".to_vec())
        .with_file_name("a.png")
        .with_content_type("image/png");
    let response = client(&server)
        .auth()
        .add_profile_image("u 1", AddProfileImageBody::new(image))
        .await
        .expect("a 200");
    assert_eq!(
        response.content.profile_image_url,
        "https://cdn.example.com/a.png"
    );
    let received = &server.received_requests().await.expect("recorded")[0];
    let content_type = received.headers["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="));
    let body = String::from_utf8_lossy(&received.body);
    assert!(body.contains(r#"Content-Disposition: form-data; name="image"; filename="a.png""#));
    assert!(body.contains("Content-Type: image/png"));
    assert!(body.contains("\u{FFFD}PNG fake"));
}

#[tokio::test]
async fn documented_4xx_is_its_typed_variant() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wishlist/u1"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(error_body("NOT_FOUND", "No such user")),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .wishlist()
        .get_wishlist("u1")
        .await
        .expect_err("a 404");
    assert_eq!(err.to_string(), "404 Not Found: NOT_FOUND: No such user");
    match err {
        Error::Api {
            status,
            error: GetWishlistError::NotFound(body),
            ..
        } => {
            assert_eq!(status, 404);
            assert_eq!(body.code, "NOT_FOUND");
        }
        other => panic!("not the typed 404: {other:?}"),
    }
}

#[tokio::test]
async fn undocumented_status_is_unexpected() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wishlist/u1"))
        .respond_with(ResponseTemplate::new(418).set_body_json(error_body("TEA", "I am a teapot")))
        .mount(&server)
        .await;
    let err = client(&server)
        .wishlist()
        .get_wishlist("u1")
        .await
        .expect_err("a 418");
    assert!(matches!(err, Error::Unexpected { status, .. } if status == 418));
    assert_eq!(
        err.to_string(),
        "unexpected response 418 I'm a teapot: TEA: I am a teapot"
    );
}

#[tokio::test]
async fn unknown_enum_value_parses() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/orders"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "message": "ok",
            "success": true,
            "content": {"orders": [
                {"order_number": "1", "status": "confirmed"},
                {"order_number": "2", "status": "teleported"}
            ]}
        })))
        .mount(&server)
        .await;
    let response = client(&server)
        .orders()
        .list_orders("u1")
        .await
        .expect("new enum values never fail");
    let orders = response.content.and_then(|c| c.orders).expect("orders");
    assert_eq!(orders[0].status, Some(OrderListStatus::Confirmed));
    assert_eq!(
        orders[1].status,
        Some(OrderListStatus::Unknown("teleported".into()))
    );
}

#[tokio::test]
async fn retries_503_with_backoff_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wishlist/u1"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wishlist/u1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "message": "ok", "success": true, "content": {"products": []}
        })))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .wishlist()
        .get_wishlist("u1")
        .await
        .expect("the third attempt succeeds");
}

#[tokio::test]
async fn retry_after_is_honoured_and_post_retries_only_503() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/refresh-token"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/refresh-token"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .auth()
        .refresh_token(RefreshTokenBody::new("r"))
        .await
        .expect_err("a 500");
    // 503 was retried (Retry-After: 0); the 500 of a POST is not
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
}

#[tokio::test]
async fn no_retry_on_400() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wishlist/u1"))
        .respond_with(ResponseTemplate::new(400).set_body_json(error_body("BAD", "Bad user id")))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .wishlist()
        .get_wishlist("u1")
        .await
        .expect_err("a 400");
    assert!(matches!(
        err.api_error(),
        Some(GetWishlistError::BadRequest(_))
    ));
}

#[tokio::test]
async fn per_request_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wishlist/u1"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let err = client(&server)
        .wishlist()
        .get_wishlist("u1")
        .timeout(Duration::from_millis(50))
        .retry(RetryPolicy::none())
        .await
        .expect_err("times out");
    assert!(err.is_timeout(), "{err:?}");
}

fn orders_page(numbers: &[&str], next: Option<i64>) -> serde_json::Value {
    let orders: Vec<_> = numbers
        .iter()
        .map(|n| json!({"order_number": n, "status": "confirmed"}))
        .collect();
    json!({
        "message": "ok",
        "success": true,
        "content": {
            "orders": orders,
            "pagination": {"total_records": 5, "total_pages": 3, "limit": 2, "next_page": next}
        }
    })
}

#[tokio::test]
async fn list_stream_over_three_pages() {
    let server = MockServer::start().await;
    for (page, numbers, next) in [
        ("1", &["1", "2"][..], Some(2)),
        ("2", &["3", "4"][..], Some(3)),
        ("3", &["5"][..], None),
    ] {
        Mock::given(method("GET"))
            .and(path("/orders"))
            .and(query_param("page", page))
            .and(query_param("limit", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(orders_page(numbers, next)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let numbers: Vec<String> = client
        .orders()
        .list_orders("u1")
        .limit(2)
        .into_stream()
        .map(|order| order.expect("an order").order_number.expect("a number"))
        .collect()
        .await;
    assert_eq!(numbers, ["1", "2", "3", "4", "5"]);
}

#[tokio::test]
async fn list_pages_stop_on_a_repeated_page() {
    let server = MockServer::start().await;
    // a server that always says "next: 1": the stream must not loop
    Mock::given(method("GET"))
        .and(path("/orders"))
        .respond_with(ResponseTemplate::new(200).set_body_json(orders_page(&["1"], Some(1))))
        .expect(1)
        .mount(&server)
        .await;
    let pages: Vec<_> = client(&server)
        .orders()
        .list_orders("u1")
        .into_pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 1);
}

/// What code that handles the errors of every operation reads: status, code, message and
/// request id, through the one `ApiError` trait.
fn explain<E: ApiError>(err: &Error<E>) -> (u16, String, String, String) {
    (
        err.status().map_or(0, |s| s.as_u16()),
        err.code().unwrap_or_default().to_owned(),
        err.message().unwrap_or_default().to_owned(),
        err.request_id().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn the_errors_of_every_operation_read_through_one_trait() {
    let server = MockServer::start().await;
    let with_id = |status: u16, body: serde_json::Value, id: &str| {
        ResponseTemplate::new(status)
            .set_body_json(body)
            .insert_header("x-request-id", id)
    };
    Mock::given(method("GET"))
        .and(path("/wishlist/u1"))
        .respond_with(with_id(404, error_body("NOT_FOUND", "no such user"), "r-1"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/carts/c1"))
        .respond_with(with_id(
            401,
            error_body("UNAUTHORIZED", "token expired"),
            "r-2",
        ))
        .mount(&server)
        .await;
    let mut invalid = error_body("VALIDATION_ERROR", "invalid request");
    invalid["errors"] = json!({"product_id": ["is not an id"]});
    Mock::given(method("GET"))
        .and(path("/catalog/products/p1"))
        .respond_with(with_id(400, invalid, "r-3"))
        .mount(&server)
        .await;
    let client = client(&server);
    let wishlist = client.wishlist().get_wishlist("u1").await.expect_err("404");
    let cart = client.carts().get_cart("c1").await.expect_err("401");
    let product = client
        .catalog()
        .get_product_detail("p1")
        .await
        .expect_err("400");
    assert_eq!(
        [explain(&wishlist), explain(&cart), explain(&product)],
        [
            (404, "NOT_FOUND".into(), "no such user".into(), "r-1".into()),
            (
                401,
                "UNAUTHORIZED".into(),
                "token expired".into(),
                "r-2".into()
            ),
            (
                400,
                "VALIDATION_ERROR".into(),
                "invalid request".into(),
                "r-3".into()
            ),
        ]
    );
    // the documented error itself implements the trait too
    let error = product.api_error().expect("documented");
    assert_eq!(ApiError::status(error), 400);
    assert_eq!(error.code(), Some("VALIDATION_ERROR"));
}

#[tokio::test]
async fn an_undocumented_status_with_the_envelope_is_read_as_one() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wishlist/u1"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(error_body("MAINTENANCE", "back soon"))
                .insert_header("x-request-id", "r-9"),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .wishlist()
        .get_wishlist("u1")
        .retry(RetryPolicy::none())
        .await
        .expect_err("a 503");
    assert!(matches!(err, Error::Unexpected { .. }), "{err:?}");
    assert_eq!(
        explain(&err),
        (503, "MAINTENANCE".into(), "back soon".into(), "r-9".into())
    );
}

#[tokio::test]
async fn a_success_comes_with_its_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/refresh-token"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "r-7")
                .set_body_json(json!({
                    "message": "ok",
                    "success": true,
                    "content": {"access_token": "a2", "refresh_token": "r2"}
                })),
        )
        .mount(&server)
        .await;
    let response = client(&server)
        .auth()
        .refresh_token(RefreshTokenBody::new("r1"))
        .send_with_metadata()
        .await
        .expect("a 200");
    assert_eq!(response.status(), 200);
    assert_eq!(response.request_id(), Some("r-7"));
    // the value derefs through
    assert!(response.success);
    let (value, _, headers) = response.into_parts();
    assert_eq!(value.message, "ok");
    assert_eq!(headers["x-request-id"], "r-7");
}

#[tokio::test]
async fn a_union_shape_the_client_does_not_know_is_kept_as_unknown() {
    use storefront::types::ListPaymentMethodsResponseContentPaymentMethodsItem as Method;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/payments/payment-methods"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "message": "ok",
            "success": true,
            // a payment method of a shape newer than this crate, beside a known one
            "content": {"payment_methods": ["cash-on-delivery", {
                "id": "m1", "name": "Bank transfer", "type": "manual",
                "payment_provider_slug": "manual", "details": []
            }]}
        })))
        .mount(&server)
        .await;
    let response = client(&server)
        .payments()
        .list_payment_methods()
        .await
        .expect("one new shape does not fail the response");
    let methods = response.content.and_then(|c| c.payment_methods).unwrap();
    assert_eq!(methods[0], Method::Unknown(json!("cash-on-delivery")));
    assert!(
        !matches!(methods[1], Method::Unknown(_)),
        "{:?}",
        methods[1]
    );
}

#[tokio::test]
async fn money_is_exact_decimal_both_ways() {
    use storefront::types::rust_decimal::Decimal;
    let server = MockServer::start().await;
    // amounts arrive as JSON numbers and decode to exact decimals
    Mock::given(method("GET"))
        .and(path("/orders/ORD-1/payment-status"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"message":"ok","success":true,"content":{"status":"partial",
                "amount_paid":1234567.89,"amount_unpaid":0.1,"is_retry_available":true}}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let status = client(&server)
        .orders()
        .get_payment_status("ORD-1")
        .await
        .expect("a 200")
        .content;
    assert_eq!(status.amount_paid, Decimal::new(123_456_789, 2));
    assert_eq!(status.amount_unpaid, Decimal::new(1, 1));
    assert_eq!(
        (status.amount_paid + status.amount_unpaid).to_string(),
        "1234567.99"
    );
    // and a sum is sent as the exact number (with f64: 0.30000000000000004)
    Mock::given(method("POST"))
        .and(path("/carts/c1/credit-balance"))
        .and(|request: &Request| request.body == br#"{"credit_balance_used":0.3}"#)
        .respond_with(ResponseTemplate::new(400).set_body_json(error_body("E", "stop here")))
        .expect(1)
        .mount(&server)
        .await;
    let sum = Decimal::new(1, 1) + Decimal::new(2, 1);
    let err = client(&server)
        .carts()
        .redeem_credit_balance("c1", RedeemCreditBalanceBody::new(sum))
        .await
        .expect_err("the mock answers 400");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err:?}");
}
