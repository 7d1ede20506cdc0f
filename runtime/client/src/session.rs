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
//!   starts an anonymous session first ([`Refresher::anonymous`]), unless turned off.
//!
//! Concurrent requests refresh once: the others wait and use the new tokens. When there is no
//! usable refresh token, renewing starts a new anonymous session from the current access token.
//!
//! Claims are read from the access token without checking its signature (the server does):
//! use them to show who is signed in, never to decide what someone may do.

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
}

impl std::fmt::Debug for SessionBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionBuilder")
            .field("names", &self.names)
            .field("margin", &self.margin)
            .field("bootstrap", &self.bootstrap)
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

    /// The session.
    pub fn build(self) -> Session {
        Session {
            inner: Arc::new(Inner {
                store: self.store,
                refresher: self.refresher,
                names: self.names,
                margin: self.margin,
                bootstrap: self.bootstrap,
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
        }
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

    /// Replaces the tokens (after a login, say).
    pub async fn set_tokens(&self, tokens: Tokens) -> Result<(), BoxError> {
        self.inner.store.store(Some(tokens)).await
    }

    /// Forgets the tokens (after a logout).
    pub async fn clear(&self) -> Result<(), BoxError> {
        self.inner.store.store(None).await
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

    /// New tokens for `current`: refreshed with a usable refresh token, else a new anonymous
    /// session; stored.
    async fn renew(&self, current: &Tokens) -> Result<Tokens, BoxError> {
        let now = SystemTime::now();
        let refresh = current.refresh_token.as_deref().filter(|rt| {
            !Claims::decode(rt).is_some_and(|c| c.expires_within(Duration::ZERO, now))
        });
        let tokens = match refresh {
            Some(rt) => self.inner.refresher.refresh(rt).await?,
            None => {
                self.inner
                    .refresher
                    .anonymous(Some(&current.access_token))
                    .await?
            }
        };
        self.inner.store.store(Some(tokens.clone())).await?;
        Ok(tokens)
    }

    /// An access token to send: the one held, renewed first when it expires within the margin;
    /// without tokens, a new anonymous session's when `bootstrap` (and the session allows it).
    pub async fn access_token(&self, bootstrap: bool) -> Result<Option<String>, BoxError> {
        let tokens = self.inner.store.load().await?;
        match tokens {
            Some(t) if !self.expiring(&t) => Ok(Some(t.access_token)),
            Some(_) => {
                let _guard = self.inner.renewing.lock().await;
                // another request may have renewed them while this one waited
                match self.inner.store.load().await? {
                    Some(t) if !self.expiring(&t) => Ok(Some(t.access_token)),
                    Some(t) => Ok(Some(self.renew(&t).await?.access_token)),
                    None => Ok(None),
                }
            }
            None if bootstrap && self.inner.bootstrap => {
                let _guard = self.inner.renewing.lock().await;
                if let Some(t) = self.inner.store.load().await? {
                    return Ok(Some(t.access_token));
                }
                let tokens = self.inner.refresher.anonymous(None).await?;
                self.inner.store.store(Some(tokens.clone())).await?;
                tracing::debug!("started an anonymous session");
                Ok(Some(tokens.access_token))
            }
            None => Ok(None),
        }
    }

    /// Renews the tokens after the server rejected `rejected` (unless they changed since).
    pub async fn renew_after_rejection(&self, rejected: &str) -> Result<Option<String>, BoxError> {
        let _guard = self.inner.renewing.lock().await;
        match self.inner.store.load().await? {
            Some(t) if t.access_token != rejected => Ok(Some(t.access_token)),
            Some(t) => Ok(Some(self.renew(&t).await?.access_token)),
            None => Ok(None),
        }
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
