//! Answers: typed bodies as JSON with a status, headers, and the fallbacks for unknown routes
//! and methods.

use std::fmt::Display;

use axum::response::{IntoResponse, Response};
use http::{header, HeaderName, HeaderValue, Method, StatusCode, Uri};
use serde::Serialize;

use crate::error::ErrorResponse;

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// `body` as JSON with `status` (500 with the error envelope if it cannot be serialized).
pub fn json<T: Serialize>(status: u16, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            let mut response = (status_code(status), bytes).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "could not serialize a response body");
            ErrorResponse::internal("the response could not be serialized").into_response()
        }
    }
}

/// `body` as it is, with `status` and the media type `content_type` (text, XML, binary).
pub fn raw(status: u16, content_type: &'static str, body: impl Into<bytes::Bytes>) -> Response {
    let mut response = (status_code(status), body.into()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// An answer with no body.
pub fn empty(status: u16) -> Response {
    status_code(status).into_response()
}

/// Adds a response header (skipped, with an error logged, when the value is not valid in a
/// header).
pub fn set_header(response: &mut Response, name: &'static str, value: impl Display) {
    let value = value.to_string();
    match (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(&value),
    ) {
        (Ok(name), Ok(value)) => {
            response.headers_mut().append(name, value);
        }
        _ => tracing::error!(header = name, "invalid response header value; left out"),
    }
}

/// The answer to a path that no operation serves: 404 with the error envelope.
pub async fn not_found(method: Method, uri: Uri) -> Response {
    ErrorResponse::not_found(format!("no operation at {method} {}", uri.path())).into_response()
}

/// The answer to a method that the path does not serve: 405 with the error envelope (the
/// router adds `Allow`).
pub async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    ErrorResponse::method_not_allowed(format!("{} does not serve the method {method}", uri.path()))
        .into_response()
}
