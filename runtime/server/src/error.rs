//! The error envelope: the one body every rejected request gets.

use std::collections::BTreeMap;
use std::fmt;

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};

/// An error answer: a status and the API's error envelope
/// `{"message": ..., "success": false, "code": ..., "errors": {field: problem}}`
/// (`errors` only when there are any).
///
/// Every client mistake the generated code finds becomes one of these (a 4xx naming the field);
/// implementations return one through the `Error` variant of any reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorResponse {
    /// The HTTP status (a 4xx or 5xx; anything outside 100..=999 is sent as 500).
    pub status: u16,
    /// Machine-readable error code (`VALIDATION_ERROR`, `UNAUTHORIZED`, ...).
    pub code: String,
    /// Human-readable description.
    pub message: String,
    /// Problems per field (`items[0].quantity`, a parameter name, or `body`).
    pub errors: BTreeMap<String, String>,
    /// What went wrong inside the server ([`ErrorResponse::internal_error`]): logged with the
    /// request id, never sent.
    detail: Option<String>,
}

impl ErrorResponse {
    /// An error with this status, code and message, and no field errors.
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorResponse {
            status,
            code: code.into(),
            message: message.into(),
            errors: BTreeMap::new(),
            detail: None,
        }
    }

    /// Adds a problem with one field.
    pub fn with_error(mut self, field: impl Into<String>, problem: impl Into<String>) -> Self {
        self.errors.insert(field.into(), problem.into());
        self
    }

    /// 400 `BAD_REQUEST`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BAD_REQUEST", message)
    }

    /// 400 `VALIDATION_ERROR` with the problems found per field.
    pub fn validation(errors: BTreeMap<String, String>) -> Self {
        let message = match (errors.len(), errors.iter().next()) {
            (1, Some((field, problem))) => format!("invalid request: {field}: {problem}"),
            (n, _) => format!("invalid request: {n} problems"),
        };
        ErrorResponse {
            status: 400,
            code: "VALIDATION_ERROR".to_owned(),
            message,
            errors,
            detail: None,
        }
    }

    /// 401 `UNAUTHORIZED`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, "UNAUTHORIZED", message)
    }

    /// 403 `FORBIDDEN`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "FORBIDDEN", message)
    }

    /// 404 `NOT_FOUND`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "NOT_FOUND", message)
    }

    /// 405 `METHOD_NOT_ALLOWED`.
    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(405, "METHOD_NOT_ALLOWED", message)
    }

    /// 413 `PAYLOAD_TOO_LARGE`: the body is over `limit` bytes.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            413,
            "PAYLOAD_TOO_LARGE",
            format!("the request body is larger than {limit} bytes"),
        )
    }

    /// 415 `UNSUPPORTED_MEDIA_TYPE`: the body is not `expected`.
    pub fn unsupported_media_type(expected: &str) -> Self {
        Self::new(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            format!("the request body must be `{expected}`"),
        )
    }

    /// 501 `NOT_IMPLEMENTED`: this server does not implement `operation`.
    pub fn not_implemented(operation: &str) -> Self {
        Self::new(
            501,
            "NOT_IMPLEMENTED",
            format!("the operation `{operation}` is not implemented by this server"),
        )
    }

    /// 500 `INTERNAL_ERROR`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "INTERNAL_ERROR", message)
    }

    /// 500 `INTERNAL_ERROR` for a failure inside the server (a database error, say): the
    /// caller reads only "internal error" and the request id; `error` is logged with the
    /// request id (by the generated handler) and never sent.
    pub fn internal_error(error: impl fmt::Display) -> Self {
        let mut response = Self::internal("internal error");
        response.detail = Some(error.to_string());
        response
    }

    /// 409 `CONFLICT`.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(409, "CONFLICT", message)
    }

    /// 429 `TOO_MANY_REQUESTS`.
    pub fn too_many_requests(message: impl Into<String>) -> Self {
        Self::new(429, "TOO_MANY_REQUESTS", message)
    }

    /// The same error with another machine-readable code.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = code.into();
        self
    }

    /// What went wrong inside the server, for the log (see [`ErrorResponse::internal_error`]).
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// The status as an [`http::StatusCode`] (500 when [`ErrorResponse::status`] is not one).
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The envelope as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        let mut body = serde_json::Map::new();
        body.insert("message".into(), self.message.clone().into());
        body.insert("success".into(), false.into());
        body.insert("code".into(), self.code.clone().into());
        if !self.errors.is_empty() {
            let errors = self
                .errors
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::from(v.clone())))
                .collect();
            body.insert("errors".into(), serde_json::Value::Object(errors));
        }
        serde_json::Value::Object(body)
    }
}

impl fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)?;
        for (field, problem) in &self.errors {
            write!(f, "; {field}: {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ErrorResponse {}

impl IntoResponse for ErrorResponse {
    fn into_response(self) -> Response {
        let body = self.to_json().to_string();
        let mut response = (self.status_code(), body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(detail) = self.detail {
            response
                .extensions_mut()
                .insert(crate::respond::ErrorDetail(detail));
        }
        response
    }
}

/// Problems found in a request, collected field by field before answering 400.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Errors(BTreeMap<String, String>);

impl Errors {
    /// Records a problem with `field` (the first problem of a field is kept; `""`, the body as
    /// a whole, is recorded as `body`).
    pub fn add(&mut self, field: impl Into<String>, problem: impl Into<String>) {
        let mut field = field.into();
        if field.is_empty() {
            field = "body".to_owned();
        }
        self.0.entry(field).or_insert_with(|| problem.into());
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems so far, by field.
    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// `Ok` when no problem was found, else the 400 `VALIDATION_ERROR` answer.
    pub fn finish(self) -> Result<(), ErrorResponse> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ErrorResponse::validation(self.0))
        }
    }

    /// The 400 `VALIDATION_ERROR` answer (also when, unexpectedly, nothing was recorded).
    pub fn into_response(self) -> Response {
        let errors = if self.0.is_empty() {
            BTreeMap::from([("request".to_owned(), "the request is invalid".to_owned())])
        } else {
            self.0
        };
        ErrorResponse::validation(errors).into_response()
    }
}
