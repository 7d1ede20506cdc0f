//! The body of an incoming request: JSON, urlencoded form or multipart, read within the size
//! limit, with every client mistake recorded per field (400) or answered with the error
//! envelope (413, 415).

use axum::body::Body;
use bytes::Bytes;
use http::header;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::DeserializeOwned;

use crate::error::{ErrorResponse, Errors};
use crate::incoming::Incoming;
use crate::multipart::Form;
use crate::params::parse_pairs;

impl Incoming {
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

    /// A body of another media type (text, XML, binary), its bytes as they came, when its
    /// `Content-Type` matches `media_type` (`image/*` and `*/*` match their kind; no
    /// `Content-Type` is taken as it); like [`Incoming::json`] otherwise. An empty body is no
    /// body.
    pub async fn bytes(
        &self,
        body: Body,
        media_type: &'static str,
        required: bool,
        errors: &mut Errors,
    ) -> Result<Option<Option<Bytes>>, ErrorResponse> {
        let wanted = media_type.split(';').next().unwrap_or(media_type).trim();
        let accepts = |ct: &str| match wanted.split_once('/') {
            Some(("*", "*")) => true,
            Some((kind, "*")) => ct.split_once('/').is_some_and(|(k, _)| k == kind),
            _ => ct == wanted.to_ascii_lowercase(),
        };
        if !self.media_type_is(accepts) {
            return Err(ErrorResponse::unsupported_media_type(media_type));
        }
        let bytes = self.read(body, self.config.body_limit).await?;
        if bytes.is_empty() {
            return Ok(absent(required, errors));
        }
        Ok(Some(Some(bytes)))
    }

    /// A text body (`text/plain`, `text/csv`, XML, ...) as a `String`; like
    /// [`Incoming::bytes`], and a body that is not UTF-8 is a problem recorded.
    pub async fn text(
        &self,
        body: Body,
        media_type: &'static str,
        required: bool,
        errors: &mut Errors,
    ) -> Result<Option<Option<String>>, ErrorResponse> {
        Ok(
            match self.bytes(body, media_type, required, errors).await? {
                Some(Some(bytes)) => match String::from_utf8(bytes.to_vec()) {
                    Ok(text) => Some(Some(text)),
                    Err(_) => {
                        errors.add("body", "the body is not UTF-8 text");
                        None
                    }
                },
                Some(None) => Some(None),
                None => None,
            },
        )
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
