//! Credentials: the security schemes of a spec, the [`Backend`] trait that verifies them, and
//! the per-operation check that runs before an implementation is called.

use std::fmt;
use std::future::Future;

use crate::error::ErrorResponse;

/// What every generated service trait builds on: verifying the caller's credentials, and
/// answering operations the backend does not implement.
///
/// The defaults accept no credential at all (every operation that needs one answers 401) and
/// answer 501 for every operation. Implement the `verify_*` methods for the schemes your API
/// uses:
///
/// ```
/// use server_runtime::{AuthError, Backend};
///
/// struct Shop;
///
/// impl Backend for Shop {
///     type Principal = String;
///
///     async fn verify_bearer(&self, token: &str) -> Result<String, AuthError> {
///         match token.strip_prefix("user-") {
///             Some(user) => Ok(user.to_owned()),
///             None => Err(AuthError::invalid("unknown token")),
///         }
///     }
/// }
/// ```
pub trait Backend: Send + Sync + 'static {
    /// What a verified credential says about the caller (a user id, claims, ...), handed to
    /// every operation in its [`crate::RequestContext`].
    type Principal: Send + Sync + 'static;

    /// Verifies a bearer token (`Authorization: Bearer <token>`; also OAuth2 and OpenID
    /// Connect schemes). Default: rejects every token.
    fn verify_bearer(
        &self,
        token: &str,
    ) -> impl Future<Output = Result<Self::Principal, AuthError>> + Send {
        let _ = token;
        async { Err(AuthError::invalid("bearer tokens are not accepted")) }
    }

    /// Verifies an API key of the scheme named `scheme` in the spec. Default: rejects every
    /// key.
    fn verify_api_key(
        &self,
        scheme: &str,
        key: &str,
    ) -> impl Future<Output = Result<Self::Principal, AuthError>> + Send {
        let _ = (scheme, key);
        async { Err(AuthError::invalid("API keys are not accepted")) }
    }

    /// Verifies HTTP basic credentials. Default: rejects them.
    fn verify_basic(
        &self,
        user: &str,
        password: &str,
    ) -> impl Future<Output = Result<Self::Principal, AuthError>> + Send {
        let _ = (user, password);
        async { Err(AuthError::invalid("basic credentials are not accepted")) }
    }

    /// The answer of an operation the backend does not implement (every trait method's
    /// default calls this with the operation's id). Default: 501 with the error envelope.
    fn not_implemented(&self, operation: &'static str) -> ErrorResponse {
        ErrorResponse::not_implemented(operation)
    }
}

/// Why a credential was refused: answered as 401 (or 403) with the error envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthError {
    forbidden: bool,
    message: String,
}

impl AuthError {
    /// The credential is not valid (unknown, expired, malformed): 401.
    pub fn invalid(message: impl Into<String>) -> Self {
        AuthError {
            forbidden: false,
            message: message.into(),
        }
    }

    /// The credential is valid but may not be used here: 403.
    pub fn forbidden(message: impl Into<String>) -> Self {
        AuthError {
            forbidden: true,
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AuthError {}

impl From<AuthError> for ErrorResponse {
    fn from(e: AuthError) -> Self {
        if e.forbidden {
            ErrorResponse::forbidden(e.message)
        } else {
            ErrorResponse::unauthorized(e.message)
        }
    }
}

/// Where an API key is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyLocation {
    /// In a header.
    Header,
    /// In the query string.
    Query,
    /// In a cookie.
    Cookie,
}

/// A security scheme of the spec (`components.securitySchemes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `Authorization: Bearer <token>` (http bearer, OAuth2, OpenID Connect).
    Bearer {
        /// The scheme's name in the spec.
        name: &'static str,
    },
    /// `Authorization: Basic <base64(user:password)>`.
    Basic {
        /// The scheme's name in the spec.
        name: &'static str,
    },
    /// An API key.
    ApiKey {
        /// The scheme's name in the spec.
        name: &'static str,
        /// Where the key is.
        location: KeyLocation,
        /// The header, query parameter or cookie that holds it.
        key: &'static str,
    },
}

impl Scheme {
    /// The scheme's name in the spec.
    pub fn name(&self) -> &'static str {
        match self {
            Scheme::Bearer { name } | Scheme::Basic { name } | Scheme::ApiKey { name, .. } => name,
        }
    }

    /// How a caller sends it, for error messages.
    pub fn describe(&self) -> String {
        match self {
            Scheme::Bearer { .. } => "a bearer token (`Authorization: Bearer ...`)".to_owned(),
            Scheme::Basic { .. } => "basic credentials (`Authorization: Basic ...`)".to_owned(),
            Scheme::ApiKey { location, key, .. } => {
                let place = match location {
                    KeyLocation::Header => "header",
                    KeyLocation::Query => "query parameter",
                    KeyLocation::Cookie => "cookie",
                };
                format!("an API key in the `{key}` {place}")
            }
        }
    }
}

/// A credential the [`Backend`] accepted, and what it said about the caller.
#[derive(Clone)]
pub struct Verified<P> {
    /// The scheme's name in the spec (`BearerAuth`).
    pub scheme: &'static str,
    /// The credential as sent (the token, the key, or the basic user name).
    pub credential: String,
    /// What the backend returned for it.
    pub principal: P,
}

impl<P: fmt::Debug> fmt::Debug for Verified<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("scheme", &self.scheme)
            .field("credential", &"<redacted>")
            .field("principal", &self.principal)
            .finish()
    }
}
