//! The session layer against a local HTTP mock (wiremock): anonymous bootstrap, refresh on a
//! `401` with one retry, refresh before expiry, the tokens of logins and logouts kept by the
//! session and reported, one client per user on one connection pool, operation timeouts.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use storefront::runtime::session::unsigned_jwt;
use storefront::types::{LoginWithPasswordBody, LoginWithPasswordBodyVariant1};
use storefront::{Error, RetryPolicy, Storefront, TokenChangeReason, Tokens};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
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

/// A `User` as the API sends it.
fn user(id: &str, anonymous: bool) -> serde_json::Value {
    let channel = json!({"email": true, "sms": false, "whatsapp": false});
    json!({
        "id": id, "first_name": null, "last_name": null, "email": null, "phone": null,
        "country_code": null, "is_anonymous": anonymous, "is_logged_in": !anonymous,
        "login_methods": [],
        "notification_preferences": {
            "transactional": channel, "promotional": channel, "newsletter": channel
        }
    })
}

/// A success envelope with a token pair and a user (a login, a logout, `verify-otp`).
fn token_pair(access: &str, refresh: &str, user: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "message": "ok",
        "success": true,
        "content": {"user": user, "access_token": access, "refresh_token": refresh}
    }))
}

/// The answer of `/auth/anonymous`: a token pair and an `AnonymousUser`.
fn anonymous_pair(access: &str, refresh: &str, id: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "message": "ok",
        "success": true,
        "content": {
            "user": {
                "id": id, "first_name": null, "last_name": null, "email": null,
                "phone": null, "is_email_verified": false, "is_phone_verified": false,
                "profile_image_url": null, "is_anonymous": true, "is_logged_in": false
            },
            "access_token": access,
            "refresh_token": refresh
        }
    }))
}

fn login_body() -> LoginWithPasswordBody {
    LoginWithPasswordBody::Variant1(Box::new(LoginWithPasswordBodyVariant1::new(
        "ann@example.com",
        "secret",
    )))
}

/// Mounts `GET /wishlist/{user}` answering 200 only to `Bearer {token}`, expected `times`.
async fn wishlist_of(server: &MockServer, user: &str, token: &str, times: u64) {
    Mock::given(method("GET"))
        .and(path(format!("/wishlist/{user}")))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(wishlist()))
        .expect(times)
        .mount(server)
        .await;
}

/// What the token callback saw: the reason and the access token of each change.
type Changes = Arc<Mutex<Vec<(TokenChangeReason, Option<String>)>>>;

fn recording(builder: storefront::StorefrontBuilder) -> (storefront::StorefrontBuilder, Changes) {
    let changes = Changes::default();
    let log = changes.clone();
    let builder = builder.on_tokens_changed(move |change| {
        let access = change.tokens.as_ref().map(|t| t.access_token.clone());
        log.lock().unwrap().push((change.reason, access));
    });
    (builder, changes)
}

#[tokio::test]
async fn after_a_login_calls_are_made_as_the_user() {
    let server = MockServer::start().await;
    let anon = token("anon-1", true);
    let ann = token("ann", false);
    Mock::given(method("POST"))
        .and(path("/auth/login/password"))
        .and(header("authorization", format!("Bearer {anon}").as_str()))
        .and(body_json(
            json!({"email": "ann@example.com", "password": "secret"}),
        ))
        .respond_with(token_pair(&ann, "ann-refresh", user("ann", false)))
        .expect(1)
        .mount(&server)
        .await;
    wishlist_of(&server, "ann", &ann, 1).await;
    let (builder, changes) = recording(builder(&server).tokens(Tokens::new(anon, "anon-refresh")));
    let storefront = builder.build().expect("client");
    let login = storefront
        .auth()
        .login_with_password(login_body())
        .await
        .expect("logged in");
    assert_eq!(login.content.user.id.as_deref(), Some("ann"));
    // no copying: the session has the user's tokens, and the next call carries them
    let session = storefront.session();
    assert_eq!(session.user_id().await.as_deref(), Some("ann"));
    assert!(session.is_logged_in().await);
    assert_eq!(
        session.tokens().await.unwrap(),
        Some(Tokens::new(ann.clone(), "ann-refresh"))
    );
    storefront
        .wishlist()
        .get_wishlist("ann")
        .await
        .expect("sent with Ann's token");
    assert_eq!(
        *changes.lock().unwrap(),
        [(
            TokenChangeReason::Operation("login-with-password"),
            Some(ann)
        )]
    );
}

#[tokio::test]
async fn after_a_logout_calls_use_the_new_anonymous_session() {
    let server = MockServer::start().await;
    let ann = token("ann", false);
    let anon = token("anon-2", true);
    Mock::given(method("POST"))
        .and(path("/auth/logout"))
        .and(header("authorization", format!("Bearer {ann}").as_str()))
        .respond_with(token_pair(&anon, "anon-refresh", user("anon-2", true)))
        .expect(1)
        .mount(&server)
        .await;
    wishlist_of(&server, "anon-2", &anon, 1).await;
    let (builder, changes) = recording(builder(&server).tokens(Tokens::new(ann, "ann-refresh")));
    let storefront = builder.build().expect("client");
    storefront.auth().logout().await.expect("logged out");
    assert!(storefront.session().is_anonymous().await);
    assert_eq!(
        storefront.session().user_id().await.as_deref(),
        Some("anon-2")
    );
    storefront
        .wishlist()
        .get_wishlist("anon-2")
        .await
        .expect("sent with the new anonymous token");
    assert_eq!(
        *changes.lock().unwrap(),
        [(TokenChangeReason::Operation("logout"), Some(anon))]
    );
}

#[tokio::test]
async fn every_token_change_is_reported() {
    let server = MockServer::start().await;
    let anon = token("anon-1", true);
    let ann = token("ann", false);
    let renewed = token("ann-renewed", false);
    let anon2 = token("anon-2", true);
    Mock::given(method("POST"))
        .and(path("/auth/anonymous"))
        .respond_with(anonymous_pair(&anon, "anon-refresh", "anon-1"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/login/password"))
        .and(header("authorization", format!("Bearer {anon}").as_str()))
        .respond_with(token_pair(&ann, "ann-refresh", user("ann", false)))
        .expect(1)
        .mount(&server)
        .await;
    // Ann's access token is revoked: a 401, a refresh, the call again
    Mock::given(method("GET"))
        .and(path("/wishlist/ann"))
        .and(header("authorization", format!("Bearer {ann}").as_str()))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "message": "Token revoked", "success": false, "code": "UNAUTHORIZED"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/refresh-token"))
        .and(body_json(json!({"refresh_token": "ann-refresh"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "message": "ok",
            "success": true,
            "content": {"access_token": renewed, "refresh_token": "ann-refresh-2"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    wishlist_of(&server, "ann", &renewed, 1).await;
    Mock::given(method("POST"))
        .and(path("/auth/logout"))
        .and(header(
            "authorization",
            format!("Bearer {renewed}").as_str(),
        ))
        .respond_with(token_pair(&anon2, "anon-refresh-2", user("anon-2", true)))
        .expect(1)
        .mount(&server)
        .await;
    let (builder, changes) = recording(builder(&server));
    let storefront = builder.build().expect("client");
    // the login needs a token: an anonymous session starts first
    storefront
        .auth()
        .login_with_password(login_body())
        .await
        .expect("logged in");
    storefront
        .wishlist()
        .get_wishlist("ann")
        .await
        .expect("the retry after the refresh");
    storefront.auth().logout().await.expect("logged out");
    assert_eq!(
        *changes.lock().unwrap(),
        [
            (TokenChangeReason::Anonymous, Some(anon)),
            (
                TokenChangeReason::Operation("login-with-password"),
                Some(ann)
            ),
            (TokenChangeReason::Refreshed, Some(renewed)),
            (TokenChangeReason::Operation("logout"), Some(anon2)),
        ]
    );
}

#[tokio::test]
async fn a_failed_login_keeps_the_anonymous_session() {
    let server = MockServer::start().await;
    let anon = token("anon-1", true);
    Mock::given(method("POST"))
        .and(path("/auth/login/password"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "message": "Invalid credentials", "success": false, "code": "BAD_REQUEST",
            "errors": {}
        })))
        .expect(1)
        .mount(&server)
        .await;
    wishlist_of(&server, "anon-1", &anon, 1).await;
    let (builder, changes) =
        recording(builder(&server).tokens(Tokens::new(anon.clone(), "anon-refresh")));
    let storefront = builder.build().expect("client");
    let err = storefront
        .auth()
        .login_with_password(login_body())
        .await
        .expect_err("a 400");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err:?}");
    assert_eq!(
        storefront.session().tokens().await.unwrap(),
        Some(Tokens::new(anon.clone(), "anon-refresh"))
    );
    assert!(storefront.session().is_anonymous().await);
    storefront
        .wishlist()
        .get_wishlist("anon-1")
        .await
        .expect("still the anonymous token");
    assert!(changes.lock().unwrap().is_empty(), "{changes:?}");
}

#[tokio::test]
async fn a_logout_without_tokens_ends_the_session_all_the_same() {
    let server = MockServer::start().await;
    let ann = token("ann", false);
    let anon = token("anon-3", true);
    // not what the spec says (it returns a new anonymous pair), but the signed-in session must
    // end anyway
    Mock::given(method("POST"))
        .and(path("/auth/logout"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"message": "ok", "success": true})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/anonymous"))
        .respond_with(anonymous_pair(&anon, "anon-refresh", "anon-3"))
        .expect(1)
        .mount(&server)
        .await;
    wishlist_of(&server, "anon-3", &anon, 1).await;
    let (builder, changes) = recording(builder(&server).tokens(Tokens::new(ann, "ann-refresh")));
    let storefront = builder.build().expect("client");
    let err = storefront
        .auth()
        .logout()
        .await
        .expect_err("the body does not match the spec");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(storefront.session().tokens().await.unwrap(), None);
    // the next call that needs a token starts an anonymous session
    storefront
        .wishlist()
        .get_wishlist("anon-3")
        .await
        .expect("with a new anonymous session");
    assert_eq!(
        *changes.lock().unwrap(),
        [
            (TokenChangeReason::Operation("logout"), None),
            (TokenChangeReason::Anonymous, Some(anon)),
        ]
    );
}

#[tokio::test]
async fn users_of_one_client_send_their_own_tokens() {
    let server = MockServer::start().await;
    let ann = token("ann", false);
    let bob = token("bob", false);
    wishlist_of(&server, "ann", &ann, 2).await;
    wishlist_of(&server, "bob", &bob, 2).await;
    Mock::given(method("POST"))
        .and(path("/auth/anonymous"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let storefront = builder(&server)
        .anonymous_bootstrap(false)
        .build()
        .expect("client");
    let ann_client = storefront.for_user(Tokens::new(ann.clone(), "ann-refresh"));
    let bob_client = storefront.for_user(Tokens::new(bob.clone(), "bob-refresh"));
    // concurrently, twice each
    let (a1, b1, a2, b2) = tokio::join!(
        ann_client.wishlist().get_wishlist("ann").send(),
        bob_client.wishlist().get_wishlist("bob").send(),
        ann_client.wishlist().get_wishlist("ann").send(),
        bob_client.wishlist().get_wishlist("bob").send(),
    );
    for result in [a1, b1, a2, b2] {
        result.expect("each with its own token");
    }
    assert_eq!(ann_client.session().user_id().await.as_deref(), Some("ann"));
    assert_eq!(bob_client.session().user_id().await.as_deref(), Some("bob"));
    // the parent's session is untouched
    assert_eq!(storefront.session().tokens().await.unwrap(), None);
}

#[tokio::test]
async fn a_users_login_stays_in_that_users_session() {
    let server = MockServer::start().await;
    let anon = token("anon-1", true);
    let ann = token("ann", false);
    Mock::given(method("POST"))
        .and(path("/auth/login/password"))
        .respond_with(token_pair(&ann, "ann-refresh", user("ann", false)))
        .expect(1)
        .mount(&server)
        .await;
    let storefront = builder(&server)
        .tokens(Tokens::new(anon.clone(), "anon-refresh"))
        .build()
        .expect("client");
    let changes = Changes::default();
    let log = changes.clone();
    let ann_client = storefront.for_user_with(move |session| {
        session
            .store(storefront::MemoryTokenStore::new(Some(Tokens::new(
                token("visitor", true),
                "visitor-refresh",
            ))))
            .on_tokens_changed(move |change| {
                let access = change.tokens.as_ref().map(|t| t.access_token.clone());
                log.lock().unwrap().push((change.reason, access));
            })
    });
    ann_client
        .auth()
        .login_with_password(login_body())
        .await
        .expect("logged in");
    assert_eq!(ann_client.session().user_id().await.as_deref(), Some("ann"));
    assert_eq!(
        *changes.lock().unwrap(),
        [(
            TokenChangeReason::Operation("login-with-password"),
            Some(ann)
        )]
    );
    // the parent still holds its own anonymous session
    assert_eq!(
        storefront.session().tokens().await.unwrap(),
        Some(Tokens::new(anon, "anon-refresh"))
    );
}

/// A tiny HTTP/1.1 server that keeps connections open and counts them: each request gets an
/// empty wishlist.
async fn counting_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let body = wishlist().to_string();
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    // requests without bodies: one ends with its blank line
                    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let end = buffer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                    buffer.drain(..end);
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if socket.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (format!("http://{address}"), connections)
}

#[tokio::test]
async fn users_share_the_parents_connection_pool() {
    let (base, connections) = counting_server().await;
    let storefront = Storefront::builder()
        .base_url(&base)
        .api_key("pk_test")
        .tokens(Tokens::new(token("anon", true), "r"))
        .build()
        .expect("client");
    let ann = storefront.for_user(Tokens::new(token("ann", false), "r"));
    let bob = storefront.for_user(Tokens::new(token("bob", false), "r"));
    for client in [&storefront, &ann, &bob, &ann] {
        client.wishlist().get_wishlist("x").await.expect("200");
    }
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "one pool, one kept-alive connection"
    );
    // the check can tell: a client built anew opens a connection of its own
    let other = Storefront::builder()
        .base_url(&base)
        .tokens(Tokens::new(token("carl", false), "r"))
        .build()
        .expect("client");
    other.wishlist().get_wishlist("x").await.expect("200");
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_operation_timeout_bounds_retries_and_waits() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wishlist/ann"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "1"))
        .mount(&server)
        .await;
    let storefront = Storefront::builder()
        .base_url(server.uri())
        .api_key("pk_test")
        .tokens(Tokens::new(token("ann", false), "r"))
        .client(|c| {
            c.timeout(Duration::from_secs(30)).retry(
                RetryPolicy::default()
                    .max_attempts(10)
                    .max_retry_after(Duration::from_secs(30)),
            )
        })
        .build()
        .expect("client");
    let started = std::time::Instant::now();
    let err = storefront
        .with_operation_timeout(Duration::from_millis(1500))
        .wishlist()
        .get_wishlist("ann")
        .await
        .expect_err("never a 200");
    assert!(
        matches!(
            err,
            Error::OperationTimeout {
                attempts: 2..,
                last_status: Some(status),
                ..
            } if status.as_u16() == 503
        ),
        "{err:?}"
    );
    // ten attempts a second apart would take nine seconds
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_builder_sets_the_operation_timeout_of_one_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wishlist/ann"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "1"))
        .mount(&server)
        .await;
    let storefront = Storefront::builder()
        .base_url(server.uri())
        .api_key("pk_test")
        .tokens(Tokens::new(token("ann", false), "r"))
        .client(|c| {
            c.retry(
                RetryPolicy::default()
                    .max_attempts(10)
                    .max_retry_after(Duration::from_secs(30)),
            )
        })
        .build()
        .expect("client");
    let err = storefront
        .wishlist()
        .get_wishlist("ann")
        .operation_timeout(Duration::from_millis(1500))
        .await
        .expect_err("never a 200");
    assert!(err.is_operation_timeout(), "{err:?}");
}
