//! The description of one request, as generated code fills it.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::Serialize;

use crate::multipart::Multipart;
use crate::retry::RetryPolicy;

/// A credential an operation accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Auth {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic ...`.
    Basic,
    /// The API key (in the header or query parameter the client is configured with).
    ApiKey,
}

/// The body of a request.
#[derive(Debug, Clone, Default)]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// A JSON document (already serialized).
    Json(Bytes),
    /// `application/x-www-form-urlencoded` pairs.
    Form(Vec<(String, String)>),
    /// `multipart/form-data`.
    Multipart(Multipart),
    /// Any other media type (text, XML, an image, a PDF, ...): its bytes as they are.
    Raw {
        /// The media type, as the spec gives it.
        content_type: &'static str,
        /// The bytes.
        bytes: Bytes,
    },
}

/// Per-request overrides of the client's settings.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// Timeout of each attempt, instead of the client's.
    pub timeout: Option<Duration>,
    /// Timeout of the whole call (every attempt, the waits between them, and hooks), instead
    /// of the client's; ends it with [`crate::Error::OperationTimeout`].
    pub operation_timeout: Option<Duration>,
    /// Extra headers, replacing the client's and the operation's of the same name.
    pub headers: HeaderMap,
    /// Retry policy, instead of the client's.
    pub retry: Option<RetryPolicy>,
}

impl RequestOptions {
    /// Sets the timeout of each attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the timeout of the whole call, retries and the waits between them included.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
}

/// One request of an operation: what generated code fills and hooks may edit.
///
/// Parameter values are anything `Serialize`: strings are sent as they are, numbers and
/// booleans as their JSON text, arrays as repeated keys (or comma-separated when not exploded),
/// `null` (a `None`) not at all, and objects as their JSON text.
#[derive(Debug, Clone)]
pub struct Request {
    /// The HTTP method.
    pub method: Method,
    /// The path template, relative to the base URL (`/carts/{id}`).
    pub path_template: &'static str,
    /// Path parameters: name in the template and value (not yet encoded).
    pub path_params: Vec<(&'static str, String)>,
    /// Query pairs, in order (arrays are repeated keys).
    pub query: Vec<(String, String)>,
    /// Headers of the operation (parameters); the client's defaults and credentials are added
    /// when it is sent, and [`RequestOptions::headers`] win over both.
    pub headers: HeaderMap,
    /// The body.
    pub body: Body,
    /// The operation's id (for spans and errors).
    pub operation: &'static str,
    /// Whether sending it twice has the effect of sending it once (from the method).
    pub idempotent: bool,
    /// The credentials the operation accepts (empty: none).
    pub auth: Vec<Auth>,
    /// Per-request overrides.
    pub options: RequestOptions,
    /// A parameter or body that could not be encoded.
    pub(crate) invalid: Option<String>,
    /// Whether a hook already had this request sent again.
    pub(crate) hook_retried: bool,
}

/// Characters left as they are in a path segment (RFC 3986 unreserved).
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes a path segment: everything but unreserved characters.
pub(crate) fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        if is_unreserved(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The text values of a parameter: one for a scalar, one per element for an array, none for
/// `null`.
pub(crate) fn values(value: &impl Serialize) -> Result<Vec<String>, String> {
    use serde_json::Value;
    fn text(v: &Value) -> Option<String> {
        match v {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
    match serde_json::to_value(value).map_err(|e| e.to_string())? {
        Value::Array(items) => Ok(items.iter().filter_map(text).collect()),
        other => Ok(text(&other).into_iter().collect()),
    }
}

impl Request {
    /// A request of `operation`: `method` on `path_template`, with no parameters or body.
    /// It is idempotent when the method is (every method but `POST`, `PATCH` and `CONNECT`).
    pub fn new(method: Method, path_template: &'static str, operation: &'static str) -> Self {
        let idempotent = !matches!(method.as_str(), "POST" | "PATCH" | "CONNECT");
        Request {
            method,
            path_template,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Body::Empty,
            operation,
            idempotent,
            auth: Vec::new(),
            options: RequestOptions::default(),
            invalid: None,
            hook_retried: false,
        }
    }

    fn fail(&mut self, message: String) {
        if self.invalid.is_none() {
            self.invalid = Some(message);
        }
    }

    /// Sets the path parameter `name` (`{name}` in the template).
    pub fn path_param(mut self, name: &'static str, value: &impl Serialize) -> Self {
        match values(value) {
            Ok(v) => self.path_params.push((name, v.join(","))),
            Err(e) => self.fail(format!("path parameter `{name}`: {e}")),
        }
        self
    }

    /// Adds the query parameter `name`; arrays are repeated keys when `explode`, else one
    /// comma-separated value. `None` adds nothing.
    pub fn query(mut self, name: &str, value: &impl Serialize, explode: bool) -> Self {
        match values(value) {
            Ok(v) if v.is_empty() => {}
            Ok(v) if explode => self
                .query
                .extend(v.into_iter().map(|v| (name.to_owned(), v))),
            Ok(v) => self.query.push((name.to_owned(), v.join(","))),
            Err(e) => self.fail(format!("query parameter `{name}`: {e}")),
        }
        self
    }

    /// Adds the object query parameter `name`, a property per key: `name[key]=value` when
    /// `deep` (`style: deepObject`), else `key=value` (`style: form`, exploded). Array
    /// properties repeat their key. `None` adds nothing.
    pub fn query_object(mut self, name: &str, value: &impl Serialize, deep: bool) -> Self {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Null) => {}
            Ok(serde_json::Value::Object(map)) => {
                for (key, property) in map {
                    let key = if deep { format!("{name}[{key}]") } else { key };
                    match values(&property) {
                        Ok(v) => self.query.extend(v.into_iter().map(|v| (key.clone(), v))),
                        Err(e) => self.fail(format!("query parameter `{name}`: {e}")),
                    }
                }
            }
            Ok(_) => self.fail(format!("query parameter `{name}`: not an object")),
            Err(e) => self.fail(format!("query parameter `{name}`: {e}")),
        }
        self
    }

    /// Sets the header `name` (arrays comma-separated). `None` sets nothing.
    pub fn header(mut self, name: &str, value: &impl Serialize) -> Self {
        let v = match values(value) {
            Ok(v) if v.is_empty() => return self,
            Ok(v) => v.join(","),
            Err(e) => {
                self.fail(format!("header `{name}`: {e}"));
                return self;
            }
        };
        match (
            HeaderName::try_from(name),
            HeaderValue::try_from(v.as_str()),
        ) {
            (Ok(n), Ok(v)) => {
                self.headers.insert(n, v);
            }
            _ => self.fail(format!("header `{name}`: not a valid header")),
        }
        self
    }

    /// Adds the cookie `name` to the `Cookie` header. `None` adds nothing.
    pub fn cookie(mut self, name: &str, value: &impl Serialize) -> Self {
        let v = match values(value) {
            Ok(v) if v.is_empty() => return self,
            Ok(v) => v.join(","),
            Err(e) => {
                self.fail(format!("cookie `{name}`: {e}"));
                return self;
            }
        };
        let pair = format!("{name}={}", encode_segment(&v));
        let joined = match self.headers.get(http::header::COOKIE) {
            Some(existing) => format!("{}; {pair}", existing.to_str().unwrap_or_default()),
            None => pair,
        };
        match HeaderValue::try_from(joined) {
            Ok(v) => {
                self.headers.insert(http::header::COOKIE, v);
            }
            Err(_) => self.fail(format!("cookie `{name}`: not a valid header")),
        }
        self
    }

    /// Sets a JSON body.
    pub fn json(mut self, body: &impl Serialize) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Body::Json(bytes.into()),
            Err(e) => self.fail(format!("body: {e}")),
        }
        self
    }

    /// Sets an `application/x-www-form-urlencoded` body from an object's properties.
    pub fn form(mut self, body: &impl Serialize) -> Self {
        match serde_json::to_value(body) {
            Ok(serde_json::Value::Object(map)) => {
                let mut pairs = Vec::new();
                for (key, value) in map {
                    match values(&value) {
                        Ok(v) => pairs.extend(v.into_iter().map(|v| (key.clone(), v))),
                        Err(e) => self.fail(format!("body field `{key}`: {e}")),
                    }
                }
                self.body = Body::Form(pairs);
            }
            Ok(_) => self.fail("body: a form body must be an object".to_owned()),
            Err(e) => self.fail(format!("body: {e}")),
        }
        self
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart(mut self, form: Multipart) -> Self {
        self.body = Body::Multipart(form);
        self
    }

    /// Sets a body of another media type (text, XML, binary), sent as it is.
    pub fn raw(mut self, content_type: &'static str, bytes: impl Into<Bytes>) -> Self {
        self.body = Body::Raw {
            content_type,
            bytes: bytes.into(),
        };
        self
    }

    /// Sets the credentials the operation accepts.
    pub fn auth(mut self, accepted: &[Auth]) -> Self {
        self.auth = accepted.to_vec();
        self
    }

    /// Sets the per-request overrides.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// Whether a hook may still have this request sent again ([`crate::AfterReceive::Retry`]
    /// is honoured once per request).
    pub fn hook_retry_available(&self) -> bool {
        !self.hook_retried
    }

    /// Whether the operation accepts `auth`.
    pub fn accepts(&self, auth: Auth) -> bool {
        self.auth.contains(&auth)
    }

    /// The path with its parameters percent-encoded (`/carts/a%2Fb`).
    pub fn path(&self) -> String {
        let mut out = String::with_capacity(self.path_template.len() + 16);
        let mut rest = self.path_template;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            out.push_str(&rest[..start]);
            let name = &rest[start + 1..start + len];
            match self.path_params.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => out.push_str(&encode_segment(value)),
                None => out.push_str(&rest[start..=start + len]),
            }
            rest = &rest[start + len + 1..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_params_are_percent_encoded() {
        let r = Request::new(Method::GET, "/carts/{id}/items/{item}", "op")
            .path_param("id", &"a/b c")
            .path_param("item", &42);
        assert_eq!(r.path(), "/carts/a%2Fb%20c/items/42");
    }

    #[test]
    fn query_arrays_are_repeated_keys() {
        let r = Request::new(Method::GET, "/x", "op")
            .query("tag", &vec!["a", "b"], true)
            .query("ids", &vec![1, 2], false)
            .query("absent", &None::<String>, true)
            .query("flag", &Some(true), true);
        assert_eq!(
            r.query,
            [
                ("tag".to_owned(), "a".to_owned()),
                ("tag".to_owned(), "b".to_owned()),
                ("ids".to_owned(), "1,2".to_owned()),
                ("flag".to_owned(), "true".to_owned()),
            ]
        );
    }

    #[test]
    fn idempotency_follows_the_method() {
        assert!(Request::new(Method::GET, "/", "op").idempotent);
        assert!(Request::new(Method::PUT, "/", "op").idempotent);
        assert!(Request::new(Method::DELETE, "/", "op").idempotent);
        assert!(!Request::new(Method::POST, "/", "op").idempotent);
        assert!(!Request::new(Method::PATCH, "/", "op").idempotent);
    }

    #[test]
    fn bad_headers_are_reported() {
        let r = Request::new(Method::GET, "/", "op").header("x-a", &"line\nbreak");
        assert!(r.invalid.is_some());
        let r = Request::new(Method::GET, "/", "op")
            .header("x-a", &"v")
            .cookie("c", &"1")
            .cookie("d", &"2");
        assert_eq!(r.headers["x-a"], "v");
        assert_eq!(r.headers["cookie"], "c=1; d=2");
    }
}
