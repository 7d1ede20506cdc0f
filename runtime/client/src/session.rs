//! Sessions: token storage, automatic refresh and anonymous sessions, as a [`Hook`].
//!
//! A [`Session`] holds the tokens of one user (in a [`TokenStore`]; [`MemoryTokenStore`] unless
//! another is given) and gets new ones through a [`Refresher`], which the API's own crate
//! implements (this module knows no API). Its hook ([`Session::hook`]), added to a client:
//!
//! - attaches `Authorization: Bearer <access token>` to every operation that accepts a bearer
//!   token;
//! - refreshes the tokens first when the access token expires within the margin (30 s unless
//!   set), read from its `exp` claim;
//! - when a `401` comes back, refreshes the tokens and sends the request once more;
//! - when there are no tokens and an operation needs a bearer token (it accepts no API key),
//!   starts an anonymous session first ([`Refresher::anonymous`]), unless turned off;
//! - when a successful response of one of its [`TokenOperations`] arrives (a login, a logout
//!   that hands back an anonymous session, a password change...), keeps the tokens it carries,
//!   so that the next call is made as the user the server now sees.
//!
//! Concurrent requests refresh once: the others wait and use the new tokens. When there is no
//! usable refresh token, renewing starts a new anonymous session from the current access token.
//! Renewals and token updates run in a task of their own (so a session needs a Tokio runtime,
//! as reqwest does): a call that is cancelled meanwhile (its operation timeout ran out, its
//! future was dropped) does not lose tokens the server has already issued (and, with rotating
//! refresh tokens, already made the old ones useless).
//!
//! Every change of the tokens, whatever its cause ([`TokenChangeReason`]), is reported to the
//! callback set with [`SessionBuilder::on_tokens_changed`] (to persist them, say).
//!
//! One [`Session`] holds one user's tokens. A server that calls the API for many users (server
//! rendering, a backend for a frontend) makes one session per user with [`Session::sibling`]
//! and adds its hook to a client that shares the connection pool ([`crate::Client::with_hook`]).
//!
//! Claims are read from the access token without checking its signature (the server does):
//! use them to show who is signed in, never to decide what someone may do.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use http::{header, HeaderValue, StatusCode};

use crate::error::BoxError;
use crate::hooks::{AfterReceive, Hook};
use crate::request::{Auth, Request};
use crate::response::Response;
use crate::BoxFuture;

/// An access token and the refresh token that renews it.
#[derive(Clone, PartialEq, Eq)]
pub struct Tokens {
    /// The access token (a JWT), sent as the bearer token.
    pub access_token: String,
    /// The refresh token, if the session has one.
    pub refresh_token: Option<String>,
}

impl Tokens {
    /// Tokens from an access token and a refresh token.
    pub fn new(access_token: impl Into<String>, refresh_token: impl Into<String>) -> Self {
        Tokens {
            access_token: access_token.into(),
            refresh_token: Some(refresh_token.into()),
        }
    }
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Where a session's tokens are kept (memory, a file, a keychain, a browser's storage...).
pub trait TokenStore: Send + Sync + 'static {
    /// The stored tokens, if any.
    fn load(&self) -> BoxFuture<'_, Result<Option<Tokens>, BoxError>>;
    /// Replaces the stored tokens (`None`: forgets them).
    fn store(&self, tokens: Option<Tokens>) -> BoxFuture<'_, Result<(), BoxError>>;
}

/// Tokens kept in memory (the default store).
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<Option<Tokens>>,
}

impl MemoryTokenStore {
    /// A store holding `tokens`.
    pub fn new(tokens: Option<Tokens>) -> Self {
        MemoryTokenStore {
            tokens: Mutex::new(tokens),
        }
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<Tokens>, BoxError>> {
        let tokens = self.tokens.lock().map(|t| t.clone()).unwrap_or_default();
        Box::pin(async move { Ok(tokens) })
    }

    fn store(&self, tokens: Option<Tokens>) -> BoxFuture<'_, Result<(), BoxError>> {
        if let Ok(mut t) = self.tokens.lock() {
            *t = tokens;
        }
        Box::pin(async { Ok(()) })
    }
}

/// Gets new tokens: the one part of a session that knows the API.
pub trait Refresher: Send + Sync + 'static {
    /// New tokens for a refresh token.
    fn refresh<'a>(&'a self, refresh_token: &'a str) -> BoxFuture<'a, Result<Tokens, BoxError>>;

    /// Tokens of a new anonymous session; `current` is the access token held, if any (an API
    /// may use it to keep the visitor's identity).
    fn anonymous<'a>(&'a self, current: Option<&'a str>)
        -> BoxFuture<'a, Result<Tokens, BoxError>>;
}

/// Why a session's tokens changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenChangeReason {
    /// A new anonymous session was started ([`Refresher::anonymous`]).
    Anonymous,
    /// The tokens were refreshed ([`Refresher::refresh`]): before the access token expired, or
    /// after the server rejected it.
    Refreshed,
    /// A successful response of this operation carried them (one of the session's
    /// [`TokenOperations`]: a login, a logout...).
    Operation(&'static str),
    /// The caller set them ([`Session::set_tokens`]).
    Set,
    /// The caller forgot them ([`Session::clear`]).
    Cleared,
}

/// A change of a session's tokens, as the callback of [`SessionBuilder::on_tokens_changed`]
/// sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenChange {
    /// The tokens the session holds now (`None`: none; the next call that needs a token starts
    /// an anonymous session, unless that is turned off).
    pub tokens: Option<Tokens>,
    /// Why they changed.
    pub reason: TokenChangeReason,
}

/// Reads the tokens in the body of a successful response: `Ok(Some(..))` replaces the
/// session's tokens, `Ok(None)` forgets them (the next call that needs a token then starts an
/// anonymous session).
pub type TokenReader = fn(&[u8]) -> Result<Option<Tokens>, BoxError>;

/// The operations whose successful responses carry tokens for the session (logins, a logout
/// that returns a new anonymous session, a password change...), by operation id, each with
/// the [`TokenReader`] of its body. The API's own crate knows which they are.
///
/// A body that cannot be read is logged and leaves the session as it was (the call's decoder
/// then reports the body too).
#[derive(Clone, Default)]
pub struct TokenOperations {
    readers: Vec<(&'static str, TokenReader)>,
}

impl TokenOperations {
    /// No operations.
    pub fn new() -> Self {
        TokenOperations::default()
    }

    /// Adds `operation`, whose successful responses are read by `read` (replacing its reader
    /// if it was there).
    pub fn with(mut self, operation: &'static str, read: TokenReader) -> Self {
        self.readers.retain(|(op, _)| *op != operation);
        self.readers.push((operation, read));
        self
    }

    /// The reader of `operation`'s responses, if they carry tokens.
    pub fn reader(&self, operation: &str) -> Option<TokenReader> {
        self.readers
            .iter()
            .find(|(op, _)| *op == operation)
            .map(|(_, read)| *read)
    }

    /// Whether `operation`'s responses carry tokens.
    pub fn contains(&self, operation: &str) -> bool {
        self.reader(operation).is_some()
    }

    /// The operation ids, in the order they were added.
    pub fn operations(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.readers.iter().map(|(op, _)| *op)
    }
}

impl std::fmt::Debug for TokenOperations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.operations()).finish()
    }
}

/// The callback of [`SessionBuilder::on_tokens_changed`].
type OnChange = Arc<dyn Fn(&TokenChange) + Send + Sync + 'static>;

/// The claims of a JWT, read without checking its signature.
#[derive(Debug, Clone, PartialEq)]
pub struct Claims(pub serde_json::Map<String, serde_json::Value>);

impl Claims {
    /// Reads the claims (the payload) of a JWT; `None` if it is not one.
    pub fn decode(token: &str) -> Option<Claims> {
        use base64::Engine as _;
        let payload = token.split('.').nth(1)?;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .ok()?;
        match serde_json::from_slice(&bytes).ok()? {
            serde_json::Value::Object(map) => Some(Claims(map)),
            _ => None,
        }
    }

    /// A claim.
    pub fn get(&self, name: &str) -> Option<&serde_json::Value> {
        self.0.get(name)
    }

    /// A string claim (numbers are given as text).
    pub fn string(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// A boolean claim.
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.get(name)?.as_bool()
    }

    /// When the token expires (`exp`).
    pub fn expires_at(&self) -> Option<SystemTime> {
        let exp = self.get("exp")?.as_f64()?;
        (exp >= 0.0).then(|| SystemTime::UNIX_EPOCH + Duration::from_secs_f64(exp))
    }

    /// Whether the token expires within `margin` of now (`false` without `exp`).
    pub fn expires_within(&self, margin: Duration, now: SystemTime) -> bool {
        self.expires_at().is_some_and(|at| at <= now + margin)
    }
}

/// The names of the claims a session reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimNames {
    /// The user's id (`sub` unless set).
    pub user_id: String,
    /// Whether the session is anonymous (`is_anonymous` unless set).
    pub anonymous: String,
    /// Whether the user signed in (`is_logged_in` unless set).
    pub logged_in: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        ClaimNames {
            user_id: "sub".to_owned(),
            anonymous: "is_anonymous".to_owned(),
            logged_in: "is_logged_in".to_owned(),
        }
    }
}

struct Inner {
    store: Arc<dyn TokenStore>,
    refresher: Arc<dyn Refresher>,
    names: ClaimNames,
    margin: Duration,
    bootstrap: bool,
    operations: TokenOperations,
    on_change: Option<OnChange>,
    /// Held while the tokens are renewed or replaced, so that one change follows the other.
    renewing: tokio::sync::Mutex<()>,
}

/// The session of one user: its tokens, and the hook that uses them.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("names", &self.inner.names)
            .field("margin", &self.inner.margin)
            .field("bootstrap", &self.inner.bootstrap)
            .field("operations", &self.inner.operations)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Session`].
pub struct SessionBuilder {
    store: Arc<dyn TokenStore>,
    refresher: Arc<dyn Refresher>,
    names: ClaimNames,
    margin: Duration,
    bootstrap: bool,
    operations: TokenOperations,
    on_change: Option<OnChange>,
}

impl std::fmt::Debug for SessionBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionBuilder")
            .field("names", &self.names)
            .field("margin", &self.margin)
            .field("bootstrap", &self.bootstrap)
            .field("operations", &self.operations)
            .field("on_tokens_changed", &self.on_change.is_some())
            .finish_non_exhaustive()
    }
}

impl SessionBuilder {
    /// Keeps the tokens in `store` instead of memory.
    pub fn store(mut self, store: impl TokenStore) -> Self {
        self.store = Arc::new(store);
        self
    }

    /// Keeps the tokens in a shared `store`.
    pub fn shared_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = store;
        self
    }

    /// Reads these claims.
    pub fn claim_names(mut self, names: ClaimNames) -> Self {
        self.names = names;
        self
    }

    /// Refreshes when the access token expires within `margin` (30 s unless set).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Whether to start an anonymous session when an operation needs a token and there is none
    /// (on unless set).
    pub fn anonymous_bootstrap(mut self, on: bool) -> Self {
        self.bootstrap = on;
        self
    }

    /// Keeps the tokens that successful responses of these operations carry (none unless
    /// set).
    pub fn token_operations(mut self, operations: TokenOperations) -> Self {
        self.operations = operations;
        self
    }

    /// Calls `callback` after every change of the tokens, once the store has them (replacing
    /// a callback set before). It runs in the session's update task while other changes and
    /// the calls waiting for them wait: keep it short (hand slow work, such as writing to a
    /// database, to a task of its own), and do not block on this session from it.
    pub fn on_tokens_changed(
        mut self,
        callback: impl Fn(&TokenChange) + Send + Sync + 'static,
    ) -> Self {
        self.on_change = Some(Arc::new(callback));
        self
    }

    /// The session.
    pub fn build(self) -> Session {
        Session {
            inner: Arc::new(Inner {
                store: self.store,
                refresher: self.refresher,
                names: self.names,
                margin: self.margin,
                bootstrap: self.bootstrap,
                operations: self.operations,
                on_change: self.on_change,
                renewing: tokio::sync::Mutex::new(()),
            }),
        }
    }
}

impl Session {
    /// A session that gets its tokens through `refresher`.
    pub fn builder(refresher: impl Refresher) -> SessionBuilder {
        SessionBuilder {
            store: Arc::new(MemoryTokenStore::default()),
            refresher: Arc::new(refresher),
            names: ClaimNames::default(),
            margin: Duration::from_secs(30),
            bootstrap: true,
            operations: TokenOperations::default(),
            on_change: None,
        }
    }

    /// A builder of another session (another user's) with this one's settings: its refresher,
    /// claim names, refresh margin, anonymous bootstrap and token operations; but an empty
    /// memory store and no callback, which the builder sets.
    pub fn sibling(&self) -> SessionBuilder {
        let inner = &*self.inner;
        SessionBuilder {
            store: Arc::new(MemoryTokenStore::default()),
            refresher: inner.refresher.clone(),
            names: inner.names.clone(),
            margin: inner.margin,
            bootstrap: inner.bootstrap,
            operations: inner.operations.clone(),
            on_change: None,
        }
    }

    /// The operations whose responses carry tokens for this session.
    pub fn token_operations(&self) -> &TokenOperations {
        &self.inner.operations
    }

    /// The hook to add to a client ([`crate::ClientBuilder::hook`] or
    /// [`crate::Client::with_hook`]).
    pub fn hook(&self) -> SessionHook {
        SessionHook {
            session: self.clone(),
        }
    }

    /// The tokens held.
    pub async fn tokens(&self) -> Result<Option<Tokens>, BoxError> {
        self.inner.store.load().await
    }

    /// Replaces the tokens (ones kept from a previous run, say; those of the session's
    /// [`TokenOperations`] are kept without this).
    pub async fn set_tokens(&self, tokens: Tokens) -> Result<(), BoxError> {
        self.locked(|s| async move { s.replace(Some(tokens), TokenChangeReason::Set).await })
            .await
    }

    /// Forgets the tokens: the next call that needs a token starts an anonymous session (the
    /// server is not told; a logout through the API replaces them by itself).
    pub async fn clear(&self) -> Result<(), BoxError> {
        self.locked(|s| async move { s.replace(None, TokenChangeReason::Cleared).await })
            .await
    }

    /// The claims of the access token held.
    pub async fn claims(&self) -> Option<Claims> {
        let tokens = self.tokens().await.ok()??;
        Claims::decode(&tokens.access_token)
    }

    /// The user's id, from the access token.
    pub async fn user_id(&self) -> Option<String> {
        self.claims().await?.string(&self.inner.names.user_id)
    }

    /// Whether the session is anonymous (`false` without tokens).
    pub async fn is_anonymous(&self) -> bool {
        self.claims()
            .await
            .and_then(|c| c.flag(&self.inner.names.anonymous))
            .unwrap_or(false)
    }

    /// Whether a user signed in (`false` without tokens).
    pub async fn is_logged_in(&self) -> bool {
        self.claims()
            .await
            .and_then(|c| c.flag(&self.inner.names.logged_in))
            .unwrap_or(false)
    }

    /// When the access token expires.
    pub async fn expires_at(&self) -> Option<SystemTime> {
        self.claims().await?.expires_at()
    }

    fn expiring(&self, tokens: &Tokens) -> bool {
        Claims::decode(&tokens.access_token)
            .is_some_and(|c| c.expires_within(self.inner.margin, SystemTime::now()))
    }

    /// Stores `tokens` and tells the callback: every change of the tokens goes through here,
    /// with `renewing` held (see [`Session::locked`]).
    async fn replace(
        &self,
        tokens: Option<Tokens>,
        reason: TokenChangeReason,
    ) -> Result<(), BoxError> {
        self.inner.store.store(tokens.clone()).await?;
        tracing::debug!(?reason, "the session's tokens changed");
        if let Some(callback) = &self.inner.on_change {
            callback(&TokenChange { tokens, reason });
        }
        Ok(())
    }

    /// Runs `update` with `renewing` held, in a task of its own: a caller that is cancelled
    /// meanwhile does not cancel it, so tokens the server issued are kept.
    async fn locked<T, F, Fut>(&self, update: F) -> Result<T, BoxError>
    where
        F: FnOnce(Session) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, BoxError>> + Send + 'static,
        T: Send + 'static,
    {
        let session = self.clone();
        let task = tokio::spawn(async move {
            let _guard = session.inner.renewing.lock().await;
            update(session.clone()).await
        });
        match task.await {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(Box::new(e)),
        }
    }

    /// New tokens for `current`: refreshed with a usable refresh token, else a new anonymous
    /// session; stored. Called with `renewing` held.
    async fn renew(&self, current: &Tokens) -> Result<Tokens, BoxError> {
        let now = SystemTime::now();
        let refresh = current.refresh_token.as_deref().filter(|rt| {
            !Claims::decode(rt).is_some_and(|c| c.expires_within(Duration::ZERO, now))
        });
        let (tokens, reason) = match refresh {
            Some(rt) => (
                self.inner.refresher.refresh(rt).await?,
                TokenChangeReason::Refreshed,
            ),
            None => (
                self.inner
                    .refresher
                    .anonymous(Some(&current.access_token))
                    .await?,
                TokenChangeReason::Anonymous,
            ),
        };
        self.replace(Some(tokens.clone()), reason).await?;
        Ok(tokens)
    }

    /// An access token to send: the one held, renewed first when it expires within the margin;
    /// without tokens, a new anonymous session's when `bootstrap` (and the session allows it).
    pub async fn access_token(&self, bootstrap: bool) -> Result<Option<String>, BoxError> {
        let tokens = self.inner.store.load().await?;
        match tokens {
            Some(t) if !self.expiring(&t) => Ok(Some(t.access_token)),
            Some(_) => {
                self.locked(|s| async move {
                    // another request may have renewed them while this one waited
                    match s.inner.store.load().await? {
                        Some(t) if !s.expiring(&t) => Ok(Some(t.access_token)),
                        Some(t) => Ok(Some(s.renew(&t).await?.access_token)),
                        None => Ok(None),
                    }
                })
                .await
            }
            None if bootstrap && self.inner.bootstrap => {
                self.locked(|s| async move {
                    if let Some(t) = s.inner.store.load().await? {
                        return Ok(Some(t.access_token));
                    }
                    let tokens = s.inner.refresher.anonymous(None).await?;
                    s.replace(Some(tokens.clone()), TokenChangeReason::Anonymous)
                        .await?;
                    Ok(Some(tokens.access_token))
                })
                .await
            }
            None => Ok(None),
        }
    }

    /// Renews the tokens after the server rejected `rejected` (unless they changed since).
    pub async fn renew_after_rejection(&self, rejected: &str) -> Result<Option<String>, BoxError> {
        let rejected = rejected.to_owned();
        self.locked(|s| async move {
            match s.inner.store.load().await? {
                Some(t) if t.access_token != rejected => Ok(Some(t.access_token)),
                Some(t) => Ok(Some(s.renew(&t).await?.access_token)),
                None => Ok(None),
            }
        })
        .await
    }

    /// Keeps the tokens that a successful response of `operation` carried.
    async fn keep_issued(
        &self,
        operation: &'static str,
        tokens: Option<Tokens>,
    ) -> Result<(), BoxError> {
        self.locked(move |s| async move {
            s.replace(tokens, TokenChangeReason::Operation(operation))
                .await
        })
        .await
    }
}

/// The hook of a [`Session`] (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct SessionHook {
    session: Session,
}

fn bearer_of(request: &Request) -> Option<&str> {
    request
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

impl Hook for SessionHook {
    fn before_send<'a>(&'a self, request: &'a mut Request) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            if !request.accepts(Auth::Bearer) {
                return Ok(());
            }
            let bootstrap = !request.accepts(Auth::ApiKey);
            let token = match self.session.access_token(bootstrap).await {
                Ok(token) => token,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot renew the session; sending what it has");
                    self.session
                        .tokens()
                        .await
                        .ok()
                        .flatten()
                        .map(|t| t.access_token)
                }
            };
            if let Some(token) = token {
                let mut value = HeaderValue::try_from(format!("Bearer {token}"))?;
                value.set_sensitive(true);
                request.headers.insert(header::AUTHORIZATION, value);
            }
            Ok(())
        })
    }

    fn after_receive<'a>(
        &'a self,
        request: &'a Request,
        response: &'a Response,
    ) -> BoxFuture<'a, Result<AfterReceive, BoxError>> {
        Box::pin(async move {
            if response.status.is_success() {
                let operations = &self.session.inner.operations;
                if let Some(read) = operations.reader(request.operation) {
                    match read(&response.body) {
                        Ok(tokens) => self.session.keep_issued(request.operation, tokens).await?,
                        Err(e) => tracing::warn!(
                            operation = request.operation,
                            error = %e,
                            "cannot read the tokens of the response: the session keeps its own"
                        ),
                    }
                }
                return Ok(AfterReceive::Continue);
            }
            if response.status != StatusCode::UNAUTHORIZED || !request.hook_retry_available() {
                return Ok(AfterReceive::Continue);
            }
            let Some(rejected) = bearer_of(request) else {
                return Ok(AfterReceive::Continue);
            };
            match self.session.renew_after_rejection(rejected).await {
                Ok(Some(_)) => Ok(AfterReceive::Retry),
                Ok(None) => Ok(AfterReceive::Continue),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot renew the session after a 401");
                    Ok(AfterReceive::Continue)
                }
            }
        })
    }
}

/// A JWT with these claims and no valid signature (for tests and examples).
pub fn unsigned_jwt(claims: &serde_json::Value) -> String {
    use base64::Engine as _;
    let b64 = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    format!(
        "{}.{}.{}",
        b64(br#"{"alg":"none","typ":"JWT"}"#),
        b64(claims.to_string().as_bytes()),
        b64(b"unsigned")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn now_secs() -> u64 {
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    #[test]
    fn claims_are_read_without_a_signature() {
        let t = unsigned_jwt(&json!({"sub": "u1", "is_anonymous": true, "exp": 2_000_000_000}));
        let c = Claims::decode(&t).unwrap();
        assert_eq!(c.string("sub").as_deref(), Some("u1"));
        assert_eq!(c.flag("is_anonymous"), Some(true));
        assert_eq!(
            c.expires_at(),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000))
        );
        assert!(Claims::decode("not-a-jwt").is_none());
        assert!(Claims::decode("a.b.c").is_none());
    }

    #[derive(Default)]
    struct Counting {
        refreshes: AtomicUsize,
        anonymous: AtomicUsize,
    }

    impl Refresher for Arc<Counting> {
        fn refresh<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Tokens, BoxError>> {
            self.refreshes.fetch_add(1, Ordering::SeqCst);
            let exp = now_secs() + 3600;
            Box::pin(async move {
                Ok(Tokens::new(
                    unsigned_jwt(&json!({"sub": "u1", "is_logged_in": true, "exp": exp})),
                    "r2",
                ))
            })
        }

        fn anonymous<'a>(&'a self, _: Option<&'a str>) -> BoxFuture<'a, Result<Tokens, BoxError>> {
            self.anonymous.fetch_add(1, Ordering::SeqCst);
            let exp = now_secs() + 3600;
            Box::pin(async move {
                Ok(Tokens::new(
                    unsigned_jwt(&json!({"sub": "anon", "is_anonymous": true, "exp": exp})),
                    "r1",
                ))
            })
        }
    }

    #[tokio::test]
    async fn bootstraps_then_refreshes_expiring_tokens() {
        let counting = Arc::new(Counting::default());
        let session = Session::builder(counting.clone()).build();
        assert_eq!(session.access_token(false).await.unwrap(), None);
        let first = session.access_token(true).await.unwrap().unwrap();
        assert!(session.is_anonymous().await);
        assert_eq!(session.user_id().await.as_deref(), Some("anon"));
        assert_eq!(counting.anonymous.load(Ordering::SeqCst), 1);
        // still valid: no new tokens
        assert_eq!(session.access_token(true).await.unwrap().unwrap(), first);
        // expiring within the margin: refreshed
        let soon = now_secs() + 5;
        session
            .set_tokens(Tokens::new(unsigned_jwt(&json!({"exp": soon})), "r"))
            .await
            .unwrap();
        session.access_token(true).await.unwrap().unwrap();
        assert_eq!(counting.refreshes.load(Ordering::SeqCst), 1);
        assert!(session.is_logged_in().await);
    }

    #[tokio::test]
    async fn every_change_is_reported_with_its_reason() {
        let counting = Arc::new(Counting::default());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let session = Session::builder(counting.clone())
            .on_tokens_changed(move |change| {
                let access = change.tokens.as_ref().map(|t| t.access_token.clone());
                log.lock().unwrap().push((change.reason, access));
            })
            .build();
        let anonymous = session.access_token(true).await.unwrap().unwrap();
        let soon = now_secs() + 5;
        let expiring = unsigned_jwt(&json!({"exp": soon}));
        session
            .set_tokens(Tokens::new(expiring.clone(), "r"))
            .await
            .unwrap();
        let refreshed = session.access_token(true).await.unwrap().unwrap();
        session.clear().await.unwrap();
        assert_eq!(
            *seen.lock().unwrap(),
            [
                (TokenChangeReason::Anonymous, Some(anonymous)),
                (TokenChangeReason::Set, Some(expiring)),
                (TokenChangeReason::Refreshed, Some(refreshed)),
                (TokenChangeReason::Cleared, None),
            ]
        );
    }

    #[tokio::test]
    async fn a_sibling_has_the_settings_but_not_the_tokens() {
        fn read(_: &[u8]) -> Result<Option<Tokens>, BoxError> {
            Ok(None)
        }
        let counting = Arc::new(Counting::default());
        let parent = Session::builder(counting.clone())
            .token_operations(TokenOperations::new().with("login", read))
            .refresh_margin(Duration::from_secs(7))
            .on_tokens_changed(|_| panic!("the parent's callback is not the sibling's"))
            .build();
        let sibling = parent.sibling().build();
        assert!(sibling.tokens().await.unwrap().is_none());
        assert_eq!(sibling.inner.margin, Duration::from_secs(7));
        assert!(sibling.token_operations().contains("login"));
        assert!(!sibling.token_operations().contains("logout"));
        // the same refresher starts its anonymous session; the parent keeps none
        sibling.access_token(true).await.unwrap().unwrap();
        assert_eq!(counting.anonymous.load(Ordering::SeqCst), 1);
        assert!(parent.tokens().await.unwrap().is_none());
    }

    /// Refreshes slowly, as a server under load, and counts.
    #[derive(Default)]
    struct Slow {
        refreshes: AtomicUsize,
    }

    impl Refresher for Arc<Slow> {
        fn refresh<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Tokens, BoxError>> {
            self.refreshes.fetch_add(1, Ordering::SeqCst);
            Box::pin(async {
                tokio::time::sleep(Duration::from_millis(200)).await;
                Ok(Tokens::new("new", "r2"))
            })
        }

        fn anonymous<'a>(&'a self, _: Option<&'a str>) -> BoxFuture<'a, Result<Tokens, BoxError>> {
            Box::pin(async { Err("no anonymous sessions here".into()) })
        }
    }

    #[tokio::test]
    async fn a_cancelled_caller_does_not_lose_the_renewed_tokens() {
        let slow = Arc::new(Slow::default());
        let session = Session::builder(slow.clone()).build();
        session.set_tokens(Tokens::new("old", "r1")).await.unwrap();
        let cancelled = tokio::time::timeout(
            Duration::from_millis(20),
            session.renew_after_rejection("old"),
        )
        .await;
        assert!(cancelled.is_err(), "the caller gave up first");
        assert_eq!(session.tokens().await.unwrap().unwrap().access_token, "old");
        // the renewal goes on without its caller, and its tokens are kept
        tokio::time::sleep(Duration::from_millis(400)).await;
        let tokens = session.tokens().await.unwrap().unwrap();
        assert_eq!(tokens.access_token, "new");
        assert_eq!(tokens.refresh_token.as_deref(), Some("r2"));
        assert_eq!(
            session
                .renew_after_rejection("old")
                .await
                .unwrap()
                .as_deref(),
            Some("new")
        );
        assert_eq!(slow.refreshes.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn token_operations_find_their_readers() {
        fn some(_: &[u8]) -> Result<Option<Tokens>, BoxError> {
            Ok(Some(Tokens::new("a", "r")))
        }
        fn none(_: &[u8]) -> Result<Option<Tokens>, BoxError> {
            Ok(None)
        }
        let ops = TokenOperations::new()
            .with("login", none)
            .with("logout", none)
            .with("login", some);
        assert_eq!(ops.operations().collect::<Vec<_>>(), ["logout", "login"]);
        let read = ops.reader("login").expect("login");
        assert_eq!(read(b"").unwrap(), Some(Tokens::new("a", "r")));
        assert!(ops.reader("get-cart").is_none());
        assert_eq!(format!("{ops:?}"), r#"["logout", "login"]"#);
    }

    #[tokio::test]
    async fn concurrent_rejections_renew_once() {
        let counting = Arc::new(Counting::default());
        let session = Session::builder(counting.clone()).build();
        session.set_tokens(Tokens::new("old", "r")).await.unwrap();
        let (a, b) = tokio::join!(
            session.renew_after_rejection("old"),
            session.renew_after_rejection("old")
        );
        assert_eq!(a.unwrap(), b.unwrap());
        assert_eq!(counting.refreshes.load(Ordering::SeqCst), 1);
    }
}
