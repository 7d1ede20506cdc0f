//! A response as hooks and decoders see it (its own module, so that `client` and `hooks`
//! both use it without importing each other).

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// A response, its body read.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

/// A successful call's value with its response's status and headers (what
/// `send_with_metadata` gives; `send` gives the value alone). Derefs to the value.
#[derive(Debug, Clone)]
pub struct ResponseValue<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> ResponseValue<T> {
    /// A value with the status and headers of its response.
    pub fn new(value: T, status: StatusCode, headers: HeaderMap) -> Self {
        ResponseValue {
            value,
            status,
            headers,
        }
    }

    /// The status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the response.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id the server gave the response (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        crate::error::request_id(&self.headers)
    }

    /// The value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The value, the status and the headers.
    pub fn into_parts(self) -> (T, StatusCode, HeaderMap) {
        (self.value, self.status, self.headers)
    }
}

impl<T> std::ops::Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}
