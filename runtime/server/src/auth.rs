//! Credentials: the security schemes of a spec, the [`Backend`] trait that verifies them, and
//! the per-operation check that reads them from an [`Incoming`] request and runs before an
//! implementation is called.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;

use http::{header, HeaderMap};

use crate::context::{request_id, RequestContext};
use crate::error::ErrorResponse;
use crate::incoming::Incoming;

/// What every generated service trait builds on: verifying the caller's credentials, the
/// error type of the backend's methods, and the answer to operations it does not implement.
///
/// The defaults accept no credential at all (every operation that needs one answers 401) and
/// answer 501 for every operation. Implement the `verify_*` methods for the schemes your API
/// uses; each sees the request's parts ([`AuthRequest`]: the operation, the server variables
/// such as a store id, the headers), so that a credential can be checked against the store
/// in the path:
///
/// ```
/// use server_runtime::{AuthError, AuthRequest, Backend, ErrorResponse};
///
/// struct Shop;
///
/// impl Backend for Shop {
///     type Principal = String;
///     type Error = ErrorResponse;
///
///     async fn verify_bearer(&self, token: &str, request: &AuthRequest<'_>) -> Result<String, AuthError> {
///         let store = request.server_variable("store_id").unwrap_or_default();
///         match token.strip_prefix(&format!("{store}:")) {
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

    /// The error of the backend's methods (`Result<{Op}Reply, Self::Error>`), so that `?`
    /// works on storage errors: it becomes the error envelope through
    /// [`IntoErrorResponse`] (a 5xx is logged with the request id and answered without
    /// its details). [`ErrorResponse`] itself is one.
    type Error: IntoErrorResponse;

    /// Verifies a bearer token (`Authorization: Bearer <token>`; also OAuth2 and OpenID
    /// Connect schemes) sent to `request`. Default: rejects every token.
    fn verify_bearer(
        &self,
        token: &str,
        request: &AuthRequest<'_>,
    ) -> impl Future<Output = Result<Self::Principal, AuthError>> + Send {
        let _ = (token, request);
        async { Err(AuthError::invalid("bearer tokens are not accepted")) }
    }

    /// Verifies an API key of the scheme [`AuthRequest::scheme`] sent to `request`.
    /// Default: rejects every key.
    fn verify_api_key(
        &self,
        key: &str,
        request: &AuthRequest<'_>,
    ) -> impl Future<Output = Result<Self::Principal, AuthError>> + Send {
        let _ = (key, request);
        async { Err(AuthError::invalid("API keys are not accepted")) }
    }

    /// Verifies HTTP basic credentials sent to `request`. Default: rejects them.
    fn verify_basic(
        &self,
        user: &str,
        password: &str,
        request: &AuthRequest<'_>,
    ) -> impl Future<Output = Result<Self::Principal, AuthError>> + Send {
        let _ = (user, password, request);
        async { Err(AuthError::invalid("basic credentials are not accepted")) }
    }

    /// The answer of an operation the backend does not implement (every trait method's
    /// default calls this with the operation's id). Default: 501 with the error envelope.
    fn not_implemented(&self, operation: &'static str) -> ErrorResponse {
        ErrorResponse::not_implemented(operation)
    }
}

/// How an error of a backend becomes the error envelope.
///
/// Implement it for the backend's error type (a `thiserror` enum, say): map what the caller
/// can act on to its 4xx, and the rest to [`ErrorResponse::internal_error`], whose details are
/// logged with the request id and never sent.
pub trait IntoErrorResponse: Send + 'static {
    /// The answer for this error.
    fn into_error_response(self) -> ErrorResponse;
}

impl IntoErrorResponse for ErrorResponse {
    fn into_error_response(self) -> ErrorResponse {
        self
    }
}

impl IntoErrorResponse for std::convert::Infallible {
    fn into_error_response(self) -> ErrorResponse {
        match self {}
    }
}

/// A credential's request as its verifier sees it: which operation, which scheme, the base
/// path's variables (`store_id`) and the headers.
#[derive(Clone, Copy, Debug)]
pub struct AuthRequest<'a> {
    /// The operation's id (`get-cart`).
    pub operation: &'static str,
    /// The security scheme's name in the spec (`BearerAuth`).
    pub scheme: &'static str,
    /// The values of the base path's variables.
    pub server_variables: &'a BTreeMap<String, String>,
    /// The request's headers.
    pub headers: &'a HeaderMap,
}

impl AuthRequest<'_> {
    /// A base path variable (`store_id`).
    pub fn server_variable(&self, name: &str) -> Option<&str> {
        self.server_variables.get(name).map(String::as_str)
    }

    /// A header's value, when it is present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Why a credential was refused: answered as 401, 403 or 404 with the error envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthError {
    status: u16,
    message: String,
}

impl AuthError {
    /// The credential is not valid (unknown, expired, malformed): 401.
    pub fn invalid(message: impl Into<String>) -> Self {
        AuthError {
            status: 401,
            message: message.into(),
        }
    }

    /// The credential is valid but may not be used here: 403.
    pub fn forbidden(message: impl Into<String>) -> Self {
        AuthError {
            status: 403,
            message: message.into(),
        }
    }

    /// What the request addresses does not exist (a store id in the base path that no store
    /// has, say): 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        AuthError {
            status: 404,
            message: message.into(),
        }
    }

    /// The status it is answered with.
    pub fn status(&self) -> u16 {
        self.status
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
        match e.status {
            403 => ErrorResponse::forbidden(e.message),
            404 => ErrorResponse::not_found(e.message),
            _ => ErrorResponse::unauthorized(e.message),
        }
    }
}

/// An operation of a generated server: what a metrics or logging layer needs to name it
/// (the generated crate lists them all in `OPERATIONS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    /// The operation's id (`get-cart`).
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The route, base path included, as the router matches it (`/api/v1/{store_id}/storefront/carts/{id}`).
    pub route: &'static str,
    /// The tag (module) it belongs to.
    pub tag: &'static str,
}

impl OperationInfo {
    /// The operation among `operations` served at `route` (axum's `MatchedPath`) with `method`.
    pub fn find(
        operations: &'static [OperationInfo],
        method: &str,
        route: &str,
    ) -> Option<&'static OperationInfo> {
        operations
            .iter()
            .find(|o| o.route == route && o.method.eq_ignore_ascii_case(method))
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

impl<P> Verified<P> {
    /// What the backend said about the caller.
    pub fn principal(&self) -> &P {
        &self.principal
    }
}

/// The credentials of an operation whose security has alternatives or combinations (a
/// bearer token or an API key, say): every credential that was verified, at least one.
#[derive(Clone, Debug)]
pub struct Credentials<P> {
    first: Verified<P>,
    rest: Vec<Verified<P>>,
}

impl<P> Credentials<P> {
    /// The credentials verified, in the order of the requirement that was met; `None` for none.
    pub fn from_verified(mut verified: Vec<Verified<P>>) -> Option<Self> {
        if verified.is_empty() {
            return None;
        }
        let first = verified.remove(0);
        Some(Credentials {
            first,
            rest: verified,
        })
    }

    /// The principal of the first credential of the requirement that was met.
    pub fn principal(&self) -> &P {
        &self.first.principal
    }

    /// The credential of the scheme named `scheme` in the spec, when it was sent.
    pub fn scheme(&self, scheme: &str) -> Option<&Verified<P>> {
        self.iter().find(|v| v.scheme == scheme)
    }

    /// Every verified credential.
    pub fn iter(&self) -> impl Iterator<Item = &Verified<P>> {
        std::iter::once(&self.first).chain(&self.rest)
    }
}

/// What an operation's [`crate::RequestContext`] holds about its credentials, decided by the
/// generator from the operation's `security`: `()` when it needs none, [`Verified`] when it
/// needs exactly one scheme, [`Credentials`] for alternatives or combinations, and
/// `Option<Verified>` or `Option<Credentials>` when one alternative is "none".
pub trait Authenticated<P>: Sized + Send + 'static {
    /// The value from the credentials verified for the requirement that was met; `None`
    /// when they do not fit (the runtime then answers 401).
    fn from_verified(verified: Vec<Verified<P>>) -> Option<Self>;
}

impl<P: Send + 'static> Authenticated<P> for () {
    fn from_verified(_: Vec<Verified<P>>) -> Option<Self> {
        Some(())
    }
}

impl<P: Send + 'static> Authenticated<P> for Verified<P> {
    fn from_verified(verified: Vec<Verified<P>>) -> Option<Self> {
        verified.into_iter().next()
    }
}

impl<P: Send + 'static> Authenticated<P> for Option<Verified<P>> {
    fn from_verified(verified: Vec<Verified<P>>) -> Option<Self> {
        Some(verified.into_iter().next())
    }
}

impl<P: Send + 'static> Authenticated<P> for Credentials<P> {
    fn from_verified(verified: Vec<Verified<P>>) -> Option<Self> {
        Credentials::from_verified(verified)
    }
}

impl<P: Send + 'static> Authenticated<P> for Option<Credentials<P>> {
    fn from_verified(verified: Vec<Verified<P>>) -> Option<Self> {
        Some(Credentials::from_verified(verified))
    }
}

impl Incoming {
    fn credential(&self, scheme: &Scheme) -> Option<String> {
        match scheme {
            Scheme::Bearer { .. } => self.authorization("bearer"),
            Scheme::Basic { .. } => self.authorization("basic"),
            Scheme::ApiKey { location, key, .. } => match location {
                KeyLocation::Header => self
                    .parts
                    .headers
                    .get(*key)
                    .and_then(|v| v.to_str().ok())
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned),
                KeyLocation::Query => self
                    .query
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
                    .filter(|v| !v.is_empty()),
                KeyLocation::Cookie => self.cookie(key),
            },
        }
    }

    /// The credentials of `Authorization: <kind> <credentials>`.
    fn authorization(&self, kind: &str) -> Option<String> {
        let value = self
            .parts
            .headers
            .get(header::AUTHORIZATION)?
            .to_str()
            .ok()?;
        let (given, rest) = value.trim().split_once(' ')?;
        let rest = rest.trim();
        (given.eq_ignore_ascii_case(kind) && !rest.is_empty()).then(|| rest.to_owned())
    }

    /// Checks the operation's security requirements (alternatives, each a list of schemes that
    /// must all be present; an empty list: none needed) and verifies the credentials of the
    /// first alternative that the request meets through `backend`; the context holds them as
    /// `A` (see [`Authenticated`]).
    ///
    /// Missing credentials answer 401 before anything else; refused ones answer what the
    /// backend's [`crate::AuthError`] says.
    pub async fn authenticate<B: Backend, A: Authenticated<B::Principal>>(
        &self,
        backend: &B,
        operation: &'static str,
        requirements: &[&[Scheme]],
    ) -> Result<RequestContext<A>, ErrorResponse> {
        let mut ctx = RequestContext::new(operation);
        ctx.request_id = request_id(&self.parts.headers);
        ctx.headers = self.parts.headers.clone();
        ctx.server_variables = self.server_variables.clone();
        // the first alternative whose credentials are all present; an empty one last
        let met = requirements
            .iter()
            .filter(|alt| !alt.is_empty())
            .find_map(|alt| {
                alt.iter()
                    .map(|s| self.credential(s).map(|c| (*s, c)))
                    .collect::<Option<Vec<_>>>()
            })
            .or_else(|| {
                (requirements.is_empty() || requirements.iter().any(|a| a.is_empty()))
                    .then(Vec::new)
            });
        let Some(credentials) = met else {
            let wanted: Vec<String> = requirements
                .iter()
                .map(|alt| {
                    alt.iter()
                        .map(Scheme::describe)
                        .collect::<Vec<_>>()
                        .join(" and ")
                })
                .collect();
            return Err(ErrorResponse::unauthorized(format!(
                "missing credentials: send {}",
                wanted.join(", or ")
            )));
        };
        let mut verified = Vec::with_capacity(credentials.len());
        for (scheme, credential) in credentials {
            let request = AuthRequest {
                operation,
                scheme: scheme.name(),
                server_variables: &self.server_variables,
                headers: &self.parts.headers,
            };
            let (principal, credential) = match scheme {
                Scheme::Bearer { .. } => {
                    let principal = backend.verify_bearer(&credential, &request).await?;
                    (principal, credential)
                }
                Scheme::Basic { .. } => {
                    let decoded = decode_basic(&credential).ok_or_else(|| {
                        ErrorResponse::unauthorized("malformed basic credentials")
                    })?;
                    let (user, password) = decoded.split_once(':').unwrap_or((&decoded, ""));
                    let principal = backend.verify_basic(user, password, &request).await?;
                    (principal, user.to_owned())
                }
                Scheme::ApiKey { .. } => {
                    let principal = backend.verify_api_key(&credential, &request).await?;
                    (principal, credential)
                }
            };
            verified.push(Verified {
                scheme: scheme.name(),
                credential,
                principal,
            });
        }
        let auth = A::from_verified(verified)
            .ok_or_else(|| ErrorResponse::unauthorized("missing credentials"))?;
        Ok(ctx.with_auth(auth))
    }
}

/// Base64 (standard alphabet, padding optional) -> text.
fn decode_basic(encoded: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for c in encoded.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::decode_basic;

    #[test]
    fn base64() {
        assert_eq!(decode_basic("dXNlcjpwYXNz").as_deref(), Some("user:pass"));
        assert_eq!(decode_basic("YQ==").as_deref(), Some("a"));
        assert_eq!(decode_basic("!!"), None);
    }
}
