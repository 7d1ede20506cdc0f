//! The runtime of generated server crates: the hand-written, spec-independent part of serving an
//! OpenAPI API with axum.
//!
//! A generated server crate has one trait per tag of its spec and a `router(backend)`; its
//! handlers use this crate to
//!
//! - take a request apart ([`Incoming`]): path, query (arrays as repeated keys or comma-separated),
//!   header and cookie parameters, each parsed as its type through serde ([`parse_text`]);
//! - check the operation's security requirements before anything else, and have the
//!   [`Backend`] verify the credentials (401 with the envelope when they are missing);
//! - read the body within a size limit ([`Config`]; 413 over it): JSON, with serde errors
//!   turned into a 400 that names the field; urlencoded forms; multipart ([`Form`]);
//! - answer every client mistake with a 4xx and the error envelope ([`ErrorResponse`]:
//!   `{"message", "success": false, "code", "errors"}`), unknown paths with 404 and wrong
//!   methods with 405 in the same envelope, and unimplemented operations with 501.
//!
//! Implementations see only [`RequestContext`], typed requests and typed replies, and return
//! `Result<Reply, Backend::Error>` so that `?` works ([`IntoErrorResponse`]).
#![warn(missing_docs)]

mod auth;
mod body;
mod context;
mod error;
mod incoming;
mod multipart;
mod params;
mod respond;
mod response;
pub mod validate;

pub use auth::{
    AuthError, AuthRequest, Authenticated, Backend, Credentials, IntoErrorResponse, KeyLocation,
    OperationInfo, Scheme, Verified,
};
/// Re-exported for generated code: the bytes of a binary body.
pub use bytes::Bytes;
pub use context::RequestContext;
pub use error::{ErrorResponse, Errors};
pub use incoming::Incoming;
pub use multipart::{default_value, Form, FormFile};
pub use params::{parse_pairs, parse_text, ParamError, TextDeserializer};
pub use respond::Finisher;
pub use response::{empty, json, method_not_allowed, not_found, raw, set_header};

pub use axum;
pub use http;
pub use regex::Regex;

/// Limits of a generated router.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// Largest JSON or urlencoded body, in bytes (default 2 MiB); larger ones get 413.
    pub body_limit: usize,
    /// Largest multipart body, in bytes (default 16 MiB); larger ones get 413.
    pub multipart_limit: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            body_limit: 2 * 1024 * 1024,
            multipart_limit: 16 * 1024 * 1024,
        }
    }
}

impl Config {
    /// Sets [`Config::body_limit`].
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Sets [`Config::multipart_limit`].
    pub fn with_multipart_limit(mut self, bytes: usize) -> Self {
        self.multipart_limit = bytes;
        self
    }
}

/// The state of a generated router: the backend and the limits.
#[derive(Debug)]
pub struct Shared<B> {
    /// The implementation of the service traits (shared by the routers of several tags).
    pub backend: std::sync::Arc<B>,
    /// The limits.
    pub config: Config,
}
