//! One incoming request, taken apart for a generated handler: parameters by location, the
//! security check, and the body (JSON, urlencoded form or multipart), with every client mistake
//! recorded per field or answered with the error envelope.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{FromRequestParts, RawPathParams, Request};
use bytes::Bytes;
use http::request::Parts;
use http::{header, HeaderMap};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::DeserializeOwned;

use crate::auth::{AuthRequest, Authenticated, Backend, KeyLocation, Scheme, Verified};
use crate::context::{request_id, RequestContext};
use crate::error::{ErrorResponse, Errors};
use crate::multipart::Form;
use crate::params::{parse_items, parse_pairs, parse_text, required};
use crate::Config;

/// A request taken apart: what the generated handler of an operation reads its parameters from.
#[derive(Debug)]
pub struct Incoming {
    parts: Parts,
    path: Vec<(String, String)>,
    query: Vec<(String, String)>,
    server_variables: BTreeMap<String, String>,
    config: Config,
}

/// How a JSON body failed to parse: the field to blame and the problem.
fn json_problem(e: &serde_path_to_error::Error<serde_json::Error>) -> (String, String) {
    let inner = e.inner();
    let message = inner.to_string();
    // serde_json appends the position; the field name says more
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    };
    match inner.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => (
            "body".to_owned(),
            format!(
                "invalid JSON at line {} column {}: {message}",
                inner.line(),
                inner.column()
            ),
        ),
        _ => {
            let path = e.path().to_string();
            let mut field = if path == "." { String::new() } else { path };
            // `missing field `x``: blame the missing field itself
            let missing = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.strip_suffix('`'));
            if let Some(name) = missing {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push_str(name);
                return (field, "is required".to_owned());
            }
            if field.is_empty() {
                field = "body".to_owned();
            }
            (field, message)
        }
    }
}

impl Incoming {
    /// Takes `request` apart. `server_variables` are the names of the base path's variables,
    /// which go to the [`RequestContext`] rather than to the operation's parameters.
    pub async fn new(
        request: Request,
        config: &Config,
        server_variables: &[&str],
    ) -> Result<(Incoming, Body), ErrorResponse> {
        let (mut parts, body) = request.into_parts();
        let mut path = Vec::new();
        let mut variables = BTreeMap::new();
        match RawPathParams::from_request_parts(&mut parts, &()).await {
            Ok(raw) => {
                for (name, value) in raw.iter() {
                    if server_variables.contains(&name) {
                        variables.insert(name.to_owned(), value.to_owned());
                    } else {
                        path.push((name.to_owned(), value.to_owned()));
                    }
                }
            }
            Err(RawPathParamsRejection::InvalidUtf8InPathParam(_)) => {
                return Err(ErrorResponse::bad_request(
                    "a path parameter is not valid percent-encoded UTF-8",
                ))
            }
            // not routed through a router with parameters: there are none
            Err(_) => {}
        }
        let query = parts
            .uri
            .query()
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Ok((
            Incoming {
                parts,
                path,
                query,
                server_variables: variables,
                config: config.clone(),
            },
            body,
        ))
    }

    /// The request's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    // ----- security -----

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

    fn cookie(&self, name: &str) -> Option<String> {
        self.parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.trim_matches('"').to_owned())
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

    // ----- parameters -----

    fn parse_into<T: DeserializeOwned>(name: &str, value: &str, errors: &mut Errors) -> Option<T> {
        match parse_text(value) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.add(name, e.to_string());
                None
            }
        }
    }

    /// A path parameter (always required). `None`: a problem was recorded.
    pub fn path<T: DeserializeOwned>(&self, name: &str, errors: &mut Errors) -> Option<T> {
        let (_, v) = required(self.path.iter().find(|(k, _)| k == name), name, errors)?;
        Self::parse_into(name, v, errors)
    }

    fn query_values(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// An optional query parameter: `Some(None)` when absent; `None`: a problem was recorded.
    pub fn query_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Option<T>> {
        match self.query_values(name).as_slice() {
            [] => Some(None),
            [one] => Self::parse_into(name, one, errors).map(Some),
            _ => {
                errors.add(name, "is given more than once");
                None
            }
        }
    }

    /// A required query parameter. `None`: a problem was recorded.
    pub fn query_required<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<T> {
        required(self.query_optional(name, errors)?, name, errors)
    }

    /// An array query parameter: repeated keys (`explode`) or one comma-separated value.
    /// `Some(None)` when absent; `None`: a problem was recorded.
    pub fn query_array_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        explode: bool,
        errors: &mut Errors,
    ) -> Option<Option<Vec<T>>> {
        let values = self.query_values(name);
        if values.is_empty() {
            return Some(None);
        }
        let items: Vec<&str> = if explode {
            values
        } else {
            values
                .iter()
                .flat_map(|v| v.split(','))
                .filter(|v| !v.is_empty())
                .collect()
        };
        parse_items(name, &items, errors).map(Some)
    }

    /// A required array query parameter. `None`: a problem was recorded.
    pub fn query_array_required<T: DeserializeOwned>(
        &self,
        name: &str,
        explode: bool,
        errors: &mut Errors,
    ) -> Option<Vec<T>> {
        required(
            self.query_array_optional(name, explode, errors)?,
            name,
            errors,
        )
    }

    fn header_text(&self, name: &str, errors: &mut Errors) -> Result<Option<String>, ()> {
        let mut values = self.parts.headers.get_all(name).iter();
        let Some(first) = values.next() else {
            return Ok(None);
        };
        let mut text = match first.to_str() {
            Ok(t) => t.to_owned(),
            Err(_) => {
                errors.add(name, "is not visible ASCII text");
                return Err(());
            }
        };
        for more in values {
            match more.to_str() {
                Ok(t) => {
                    text.push(',');
                    text.push_str(t);
                }
                Err(_) => {
                    errors.add(name, "is not visible ASCII text");
                    return Err(());
                }
            }
        }
        Ok(Some(text))
    }

    /// An optional header parameter: `Some(None)` when absent; `None`: a problem was recorded.
    pub fn header_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Option<T>> {
        match self.header_text(name, errors).ok()? {
            None => Some(None),
            Some(text) => Self::parse_into(name, text.trim(), errors).map(Some),
        }
    }

    /// A required header parameter. `None`: a problem was recorded.
    pub fn header_required<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<T> {
        required(self.header_optional(name, errors)?, name, errors)
    }

    /// An optional array header parameter (comma-separated values).
    pub fn header_array_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Option<Vec<T>>> {
        match self.header_text(name, errors).ok()? {
            None => Some(None),
            Some(text) => {
                let items: Vec<&str> = text.split(',').map(str::trim).collect();
                parse_items(name, &items, errors).map(Some)
            }
        }
    }

    /// A required array header parameter (comma-separated values).
    pub fn header_array_required<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Vec<T>> {
        required(self.header_array_optional(name, errors)?, name, errors)
    }

    /// An optional cookie parameter: `Some(None)` when absent; `None`: a problem was recorded.
    pub fn cookie_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Option<T>> {
        match self.cookie(name) {
            None => Some(None),
            Some(text) => Self::parse_into(name, &text, errors).map(Some),
        }
    }

    /// A required cookie parameter. `None`: a problem was recorded.
    pub fn cookie_required<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<T> {
        required(self.cookie_optional(name, errors)?, name, errors)
    }

    // ----- bodies -----

    fn content_type(&self) -> Option<&str> {
        self.parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// Whether the body's media type (without parameters) is acceptable for `expected`.
    fn media_type_is(&self, accept: impl Fn(&str) -> bool) -> bool {
        match self.content_type() {
            None => true,
            Some(ct) => {
                let base = ct
                    .split(';')
                    .next()
                    .unwrap_or(ct)
                    .trim()
                    .to_ascii_lowercase();
                accept(&base)
            }
        }
    }

    /// Reads the whole body, answering 413 when it is over `limit` bytes.
    async fn read(&self, body: Body, limit: usize) -> Result<Bytes, ErrorResponse> {
        let declared = self
            .parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(ErrorResponse::payload_too_large(limit));
        }
        match Limited::new(body, limit).collect().await {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(e) if e.is::<LengthLimitError>() => Err(ErrorResponse::payload_too_large(limit)),
            Err(e) => Err(ErrorResponse::bad_request(format!(
                "could not read the request body: {e}"
            ))),
        }
    }

    /// A JSON body. `Ok(None)`: a problem was recorded (bad JSON, a missing field, a wrong
    /// type, or no body when `required`); `Ok(Some(None))`: no body, and none is required.
    /// `Err`: 413 or 415.
    pub async fn json<T: DeserializeOwned>(
        &self,
        body: Body,
        required: bool,
        errors: &mut Errors,
    ) -> Result<Option<Option<T>>, ErrorResponse> {
        if !self.media_type_is(|ct| ct == "application/json" || ct.ends_with("+json")) {
            return Err(ErrorResponse::unsupported_media_type("application/json"));
        }
        let bytes = self.read(body, self.config.body_limit).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(absent(required, errors));
        }
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(&mut de) {
            Ok(v) => match de.end() {
                Ok(()) => Ok(Some(Some(v))),
                Err(e) => {
                    errors.add(
                        "body",
                        format!(
                            "invalid JSON at line {} column {}: trailing characters",
                            e.line(),
                            e.column()
                        ),
                    );
                    Ok(None)
                }
            },
            Err(e) => {
                let (field, problem) = json_problem(&e);
                errors.add(field, problem);
                Ok(None)
            }
        }
    }

    /// An `application/x-www-form-urlencoded` body; like [`Incoming::json`].
    pub async fn form<T: DeserializeOwned>(
        &self,
        body: Body,
        required: bool,
        errors: &mut Errors,
    ) -> Result<Option<Option<T>>, ErrorResponse> {
        if !self.media_type_is(|ct| ct == "application/x-www-form-urlencoded") {
            return Err(ErrorResponse::unsupported_media_type(
                "application/x-www-form-urlencoded",
            ));
        }
        let bytes = self.read(body, self.config.body_limit).await?;
        if bytes.is_empty() {
            return Ok(absent(required, errors));
        }
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        match parse_pairs(&pairs) {
            Ok(v) => Ok(Some(Some(v))),
            Err(e) => {
                let path = e.path().to_string();
                let message = e.into_inner().to_string();
                let field = if path == "." { "body".to_owned() } else { path };
                match message
                    .strip_prefix("missing field `")
                    .and_then(|r| r.strip_suffix('`'))
                {
                    Some(name) => errors.add(name, "is required"),
                    None => errors.add(field, message),
                }
                Ok(None)
            }
        }
    }

    /// A `multipart/form-data` body, its parts read into a [`Form`]. `Ok(None)`: a problem was
    /// recorded (malformed, or absent when `required`); `Ok(Some(None))`: no body, and none is
    /// required. `Err`: 413 or 415.
    pub async fn multipart(
        &self,
        body: Body,
        required: bool,
        errors: &mut Errors,
    ) -> Result<Option<Option<Form>>, ErrorResponse> {
        let Some(ct) = self.content_type() else {
            let bytes = self.read(body, self.config.multipart_limit).await?;
            if bytes.is_empty() {
                return Ok(absent(required, errors));
            }
            return Err(ErrorResponse::unsupported_media_type("multipart/form-data"));
        };
        let boundary = match multer::parse_boundary(ct) {
            Ok(b) => b,
            Err(_) => return Err(ErrorResponse::unsupported_media_type("multipart/form-data")),
        };
        let bytes = self.read(body, self.config.multipart_limit).await?;
        match Form::parse(bytes, boundary).await {
            Ok(form) => Ok(Some(Some(form))),
            Err(problem) => {
                errors.add("body", problem);
                Ok(None)
            }
        }
    }
}

/// No body: fine when none is required, else recorded.
fn absent<T>(required: bool, errors: &mut Errors) -> Option<Option<T>> {
    if required {
        errors.add("body", "a request body is required");
        None
    } else {
        Some(None)
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
