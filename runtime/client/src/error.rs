//! The error of a call: a documented error response, another status, or no response at all.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// A boxed error, as hooks and token stores return.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What every operation's documented error (`{Op}Error`) tells, so that code handling the
/// errors of any operation can read them without knowing which it was: the status, and the
/// API's `code` and `message` when the error body has them.
///
/// ```
/// use client_runtime::{ApiError, Error};
///
/// /// One handler for the errors of every operation.
/// fn explain<E: ApiError>(error: &Error<E>) -> String {
///     match (error.code(), error.message()) {
///         (Some(code), Some(message)) => format!("{code}: {message}"),
///         _ => error.to_string(),
///     }
/// }
/// ```
pub trait ApiError: std::error::Error + Send + Sync + 'static {
    /// The status of the response.
    fn status(&self) -> u16;
    /// The API's error code (the body's `code`), if the body has one.
    fn code(&self) -> Option<&str>;
    /// The API's message (the body's `message`), if the body has one.
    fn message(&self) -> Option<&str>;
}

impl ApiError for std::convert::Infallible {
    fn status(&self) -> u16 {
        match *self {}
    }

    fn code(&self) -> Option<&str> {
        match *self {}
    }

    fn message(&self) -> Option<&str> {
        match *self {}
    }
}

/// The `code` and `message` of an error body that the operation does not document but that
/// has them (a JSON object with a string `code` and/or `message`, as error envelopes do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    /// The body's `code`.
    pub code: Option<String>,
    /// The body's `message`.
    pub message: Option<String>,
}

impl ErrorBody {
    /// The `code` and `message` of `body`, if it is a JSON object with either as a string.
    pub fn parse(body: &[u8]) -> Option<ErrorBody> {
        let serde_json::Value::Object(map) = serde_json::from_slice(body).ok()? else {
            return None;
        };
        let get = |k: &str| map.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        let parsed = ErrorBody {
            code: get("code"),
            message: get("message"),
        };
        (parsed.code.is_some() || parsed.message.is_some()).then_some(parsed)
    }
}

/// The header that carries a response's request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The request id of a response, from its `x-request-id` header.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(REQUEST_ID_HEADER)?.to_str().ok()
}

/// What went wrong with a call whose documented errors are `E`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with a documented error status; `error` is its typed body.
    Api {
        /// The status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The documented error, with its typed body.
        error: E,
    },
    /// The server answered with a status the operation does not document.
    Unexpected {
        /// The status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The raw body.
        body: Bytes,
        /// The body's `code` and `message`, when it has them (an error envelope).
        error: Option<ErrorBody>,
    },
    /// The body of a documented response did not parse as its type.
    Decode {
        /// The status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The raw body.
        body: Bytes,
        /// Why it did not parse.
        source: serde_json::Error,
    },
    /// No response in time (the request timeout of the last attempt).
    Timeout(reqwest::Error),
    /// The call did not end within its operation timeout, which bounds all of it: every
    /// attempt, the waits between them, and hooks (a session's refresh, say).
    OperationTimeout {
        /// The operation timeout that ran out.
        timeout: Duration,
        /// How many attempts were started.
        attempts: u32,
        /// The status of the last response that came, if any (a `503` that was being retried,
        /// say).
        last_status: Option<StatusCode>,
    },
    /// No response: the connection failed or broke.
    Transport(reqwest::Error),
    /// The request could not be built (a parameter, header or body could not be encoded).
    InvalidRequest(String),
    /// A hook failed.
    Hook(BoxError),
}

impl<E> Error<E> {
    /// The response status, if there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::Unexpected { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The response headers, if there was a response.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api { headers, .. }
            | Error::Unexpected { headers, .. }
            | Error::Decode { headers, .. } => Some(headers),
            _ => None,
        }
    }

    /// The request id the server gave the response (`x-request-id`), to quote in a support
    /// request or look up in its logs.
    pub fn request_id(&self) -> Option<&str> {
        self.headers().and_then(request_id)
    }

    /// The documented error, if the server answered with one.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The documented error, if the server answered with one.
    pub fn into_api_error(self) -> Option<E> {
        match self {
            Error::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether the call ran out of time: an attempt's timeout ([`Error::Timeout`]) or the
    /// operation timeout ([`Error::OperationTimeout`]).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_) | Error::OperationTimeout { .. })
    }

    /// Whether the operation timeout ran out ([`Error::OperationTimeout`]).
    pub fn is_operation_timeout(&self) -> bool {
        matches!(self, Error::OperationTimeout { .. })
    }

    /// Maps the documented error (e.g. to a common error type).
    pub fn map_api<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::Api {
                status,
                headers,
                error,
            } => Error::Api {
                status,
                headers,
                error: f(error),
            },
            Error::Unexpected {
                status,
                headers,
                body,
                error,
            } => Error::Unexpected {
                status,
                headers,
                body,
                error,
            },
            Error::Decode {
                status,
                headers,
                body,
                source,
            } => Error::Decode {
                status,
                headers,
                body,
                source,
            },
            Error::Timeout(e) => Error::Timeout(e),
            Error::OperationTimeout {
                timeout,
                attempts,
                last_status,
            } => Error::OperationTimeout {
                timeout,
                attempts,
                last_status,
            },
            Error::Transport(e) => Error::Transport(e),
            Error::InvalidRequest(m) => Error::InvalidRequest(m),
            Error::Hook(e) => Error::Hook(e),
        }
    }
}

impl<E: ApiError> Error<E> {
    /// The API's error code: the documented error's, or that of an undocumented error
    /// response whose body has one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { error, .. } => error.code(),
            Error::Unexpected { error, .. } => error.as_ref()?.code.as_deref(),
            _ => None,
        }
    }

    /// The API's message: the documented error's, or that of an undocumented error response
    /// whose body has one.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Api { error, .. } => error.message(),
            Error::Unexpected { error, .. } => error.as_ref()?.message.as_deref(),
            _ => None,
        }
    }
}

/// `404 Not Found`.
pub(crate) struct ShowStatus(pub StatusCode);

impl fmt::Display for ShowStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.canonical_reason() {
            Some(reason) => write!(f, "{} {reason}", self.0.as_u16()),
            None => write!(f, "{}", self.0.as_u16()),
        }
    }
}

/// `: CODE: message`, each part when present.
pub(crate) fn write_code_and_message(
    f: &mut fmt::Formatter<'_>,
    code: Option<&str>,
    message: Option<&str>,
) -> fmt::Result {
    if let Some(code) = code {
        write!(f, ": {code}")?;
    }
    if let Some(message) = message {
        write!(f, ": {message}")?;
    }
    Ok(())
}

/// A short excerpt of a body that is not an error envelope.
fn describe_body(f: &mut fmt::Formatter<'_>, body: &[u8]) -> fmt::Result {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return Ok(());
    }
    let excerpt: String = text.chars().take(200).collect();
    let more = if excerpt.len() < text.len() {
        "…"
    } else {
        ""
    };
    write!(f, ": {excerpt}{more}")
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api { error, .. } => write!(f, "{error}"),
            Error::Unexpected {
                status,
                body,
                error,
                ..
            } => {
                write!(f, "unexpected response {}", ShowStatus(*status))?;
                match error {
                    Some(ErrorBody { code, message }) => {
                        write_code_and_message(f, code.as_deref(), message.as_deref())
                    }
                    None => describe_body(f, body),
                }
            }
            Error::Decode { status, source, .. } => {
                write!(
                    f,
                    "cannot decode the {} response: {source}",
                    ShowStatus(*status)
                )
            }
            Error::Timeout(_) => f.write_str("the request timed out"),
            Error::OperationTimeout {
                timeout,
                attempts,
                last_status,
            } => {
                let s = if *attempts == 1 { "" } else { "s" };
                write!(
                    f,
                    "the call did not end within its operation timeout of {timeout:?} ({attempts} attempt{s}"
                )?;
                match last_status {
                    Some(status) => write!(f, ", last response {})", ShowStatus(*status)),
                    None => f.write_str(", no response)"),
                }
            }
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::InvalidRequest(m) => write!(f, "invalid request: {m}"),
            Error::Hook(e) => write!(f, "hook failed: {e}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Timeout(e) | Error::Transport(e) => Some(e),
            Error::Hook(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unexpected_shows_status_code_and_message() {
        let body = br#"{"code":"TEA","message":"short and stout","success":false}"#;
        let e: Error<std::convert::Infallible> = Error::Unexpected {
            status: StatusCode::IM_A_TEAPOT,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body),
            error: ErrorBody::parse(body),
        };
        assert_eq!(
            (e.code(), e.message()),
            (Some("TEA"), Some("short and stout"))
        );
        assert_eq!(
            e.to_string(),
            "unexpected response 418 I'm a teapot: TEA: short and stout"
        );
        let e: Error<std::convert::Infallible> = Error::Unexpected {
            status: StatusCode::BAD_GATEWAY,
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"<html>oops</html>"),
            error: ErrorBody::parse(b"<html>oops</html>"),
        };
        assert_eq!((e.code(), e.message()), (None, None));
        assert_eq!(
            e.to_string(),
            "unexpected response 502 Bad Gateway: <html>oops</html>"
        );
    }

    #[test]
    fn error_bodies_need_a_string_code_or_message() {
        assert_eq!(ErrorBody::parse(br#"{"code": 7}"#), None);
        assert_eq!(ErrorBody::parse(b"[]"), None);
        assert_eq!(
            ErrorBody::parse(br#"{"message": "m"}"#),
            Some(ErrorBody {
                code: None,
                message: Some("m".to_owned())
            })
        );
    }

    #[test]
    fn the_request_id_comes_from_the_response_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID_HEADER, "req-42".parse().unwrap());
        let e: Error<std::convert::Infallible> = Error::Unexpected {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            headers,
            body: Bytes::new(),
            error: None,
        };
        assert_eq!(e.request_id(), Some("req-42"));
        let e: Error<std::convert::Infallible> = Error::InvalidRequest("x".to_owned());
        assert_eq!(e.request_id(), None);
    }

    #[test]
    fn operation_timeouts_say_what_happened() {
        let e: Error<String> = Error::OperationTimeout {
            timeout: Duration::from_millis(1500),
            attempts: 2,
            last_status: Some(StatusCode::SERVICE_UNAVAILABLE),
        };
        assert!(e.is_timeout() && e.is_operation_timeout());
        assert_eq!(e.status(), None);
        assert_eq!(
            e.to_string(),
            "the call did not end within its operation timeout of 1.5s \
             (2 attempts, last response 503 Service Unavailable)"
        );
        let e: Error<String> = Error::OperationTimeout {
            timeout: Duration::from_secs(1),
            attempts: 1,
            last_status: None,
        };
        assert_eq!(
            e.map_api(|s| s.len()).to_string(),
            "the call did not end within its operation timeout of 1s (1 attempt, no response)"
        );
    }

    #[test]
    fn api_errors_show_the_typed_error() {
        let e: Error<String> = Error::Api {
            status: StatusCode::NOT_FOUND,
            headers: HeaderMap::new(),
            error: "404 Not Found: NOT_FOUND: no such cart".into(),
        };
        assert_eq!(e.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(e.to_string(), "404 Not Found: NOT_FOUND: no such cart");
        assert_eq!(e.map_api(|s| s.len()).api_error(), Some(&38));
    }
}
