//! What the server tests share: a backend that records which operation was reached, and a
//! way to send one request through a router without a network.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::Router;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use storefront_server::{AuthError, AuthRequest, Backend, ErrorResponse};
use tower::ServiceExt;

/// A backend that implements no operation: every call reaches the trait method's default,
/// which calls `not_implemented` with the operation's id; this records it.
#[derive(Clone, Default)]
pub struct Recorder {
    pub calls: Arc<Mutex<Vec<&'static str>>>,
}

impl Recorder {
    /// The operations reached so far, and forgets them.
    pub fn take(&self) -> Vec<&'static str> {
        std::mem::take(&mut *self.calls.lock().expect("not poisoned"))
    }
}

impl Backend for Recorder {
    type Principal = String;
    type Error = ErrorResponse;

    async fn verify_bearer(
        &self,
        token: &str,
        _request: &AuthRequest<'_>,
    ) -> Result<String, AuthError> {
        match token {
            "expired" => Err(AuthError::invalid("the token has expired")),
            "banned" => Err(AuthError::forbidden("this user may not do that")),
            _ => Ok(format!("user:{token}")),
        }
    }

    async fn verify_api_key(
        &self,
        key: &str,
        _request: &AuthRequest<'_>,
    ) -> Result<String, AuthError> {
        Ok(format!("store:{key}"))
    }

    fn not_implemented(&self, operation: &'static str) -> ErrorResponse {
        self.calls.lock().expect("not poisoned").push(operation);
        ErrorResponse::not_implemented(operation)
    }
}

impl storefront_server::Analytics for Recorder {}
impl storefront_server::Auth for Recorder {}
impl storefront_server::Campaigns for Recorder {}
impl storefront_server::Carts for Recorder {}
impl storefront_server::Catalog for Recorder {}
impl storefront_server::Customers for Recorder {}
impl storefront_server::Fulfillment for Recorder {}
impl storefront_server::Helpers for Recorder {}
impl storefront_server::Orders for Recorder {}
impl storefront_server::Payments for Recorder {}
impl storefront_server::Pos for Recorder {}
impl storefront_server::Store for Recorder {}
impl storefront_server::Subscriptions for Recorder {}
impl storefront_server::Wishlist for Recorder {}

/// An answer: status, headers and the body as JSON (`Null` when empty or not JSON).
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: serde_json::Value,
}

impl Answer {
    /// The error envelope's `code`.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }

    /// The problem recorded for `field` in the envelope's `errors`.
    pub fn error(&self, field: &str) -> &str {
        self.body["errors"][field].as_str().unwrap_or_default()
    }

    /// Asserts the error envelope's shape: `message`, `success: false`, `code`.
    pub fn assert_envelope(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert_eq!(self.body["success"], false, "{}", self.body);
        assert!(self.body["message"].is_string(), "{}", self.body);
        assert_eq!(self.code(), code, "{}", self.body);
        assert_eq!(
            self.headers.get("content-type").map(|v| v.as_bytes()),
            Some(&b"application/json"[..])
        );
    }
}

/// Sends `request` through `router` (no network).
pub async fn send(router: &Router, request: Request<Body>) -> Answer {
    let response = router
        .clone()
        .oneshot(request)
        .await
        .expect("routers are infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("the body is readable")
        .to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    Answer {
        status,
        headers,
        body,
    }
}

/// The base path of the store `s1`.
pub const BASE: &str = "/api/v1/s1/storefront";
