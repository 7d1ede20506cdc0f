//! The session layer against a local HTTP mock (wiremock): anonymous bootstrap, refresh on a
//! `401` with one retry, refresh before expiry.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use storefront::runtime::session::{unsigned_jwt, Tokens};
use storefront::{RetryPolicy, Storefront};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn in_an_hour() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600
}

fn token(user: &str, anonymous: bool) -> String {
    unsigned_jwt(&json!({
        "ulid": user,
        "is_anonymous": anonymous,
        "is_logged_in": !anonymous,
        "exp": in_an_hour(),
    }))
}

fn wishlist() -> serde_json::Value {
    json!({"message": "ok", "success": true, "content": {"products": []}})
}

fn builder(server: &MockServer) -> storefront::StorefrontBuilder {
    Storefront::builder()
        .base_url(server.uri())
        .api_key("pk_test")
        .client(|c| c.retry(RetryPolicy::none()))
}

#[tokio::test]
async fn anonymous_bootstrap_on_demand() {
    let server = MockServer::start().await;
    let anon = token("anon-1", true);
    Mock::given(method("POST"))
        .and(path("/auth/anonymous"))
        .and(header("x-api-key", "pk_test"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "message": "ok",
            "success": true,
            "content": {
                "user": {
                    "id": "anon-1", "first_name": null, "last_name": null, "email": null,
                    "phone": null, "is_email_verified": false, "is_phone_verified": false,
                    "profile_image_url": null, "is_anonymous": true, "is_logged_in": false
                },
                "access_token": anon,
                "refresh_token": "refresh-1"
            }
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wishlist/anon-1"))
        .and(header("authorization", format!("Bearer {anon}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(wishlist()))
        .expect(2)
        .mount(&server)
        .await;
    let storefront = builder(&server).build().expect("client");
    assert_eq!(storefront.session().user_id().await, None);
    // the first call that needs a token starts the session; the second reuses it
    storefront
        .wishlist()
        .get_wishlist("anon-1")
        .await
        .expect("200");
    storefront
        .wishlist()
        .get_wishlist("anon-1")
        .await
        .expect("200");
    let session = storefront.session();
    assert_eq!(session.user_id().await.as_deref(), Some("anon-1"));
    assert!(session.is_anonymous().await);
    assert!(!session.is_logged_in().await);
}

#[tokio::test]
async fn refresh_on_401_with_one_retry() {
    let server = MockServer::start().await;
    let old = token("user-1", false);
    let new = token("user-1-renewed", false);
    Mock::given(method("GET"))
        .and(path("/wishlist/user-1"))
        .and(header("authorization", format!("Bearer {old}").as_str()))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "message": "Token revoked", "success": false, "code": "UNAUTHORIZED"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/refresh-token"))
        .and(body_json(json!({"refresh_token": "refresh-1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "message": "ok",
            "success": true,
            "content": {"access_token": new, "refresh_token": "refresh-2"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wishlist/user-1"))
        .and(header("authorization", format!("Bearer {new}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(wishlist()))
        .expect(1)
        .mount(&server)
        .await;
    let storefront = builder(&server)
        .tokens(Tokens::new(old, "refresh-1"))
        .build()
        .expect("client");
    storefront
        .wishlist()
        .get_wishlist("user-1")
        .await
        .expect("the retry with the new token succeeds");
    let tokens = storefront.session().tokens().await.unwrap().unwrap();
    assert_eq!(tokens.access_token, new);
    assert_eq!(tokens.refresh_token.as_deref(), Some("refresh-2"));
    assert!(storefront.session().is_logged_in().await);
}

#[tokio::test]
async fn a_second_401_is_returned() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wishlist/user-1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "message": "No", "success": false, "code": "UNAUTHORIZED"
        })))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/refresh-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "message": "ok",
            "success": true,
            "content": {"access_token": token("user-1", false), "refresh_token": "r"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let storefront = builder(&server)
        .tokens(Tokens::new(token("user-1", false), "refresh-1"))
        .build()
        .expect("client");
    let err = storefront
        .wishlist()
        .get_wishlist("user-1")
        .await
        .expect_err("still 401");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn refresh_before_expiry() {
    let server = MockServer::start().await;
    let soon = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 5;
    let expiring = unsigned_jwt(&json!({"ulid": "user-1", "exp": soon}));
    let fresh = token("user-1", false);
    Mock::given(method("POST"))
        .and(path("/auth/refresh-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "message": "ok",
            "success": true,
            "content": {"access_token": fresh, "refresh_token": "refresh-2"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wishlist/user-1"))
        .and(header("authorization", format!("Bearer {fresh}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(wishlist()))
        .expect(1)
        .mount(&server)
        .await;
    let storefront = builder(&server)
        .tokens(Tokens::new(expiring, "refresh-1"))
        .refresh_margin(Duration::from_secs(30))
        .build()
        .expect("client");
    storefront
        .wishlist()
        .get_wishlist("user-1")
        .await
        .expect("sent with the fresh token");
}
