//! What an operation knows about its request besides its typed parameters and body.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use http::HeaderMap;

use crate::auth::Verified;

/// The request context handed to every operation: the verified credentials, a request id, the
/// headers and the values of the base path's variables.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RequestContext<P> {
    /// The request's id: its `x-request-id` header when it has a usable one, else a new id.
    pub request_id: String,
    /// The verified bearer token (or basic credentials), when the operation's security
    /// requirement that was met includes one.
    pub bearer: Option<Verified<P>>,
    /// The verified API key, when the security requirement that was met includes one.
    pub api_key: Option<Verified<P>>,
    /// Variables of the base path (`store_id` of `/api/v1/{store_id}/storefront`).
    pub server_variables: BTreeMap<String, String>,
    /// Every request header.
    pub headers: HeaderMap,
}

impl<P> RequestContext<P> {
    /// A context with no credentials, no headers and a new request id (for calling an
    /// implementation directly, e.g. in its tests).
    pub fn new() -> Self {
        RequestContext {
            request_id: new_request_id(),
            bearer: None,
            api_key: None,
            server_variables: BTreeMap::new(),
            headers: HeaderMap::new(),
        }
    }

    /// Sets the bearer credential.
    pub fn with_bearer(mut self, verified: Verified<P>) -> Self {
        self.bearer = Some(verified);
        self
    }

    /// Sets the API key credential.
    pub fn with_api_key(mut self, verified: Verified<P>) -> Self {
        self.api_key = Some(verified);
        self
    }

    /// Sets a base path variable.
    pub fn with_server_variable(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.server_variables.insert(name.into(), value.into());
        self
    }

    /// What the backend said about the caller: the bearer's principal, else the API key's.
    pub fn principal(&self) -> Option<&P> {
        self.bearer
            .as_ref()
            .or(self.api_key.as_ref())
            .map(|v| &v.principal)
    }

    /// A base path variable (`store_id`).
    pub fn server_variable(&self, name: &str) -> Option<&str> {
        self.server_variables.get(name).map(String::as_str)
    }

    /// A header's value, when it is present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl<P> Default for RequestContext<P> {
    fn default() -> Self {
        Self::new()
    }
}

/// The request id of a request with these headers.
pub(crate) fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 200)
        .map(str::to_owned)
        .unwrap_or_else(new_request_id)
}

/// A new id, unique in this process and unlikely to repeat across processes.
fn new_request_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or_default();
    format!("req-{started:x}-{n:x}")
}
