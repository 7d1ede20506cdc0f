//! The runtime of generated API clients.
//!
//! Generated code stays thin: each operation fills a [`Request`] (method, path template and
//! parameters, query, headers, body, accepted credentials) and gives a decoder of its documented
//! responses; [`Client::send`] does the rest. This crate owns everything else, once:
//!
//! - transport: [`reqwest`] with rustls, connect and request timeouts, user agent, default headers
//!   and credentials (API key, bearer token), all set on a [`ClientBuilder`];
//! - retries ([`RetryPolicy`]): exponential backoff with full jitter, capped, honouring
//!   `Retry-After`; only where a retry is safe (see [`RetryPolicy`]);
//! - timeouts: of each attempt, and of the whole call ([`ClientBuilder::operation_timeout`],
//!   [`Error::OperationTimeout`]), retries and the waits between them included;
//! - per-request overrides ([`RequestOptions`]): timeouts, headers, retry policy;
//! - a `tracing` span per request (`operation`, `method`, `attempt`, `status`);
//! - [`Hook`]s that see each attempt before it is sent and after its response arrives;
//! - errors ([`Error`]) that keep the status, the headers and the typed (or raw) body;
//! - [`pagination`]: streams of pages and items that cannot loop;
//! - [`session`]: token storage, refresh, anonymous sessions and the tokens that operations
//!   such as a login return, as a hook.
//!
//! Nothing here knows about any particular API.
#![warn(missing_docs)]

mod client;
pub mod conformance;
mod error;
mod hooks;
mod multipart;
pub mod pagination;
mod request;
mod response;
mod retry;
pub mod session;

use std::future::Future;
use std::pin::Pin;

pub use client::{BuildError, Client, ClientBuilder};
pub use error::{ApiError, BoxError, Error, ErrorBody, REQUEST_ID_HEADER};
pub use hooks::{AfterReceive, Hook};
pub use multipart::{Multipart, Part};
pub use pagination::{Items, Pages};
pub use request::{Auth, Body, Request, RequestOptions};
pub use response::{Response, ResponseValue};
pub use retry::RetryPolicy;

/// Re-exported for generated code and hooks.
pub use bytes::Bytes;
/// Re-exported for generated code and hooks.
pub use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};

/// A boxed, sendable future (what hooks and paginators return).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a generated decoder makes of a response: the success body, a documented error, or a
/// status the operation does not document.
#[derive(Debug)]
pub enum Outcome<T, E> {
    /// The success body.
    Ok(T),
    /// A documented error.
    Err(E),
    /// A status the operation does not document: becomes [`Error::Unexpected`].
    Unexpected,
}

/// Decodes a response of one operation from its status and body.
pub type Decoder<T, E> = fn(StatusCode, &[u8]) -> Result<Outcome<T, E>, DecodeError>;

/// Parses a JSON body (a helper for generated decoders).
pub fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(body)
}

/// A text body (of a non-JSON media type) as a `String`; bytes that are not UTF-8 are
/// replaced (a helper for generated decoders).
pub fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

/// The error of a [`Decoder`].
pub type DecodeError = serde_json::Error;

/// Writes `400 Bad Request: CODE: message`, leaving out what is `None` (the `Display` of
/// generated error enums).
pub fn write_api_error(
    f: &mut std::fmt::Formatter<'_>,
    status: u16,
    code: Option<&str>,
    message: Option<&str>,
) -> std::fmt::Result {
    match StatusCode::from_u16(status) {
        Ok(s) => write!(f, "{}", error::ShowStatus(s))?,
        Err(_) => write!(f, "{status}")?,
    }
    error::write_code_and_message(f, code, message)
}
