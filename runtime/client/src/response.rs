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
