//! The client: configuration, and sending a request with retries, hooks and a span.

use std::convert::Infallible;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::{header, HeaderMap, HeaderName, HeaderValue};
use tracing::Instrument;

use crate::error::{Error, ErrorBody};
use crate::hooks::{AfterReceive, Hook};
use crate::request::{Auth, Body, Request};
use crate::response::{Response, ResponseValue};
use crate::retry::{retry_after, RetryPolicy};
use crate::{Decoder, Outcome};

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// No base URL was given.
    #[error("no base URL: call `base_url`")]
    NoBaseUrl,
    /// The base URL is not an absolute `http`/`https` URL.
    #[error("bad base URL `{0}`: it must start with `http://` or `https://`")]
    BadBaseUrl(String),
    /// A header name or value is not valid.
    #[error("bad header `{0}`")]
    BadHeader(String),
    /// reqwest refused the settings.
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// Where the API key goes.
#[derive(Debug, Clone)]
enum ApiKeyPlace {
    Header(HeaderName),
    Query(String),
}

#[derive(Clone)]
struct Inner {
    http: reqwest::Client,
    base_url: String,
    api_key: Option<(ApiKeyPlace, HeaderValue)>,
    bearer: Option<HeaderValue>,
    basic: Option<HeaderValue>,
    default_headers: HeaderMap,
    timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: RetryPolicy,
    hooks: Vec<Arc<dyn Hook>>,
}

/// A configured client: cheap to clone (one connection pool, shared).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field(
                "api_key",
                &self.inner.api_key.as_ref().map(|_| "<redacted>"),
            )
            .field("bearer", &self.inner.bearer.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.inner.timeout)
            .field("operation_timeout", &self.inner.operation_timeout)
            .field("retry", &self.inner.retry)
            .field("hooks", &self.inner.hooks.len())
            .finish()
    }
}

/// Builds a [`Client`] (or, through `From<Client>`, a generated client `C`).
///
/// Defaults: request timeout 30 s (per attempt), connect timeout 10 s, no operation timeout,
/// [`RetryPolicy::default`], API key header `x-api-key`, `Accept: application/json`.
pub struct ClientBuilder<C = Client> {
    base_url: Option<String>,
    api_key_place: Result<ApiKeyPlace, String>,
    api_key: Option<String>,
    bearer: Option<String>,
    basic: Option<(String, Option<String>)>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    user_agent: String,
    default_headers: Vec<(String, String)>,
    retry: RetryPolicy,
    hooks: Vec<Arc<dyn Hook>>,
    http: Option<reqwest::Client>,
    target: PhantomData<fn() -> C>,
}

impl<C> std::fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("operation_timeout", &self.operation_timeout)
            .finish_non_exhaustive()
    }
}

impl<C: From<Client>> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder with the defaults.
    pub fn new() -> Self {
        ClientBuilder {
            base_url: None,
            api_key_place: Ok(ApiKeyPlace::Header(HeaderName::from_static("x-api-key"))),
            api_key: None,
            bearer: None,
            basic: None,
            connect_timeout: Some(Duration::from_secs(10)),
            timeout: Some(Duration::from_secs(30)),
            operation_timeout: None,
            user_agent: concat!("client-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
            default_headers: Vec::new(),
            retry: RetryPolicy::default(),
            hooks: Vec::new(),
            http: None,
            target: PhantomData,
        }
    }

    /// The base URL that operation paths are appended to (`https://api.example.com/v1`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The header that carries the API key (`x-api-key` unless set).
    pub fn api_key_header(mut self, name: &str) -> Self {
        self.api_key_place = HeaderName::try_from(name)
            .map(ApiKeyPlace::Header)
            .map_err(|_| name.to_owned());
        self
    }

    /// Sends the API key as the query parameter `name` instead of a header.
    pub fn api_key_query(mut self, name: &str) -> Self {
        self.api_key_place = Ok(ApiKeyPlace::Query(name.to_owned()));
        self
    }

    /// The API key, sent with operations that accept one.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// A fixed bearer token, sent with operations that accept one (a [`crate::session`] hook
    /// replaces it with the session's).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.bearer = Some(token.into());
        self
    }

    /// HTTP basic credentials, sent with operations that accept them.
    pub fn basic_auth(mut self, user: impl Into<String>, password: Option<String>) -> Self {
        self.basic = Some((user.into(), password));
        self
    }

    /// Timeout of connecting (`None`: no timeout).
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect_timeout = timeout.into();
        self
    }

    /// Timeout of each attempt, from sending to the end of the body (`None`: no timeout).
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// Timeout of a whole call: every attempt, the waits between retries (`Retry-After`
    /// included) and hooks; when it runs out the call ends with [`Error::OperationTimeout`]
    /// (`None`, the default: no limit but the attempts' timeouts and the retry policy).
    pub fn operation_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.operation_timeout = timeout.into();
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// A header sent with every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// The retry policy of every request (requests may override it).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Adds a hook (hooks run in the order they were added).
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Uses this reqwest client (its own timeouts and TLS settings) instead of building one;
    /// `connect_timeout` and `user_agent` are then ignored.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        let base_url = self.base_url.ok_or(BuildError::NoBaseUrl)?;
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(BuildError::BadBaseUrl(base_url));
        }
        let header_value = |name: &str, v: &str| {
            HeaderValue::try_from(v).map_err(|_| BuildError::BadHeader(name.to_owned()))
        };
        let mut default_headers = HeaderMap::new();
        default_headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in &self.default_headers {
            let n = HeaderName::try_from(name.as_str())
                .map_err(|_| BuildError::BadHeader(name.clone()))?;
            default_headers.insert(n, header_value(name, value)?);
        }
        let api_key = match self.api_key {
            Some(key) => {
                let place = self.api_key_place.map_err(BuildError::BadHeader)?;
                let mut v = header_value("API key", &key)?;
                v.set_sensitive(true);
                Some((place, v))
            }
            None => None,
        };
        let sensitive = |v: &str, what: &str| -> Result<HeaderValue, BuildError> {
            let mut v = header_value(what, v)?;
            v.set_sensitive(true);
            Ok(v)
        };
        let bearer = self
            .bearer
            .map(|t| sensitive(&format!("Bearer {t}"), "bearer token"))
            .transpose()?;
        let basic = self
            .basic
            .map(|(user, password)| {
                use base64::Engine as _;
                let raw = format!("{user}:{}", password.unwrap_or_default());
                let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
                sensitive(&format!("Basic {encoded}"), "basic credentials")
            })
            .transpose()?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut b = reqwest::Client::builder()
                    .use_rustls_tls()
                    .user_agent(self.user_agent);
                if let Some(t) = self.connect_timeout {
                    b = b.connect_timeout(t);
                }
                b.build()?
            }
        };
        Ok(C::from(Client {
            inner: Arc::new(Inner {
                http,
                base_url: base_url.trim_end_matches('/').to_owned(),
                api_key,
                bearer,
                basic,
                default_headers,
                timeout: self.timeout,
                operation_timeout: self.operation_timeout,
                retry: self.retry,
                hooks: self.hooks,
            }),
        }))
    }
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder<Client> {
        ClientBuilder::new()
    }

    /// The base URL (without a trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A client that shares this one's connections and settings, with one more hook.
    pub fn with_hook(&self, hook: impl Hook) -> Client {
        let mut inner = (*self.inner).clone();
        inner.hooks.push(Arc::new(hook));
        Client {
            inner: Arc::new(inner),
        }
    }

    /// A client that shares this one's connections and settings, with another retry policy.
    pub fn with_retry(&self, policy: RetryPolicy) -> Client {
        let mut inner = (*self.inner).clone();
        inner.retry = policy;
        Client {
            inner: Arc::new(inner),
        }
    }

    /// A client that shares this one's connections and settings, with another operation
    /// timeout (see [`ClientBuilder::operation_timeout`]).
    pub fn with_operation_timeout(&self, timeout: impl Into<Option<Duration>>) -> Client {
        let mut inner = (*self.inner).clone();
        inner.operation_timeout = timeout.into();
        Client {
            inner: Arc::new(inner),
        }
    }

    /// Sends `request` and decodes the response with `decode`: the success body, a documented
    /// error ([`Error::Api`]), another status ([`Error::Unexpected`]), or no response.
    pub async fn send<T, E>(&self, request: Request, decode: Decoder<T, E>) -> Result<T, Error<E>> {
        self.send_with_metadata(request, decode)
            .await
            .map(ResponseValue::into_inner)
    }

    /// Like [`send`](Self::send), with the success response's status and headers (and so its
    /// request id) beside the value.
    pub async fn send_with_metadata<T, E>(
        &self,
        request: Request,
        decode: Decoder<T, E>,
    ) -> Result<ResponseValue<T>, Error<E>> {
        let response = self
            .execute(request)
            .await
            .map_err(|e| e.map_api(|never| match never {}))?;
        let Response {
            status,
            headers,
            body,
        } = response;
        match decode(status, &body) {
            Ok(Outcome::Ok(value)) => Ok(ResponseValue::new(value, status, headers)),
            Ok(Outcome::Err(error)) => Err(Error::Api {
                status,
                headers,
                error,
            }),
            Ok(Outcome::Unexpected) => Err(Error::Unexpected {
                status,
                headers,
                error: ErrorBody::parse(&body),
                body,
            }),
            Err(source) => Err(Error::Decode {
                status,
                headers,
                body,
                source,
            }),
        }
    }

    /// Sends `request` (with retries and hooks) and returns the response, whatever its status;
    /// within the operation timeout (the request's, else the client's) if there is one.
    pub async fn execute(&self, request: Request) -> Result<Response, Error<Infallible>> {
        let span = tracing::info_span!(
            "request",
            operation = request.operation,
            method = %request.method,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let limit = request
            .options
            .operation_timeout
            .or(self.inner.operation_timeout);
        let mut progress = Progress::default();
        let call = self
            .execute_in(request, span.clone(), &mut progress)
            .instrument(span.clone());
        let Some(limit) = limit else {
            return call.await;
        };
        // `call` (and its borrow of `progress`) ends with this statement, however it ends
        let outcome = tokio::time::timeout(limit, call).await;
        match outcome {
            Ok(result) => result,
            Err(_elapsed) => {
                span.in_scope(|| {
                    tracing::debug!(?limit, attempts = progress.attempts, "operation timeout")
                });
                Err(Error::OperationTimeout {
                    timeout: limit,
                    attempts: progress.attempts,
                    last_status: progress.last_status,
                })
            }
        }
    }

    async fn execute_in(
        &self,
        mut request: Request,
        span: tracing::Span,
        progress: &mut Progress,
    ) -> Result<Response, Error<Infallible>> {
        if let Some(message) = request.invalid.take() {
            return Err(Error::InvalidRequest(message));
        }
        let policy = request
            .options
            .retry
            .clone()
            .unwrap_or_else(|| self.inner.retry.clone());
        let mut attempt = 0u32;
        let mut retries = 0u32;
        let mut hook_retried = false;
        loop {
            attempt += 1;
            progress.attempts = attempt;
            span.record("attempt", attempt);
            let mut prepared = self.prepare(&request);
            prepared.hook_retried = hook_retried;
            for hook in &self.inner.hooks {
                hook.before_send(&mut prepared).await.map_err(Error::Hook)?;
            }
            let may_retry = retries + 1 < policy.max_attempts;
            let outcome = self.attempt(&prepared).await;
            let response = match outcome {
                Ok(response) => response,
                Err(e) => {
                    if may_retry && retry_transport(&e, prepared.idempotent) {
                        retries += 1;
                        let delay = policy.backoff_delay(retries);
                        tracing::debug!(error = %e, ?delay, "retrying after a transport error");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(e);
                }
            };
            span.record("status", response.status.as_u16());
            progress.last_status = Some(response.status);
            let mut again = false;
            for hook in &self.inner.hooks {
                let wish = hook
                    .after_receive(&prepared, &response)
                    .await
                    .map_err(Error::Hook)?;
                again |= wish == AfterReceive::Retry;
            }
            if again && !hook_retried {
                hook_retried = true;
                tracing::debug!(status = response.status.as_u16(), "retrying: a hook asked");
                continue;
            }
            if may_retry && RetryPolicy::retry_status(response.status, prepared.idempotent) {
                let delay = match retry_after(&response.headers, SystemTime::now()) {
                    Some(d) if d > policy.max_retry_after => {
                        tracing::debug!(?d, "Retry-After is too long: not retrying");
                        return Ok(response);
                    }
                    Some(d) => d,
                    None => policy.backoff_delay(retries + 1),
                };
                retries += 1;
                tracing::debug!(
                    status = response.status.as_u16(),
                    ?delay,
                    "retrying after a retryable status"
                );
                tokio::time::sleep(delay).await;
                continue;
            }
            return Ok(response);
        }
    }

    /// The request with the client's default headers and credentials, then the operation's
    /// headers and the per-request ones on top.
    fn prepare(&self, request: &Request) -> Request {
        let inner = &*self.inner;
        let mut prepared = request.clone();
        let mut headers = inner.default_headers.clone();
        if request.accepts(Auth::ApiKey) {
            if let Some((place, key)) = &inner.api_key {
                match place {
                    ApiKeyPlace::Header(name) => {
                        headers.insert(name.clone(), key.clone());
                    }
                    ApiKeyPlace::Query(name) => prepared
                        .query
                        .push((name.clone(), key.to_str().unwrap_or_default().to_owned())),
                }
            }
        }
        if request.accepts(Auth::Bearer) {
            if let Some(bearer) = &inner.bearer {
                headers.insert(header::AUTHORIZATION, bearer.clone());
            }
        }
        if request.accepts(Auth::Basic) && !headers.contains_key(header::AUTHORIZATION) {
            if let Some(basic) = &inner.basic {
                headers.insert(header::AUTHORIZATION, basic.clone());
            }
        }
        for (name, value) in request.headers.iter().chain(request.options.headers.iter()) {
            headers.insert(name.clone(), value.clone());
        }
        prepared.headers = headers;
        prepared
    }

    /// One attempt: send, and read the whole body.
    async fn attempt(&self, request: &Request) -> Result<Response, Error<Infallible>> {
        let inner = &*self.inner;
        let url = format!("{}{}", inner.base_url, request.path());
        let mut builder = inner
            .http
            .request(request.method.clone(), url)
            .headers(request.headers.clone());
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        builder = match &request.body {
            Body::Empty => builder,
            Body::Json(bytes) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Body::Form(pairs) => builder.form(pairs),
            Body::Multipart(form) => {
                builder.multipart(form.to_form().map_err(Error::InvalidRequest)?)
            }
            Body::Raw {
                content_type,
                bytes,
            } => builder
                .header(header::CONTENT_TYPE, *content_type)
                .body(bytes.clone()),
        };
        if let Some(timeout) = request.options.timeout.or(inner.timeout) {
            builder = builder.timeout(timeout);
        }
        let response = builder.send().await.map_err(transport_error)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(transport_error)?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

/// How far a call got: what an [`Error::OperationTimeout`] reports.
#[derive(Debug, Default)]
struct Progress {
    attempts: u32,
    last_status: Option<http::StatusCode>,
}

fn transport_error(e: reqwest::Error) -> Error<Infallible> {
    if e.is_timeout() {
        Error::Timeout(e)
    } else if e.is_builder() {
        Error::InvalidRequest(e.to_string())
    } else {
        Error::Transport(e)
    }
}

/// Whether a failed attempt may be sent again: anything but a bad request when idempotent;
/// only a failed connection (nothing was sent) otherwise.
fn retry_transport(e: &Error<Infallible>, idempotent: bool) -> bool {
    match e {
        Error::Transport(e) if e.is_connect() => true,
        Error::Timeout(e) if e.is_connect() => true,
        Error::Transport(_) | Error::Timeout(_) => idempotent,
        _ => false,
    }
}
