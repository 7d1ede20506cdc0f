//! What an operation knows about its request besides its typed parameters and body.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::auth::{Credentials, Verified};

/// The request context handed to every operation: its credentials (`A`, typed from the
/// operation's `security`, see [`crate::Authenticated`]), a request id, the headers, the values
/// of the base path's variables, and response headers to add to the answer.
///
/// For calling an implementation directly (in its tests), build one with
/// [`RequestContext::new`] and [`RequestContext::with_auth`].
#[derive(Clone)]
#[non_exhaustive]
pub struct RequestContext<A = ()> {
    /// The request's id: its `x-request-id` header when it has a usable one, else a new id.
    pub request_id: String,
    /// The operation's id (`get-cart`).
    pub operation: &'static str,
    /// The verified credentials: `()`, a [`Verified`], [`Credentials`] or
    /// `Option<Credentials>`, as the operation's `security` says.
    pub auth: A,
    /// Variables of the base path (`store_id` of `/api/v1/{store_id}/storefront`).
    pub server_variables: BTreeMap<String, String>,
    /// Every request header.
    pub headers: HeaderMap,
    response_headers: Arc<Mutex<HeaderMap>>,
}

impl<A: fmt::Debug> fmt::Debug for RequestContext<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestContext")
            .field("request_id", &self.request_id)
            .field("operation", &self.operation)
            .field("auth", &self.auth)
            .field("server_variables", &self.server_variables)
            .finish_non_exhaustive()
    }
}

impl RequestContext {
    /// A context of `operation` with no credentials, no headers and a new request id (for
    /// calling an implementation directly, e.g. in its tests).
    pub fn new(operation: &'static str) -> Self {
        RequestContext {
            request_id: new_request_id(),
            operation,
            auth: (),
            server_variables: BTreeMap::new(),
            headers: HeaderMap::new(),
            response_headers: Arc::default(),
        }
    }
}

impl<A> RequestContext<A> {
    /// The same context with these credentials.
    pub fn with_auth<B>(self, auth: B) -> RequestContext<B> {
        RequestContext {
            request_id: self.request_id,
            operation: self.operation,
            auth,
            server_variables: self.server_variables,
            headers: self.headers,
            response_headers: self.response_headers,
        }
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

    /// Sets a request header (ignored when the name or value is not valid in a header).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            self.headers.insert(name, value);
        }
        self
    }

    /// A base path variable (`store_id`).
    pub fn server_variable(&self, name: &str) -> Option<&str> {
        self.server_variables.get(name).map(String::as_str)
    }

    /// A header's value, when it is present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Sets a header of the answer (`Cache-Control`, `Location`, ...), replacing any value
    /// set before; headers the reply sets itself come after. An invalid name or value is
    /// left out with an error logged.
    pub fn set_response_header(&self, name: &str, value: &str) {
        self.add_response_header(name, value, false);
    }

    /// Adds a header to the answer, keeping earlier values of the same name (`Set-Cookie`).
    pub fn append_response_header(&self, name: &str, value: &str) {
        self.add_response_header(name, value, true);
    }

    fn add_response_header(&self, name: &str, value: &str, append: bool) {
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) else {
            tracing::error!(header = name, "invalid response header; left out");
            return;
        };
        let mut headers = self
            .response_headers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if append {
            headers.append(name, value);
        } else {
            headers.insert(name, value);
        }
    }

    /// The response headers set so far.
    pub fn response_headers(&self) -> HeaderMap {
        self.response_headers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// What the handler keeps to finish the answer after the method took the context.
    pub fn finisher(&self) -> crate::respond::Finisher {
        crate::respond::Finisher {
            request_id: self.request_id.clone(),
            operation: self.operation,
            response_headers: Arc::clone(&self.response_headers),
        }
    }
}

impl<P> RequestContext<Verified<P>> {
    /// What the backend said about the caller (the operation needs exactly this credential).
    pub fn principal(&self) -> &P {
        &self.auth.principal
    }
}

impl<P> RequestContext<Credentials<P>> {
    /// What the backend said about the caller: the principal of the first credential of the
    /// security requirement that was met.
    pub fn principal(&self) -> &P {
        self.auth.principal()
    }
}

impl<P> RequestContext<Option<Verified<P>>> {
    /// What the backend said about the caller, when the credential was sent (the operation
    /// also serves callers without one).
    pub fn principal(&self) -> Option<&P> {
        self.auth.as_ref().map(|v| &v.principal)
    }
}

impl<P> RequestContext<Option<Credentials<P>>> {
    /// What the backend said about the caller, when credentials were sent (the operation
    /// also serves anonymous callers).
    pub fn principal(&self) -> Option<&P> {
        self.auth.as_ref().map(Credentials::principal)
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
