//! Finishing an answer after the backend's method returned: errors to the envelope (5xx
//! logged with the request id, details never sent), the response headers the method set on
//! its context, and `x-request-id`.

use std::sync::{Arc, Mutex};

use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::auth::IntoErrorResponse;

/// What a failure inside the server was, kept in the response's extensions until the
/// handler logs it with the request id.
#[derive(Clone, Debug)]
pub(crate) struct ErrorDetail(pub(crate) String);

/// What the handler keeps of the request context while the method runs: the request id, the
/// operation and the response headers the method sets.
#[derive(Debug)]
pub struct Finisher {
    pub(crate) request_id: String,
    pub(crate) operation: &'static str,
    pub(crate) response_headers: Arc<Mutex<HeaderMap>>,
}

impl Finisher {
    /// The answer for what the method returned: the reply's response, or the error envelope
    /// of its error; a 5xx is logged with the request id and the operation (with the error's
    /// details, which the caller never sees). Adds the context's response headers (a header
    /// the reply sets itself wins) and `x-request-id`.
    pub fn respond<E: IntoErrorResponse>(self, result: Result<Response, E>) -> Response {
        let mut response = match result {
            Ok(response) => response,
            Err(error) => error.into_error_response().into_response(),
        };
        let status = response.status();
        if status.is_server_error() {
            let detail = response.extensions_mut().remove::<ErrorDetail>();
            tracing::error!(
                request_id = %self.request_id,
                operation = self.operation,
                status = status.as_u16(),
                detail = detail.as_ref().map(|d| d.0.as_str()).unwrap_or(""),
                "operation failed"
            );
        }
        let extra = std::mem::take(
            &mut *self
                .response_headers
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        let headers = response.headers_mut();
        let mut current: Option<HeaderName> = None;
        for (name, value) in extra {
            if let Some(name) = name {
                current = (!headers.contains_key(&name)).then_some(name);
            }
            if let Some(name) = &current {
                // `HeaderMap::into_iter` yields a name once, then its further values
                headers.append(name.clone(), value);
            }
        }
        if let Ok(id) = HeaderValue::from_str(&self.request_id) {
            headers.insert(HeaderName::from_static("x-request-id"), id);
        }
        response
    }
}
