//! The Storefront's side of sessions: how to get tokens, which operations return them, and a
//! client that uses them.

use std::sync::Arc;
use std::time::Duration;

use storefront_client::runtime::session::{
    ClaimNames, MemoryTokenStore, Refresher, Session, SessionBuilder, TokenChange, TokenOperations,
    TokenStore, Tokens,
};
use storefront_client::runtime::{self, BoxError, BoxFuture, BuildError, ClientBuilder};
use storefront_client::types::{
    ChangePasswordResponse, GetAnonymousTokenResponse, LoginWithPasswordResponse, LogoutResponse,
    RefreshTokenBody, RefreshTokenResponse, ResetPasswordResponse, VerifyOtpResponse,
};
use storefront_client::Client;

/// Gets tokens from the Storefront API: `refresh-token` for a refresh token, and
/// `get-anonymous-token` for a new anonymous session (sending the access token held, if any, as
/// the official SDK does).
///
/// Its client must not carry the session's hook (the calls would go through the session
/// they renew): [`StorefrontBuilder`] gives it the plain client.
#[derive(Debug, Clone)]
pub struct StorefrontRefresher {
    client: Client,
}

impl StorefrontRefresher {
    /// A refresher that calls the API with `client` (which needs the API key for anonymous
    /// sessions).
    pub fn new(client: Client) -> Self {
        StorefrontRefresher { client }
    }
}

impl Refresher for StorefrontRefresher {
    fn refresh<'a>(&'a self, refresh_token: &'a str) -> BoxFuture<'a, Result<Tokens, BoxError>> {
        Box::pin(async move {
            let response = self
                .client
                .auth()
                .refresh_token(RefreshTokenBody::new(refresh_token))
                .await?;
            Ok(Tokens::new(
                response.content.access_token,
                response.content.refresh_token,
            ))
        })
    }

    fn anonymous<'a>(
        &'a self,
        current: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Tokens, BoxError>> {
        Box::pin(async move {
            let mut request = self.client.auth().get_anonymous_token();
            if let Some(token) = current {
                let mut value = http_value(&format!("Bearer {token}"))?;
                value.set_sensitive(true);
                request = request.header(
                    storefront_client::runtime::HeaderName::from_static("authorization"),
                    value,
                );
            }
            let response = request.await?;
            Ok(Tokens::new(
                response.content.access_token,
                response.content.refresh_token,
            ))
        })
    }
}

fn http_value(v: &str) -> Result<storefront_client::runtime::HeaderValue, BoxError> {
    Ok(storefront_client::runtime::HeaderValue::try_from(v)?)
}

/// The claims of Storefront access tokens: `ulid` (the user's id), `is_anonymous`,
/// `is_logged_in` (as the official SDK reads them).
pub fn claim_names() -> ClaimNames {
    ClaimNames {
        user_id: "ulid".to_owned(),
        anonymous: "is_anonymous".to_owned(),
        logged_in: "is_logged_in".to_owned(),
    }
}

/// The operations whose successful responses carry the session's next tokens, which the
/// session keeps by itself (no copying by hand): the official SDK's list (`login-with-password`,
/// `verify-otp`, `refresh-token`, `change-password`, `reset-password`, `logout`), plus
/// `get-anonymous-token`, whose response is a new anonymous session's tokens too.
///
/// `logout` hands back a new anonymous session's tokens, which replace the signed-in ones; a
/// logout response without them still ends the signed-in session: the tokens are forgotten, and
/// the next call that needs one starts an anonymous session. The POS operations
/// (`verify-pos-login-otp`, `refresh-pos-access-token`) return a device's tokens, not a
/// shopper's, and are left out.
pub fn token_operations() -> TokenOperations {
    /// A reader of a response type with `content.access_token` and `content.refresh_token`.
    macro_rules! pair {
        ($response:ty) => {
            |body: &[u8]| -> Result<Option<Tokens>, BoxError> {
                let response: $response = runtime::json(body)?;
                Ok(Some(Tokens::new(
                    response.content.access_token,
                    response.content.refresh_token,
                )))
            }
        };
    }
    TokenOperations::new()
        .with("login-with-password", pair!(LoginWithPasswordResponse))
        .with("verify-otp", pair!(VerifyOtpResponse))
        .with("refresh-token", pair!(RefreshTokenResponse))
        .with("change-password", pair!(ChangePasswordResponse))
        .with("reset-password", pair!(ResetPasswordResponse))
        .with("get-anonymous-token", pair!(GetAnonymousTokenResponse))
        .with("logout", |body| {
            Ok(runtime::json::<LogoutResponse>(body)
                .ok()
                .map(|r| Tokens::new(r.content.access_token, r.content.refresh_token)))
        })
}

/// The callback of [`StorefrontBuilder::on_tokens_changed`].
type OnChange = Arc<dyn Fn(&TokenChange) + Send + Sync + 'static>;

/// Builds a [`Storefront`]: the client's settings, then the session's.
pub struct StorefrontBuilder {
    client: ClientBuilder<Client>,
    store: Option<Arc<dyn TokenStore>>,
    tokens: Option<Tokens>,
    margin: Option<Duration>,
    bootstrap: bool,
    on_change: Option<OnChange>,
}

impl std::fmt::Debug for StorefrontBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorefrontBuilder")
            .field("client", &self.client)
            .field("tokens", &self.tokens)
            .field("margin", &self.margin)
            .field("bootstrap", &self.bootstrap)
            .field("on_tokens_changed", &self.on_change.is_some())
            .finish_non_exhaustive()
    }
}

impl StorefrontBuilder {
    /// Sets the base URL ([`crate::Server::url`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.client = self.client.base_url(url);
        self
    }

    /// Sets the store's public API key (`X-Api-Key`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.client = self.client.api_key(key);
        self
    }

    /// Bounds every call as a whole: its attempts, the waits between retries and the session's
    /// renewals; a call that runs out of it ends with [`crate::Error::OperationTimeout`]
    /// (none unless set: each attempt has its own timeout, 30 s unless set with
    /// [`StorefrontBuilder::client`]).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.client = self.client.operation_timeout(timeout);
        self
    }

    /// Changes any other setting of the client (timeouts, retries, headers, hooks...).
    pub fn client(
        mut self,
        configure: impl FnOnce(ClientBuilder<Client>) -> ClientBuilder<Client>,
    ) -> Self {
        self.client = configure(self.client);
        self
    }

    /// Keeps the tokens in `store` (memory unless set).
    pub fn token_store(mut self, store: impl TokenStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Starts with these tokens (from a previous run, say) in the memory store (a store given
    /// with [`StorefrontBuilder::token_store`] has its own).
    pub fn tokens(mut self, tokens: Tokens) -> Self {
        self.tokens = Some(tokens);
        self
    }

    /// Refreshes when the access token expires within `margin` (30 s unless set).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = Some(margin);
        self
    }

    /// Whether to start an anonymous session when a call needs a token and there is none (on
    /// unless set).
    pub fn anonymous_bootstrap(mut self, on: bool) -> Self {
        self.bootstrap = on;
        self
    }

    /// Calls `callback` after every change of the session's tokens (a new anonymous session, a
    /// refresh, a login, a logout...), to persist them, say; see
    /// [`SessionBuilder::on_tokens_changed`]. Clients of [`Storefront::for_user`] do not
    /// inherit it ([`Storefront::for_user_with`] sets theirs).
    pub fn on_tokens_changed(
        mut self,
        callback: impl Fn(&TokenChange) + Send + Sync + 'static,
    ) -> Self {
        self.on_change = Some(Arc::new(callback));
        self
    }

    /// Builds the client and its session.
    pub fn build(self) -> Result<Storefront, BuildError> {
        let plain: Client = self.client.build()?;
        let mut session = Session::builder(StorefrontRefresher::new(plain.clone()))
            .claim_names(claim_names())
            .token_operations(token_operations())
            .anonymous_bootstrap(self.bootstrap);
        if let Some(callback) = self.on_change {
            session = session.on_tokens_changed(move |change| callback(change));
        }
        match (self.store, self.tokens) {
            (Some(store), _) => session = session.shared_store(store),
            (None, Some(tokens)) => session = session.store(MemoryTokenStore::new(Some(tokens))),
            (None, None) => {}
        }
        if let Some(margin) = self.margin {
            session = session.refresh_margin(margin);
        }
        Ok(Storefront::with_session(plain, session.build()))
    }
}

/// A Storefront client with a session: every call carries the session's token (see the crate
/// docs). Dereferences to the generated [`Client`]: `storefront.carts().create_cart(...)`.
///
/// Cheap to clone; clones share the session. [`Storefront::for_user`] gives a client with
/// another session (another user's) on the same connection pool.
#[derive(Debug, Clone)]
pub struct Storefront {
    /// The client without the session's hook (what users' clients are made from).
    plain: Client,
    /// `plain` with the session's hook.
    client: Client,
    session: Session,
}

impl Storefront {
    /// A builder, with the defaults of [`Client::builder`].
    pub fn builder() -> StorefrontBuilder {
        StorefrontBuilder {
            client: Client::builder(),
            store: None,
            tokens: None,
            margin: None,
            bootstrap: true,
            on_change: None,
        }
    }

    fn with_session(plain: Client, session: Session) -> Storefront {
        let client = Client::from(plain.runtime().with_hook(session.hook()));
        Storefront {
            plain,
            client,
            session,
        }
    }

    /// A client for another user (one per request of a server that renders pages or serves a
    /// frontend): the same connection pool and settings, and a session of its own holding
    /// `tokens` (`None`, for a new visitor: an anonymous session starts on the first call that
    /// needs one). Its tokens change as this client's do (refresh, login, logout...); read
    /// them back with `session().tokens()` once the work is done, or see
    /// [`Storefront::for_user_with`] for a callback or a store of your own.
    pub fn for_user(&self, tokens: impl Into<Option<Tokens>>) -> Storefront {
        let tokens = tokens.into();
        self.for_user_with(|session| session.store(MemoryTokenStore::new(tokens)))
    }

    /// Like [`Storefront::for_user`], with the new session's settings in `configure`'s hands:
    /// it gets a builder with this session's settings (refresher, claims, refresh margin,
    /// anonymous bootstrap, token operations), an empty memory store and no callback, and may
    /// set a [`TokenStore`] (cookies, say) and [`SessionBuilder::on_tokens_changed`].
    pub fn for_user_with(
        &self,
        configure: impl FnOnce(SessionBuilder) -> SessionBuilder,
    ) -> Storefront {
        let session = configure(self.session.sibling()).build();
        Storefront::with_session(self.plain.clone(), session)
    }

    /// This client with another operation timeout (`None`: none), for the calls made through
    /// it: `storefront.with_operation_timeout(Duration::from_secs(2)).carts().get_cart(id)`.
    /// Same session, same connection pool.
    pub fn with_operation_timeout(&self, timeout: impl Into<Option<Duration>>) -> Storefront {
        let timeout = timeout.into();
        let with = |client: &Client| Client::from(client.runtime().with_operation_timeout(timeout));
        Storefront {
            plain: with(&self.plain),
            client: with(&self.client),
            session: self.session.clone(),
        }
    }

    /// The session: tokens, user id, anonymous and logged-in flags.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The client (with the session's hook).
    pub fn client(&self) -> &Client {
        &self.client
    }
}

impl std::ops::Deref for Storefront {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use storefront_client::types::{
        ChangePasswordBody, LoginWithPasswordBody, LoginWithPasswordBodyVariant1,
        ResetPasswordBody, VerifyOtpBody, VerifyOtpBodyOtpAction,
    };

    /// Each id of `token_operations` is the id the generated client sends its operation with
    /// (so a typo, or a renamed operation, fails here rather than silently storing nothing).
    #[test]
    fn token_operations_are_the_clients_operations() {
        let client: Client = Client::builder()
            .base_url("http://localhost")
            .build()
            .expect("client");
        let auth = client.auth();
        let login = LoginWithPasswordBody::Variant1(Box::new(LoginWithPasswordBodyVariant1::new(
            "a@example.com",
            "p",
        )));
        let verify = VerifyOtpBody::new("1", "t", VerifyOtpBodyOtpAction::Login);
        let change = ChangePasswordBody::new("a", "b", "b");
        let reset = ResetPasswordBody::new("b", "b", "t", "1");
        let refresh = RefreshTokenBody::new("r");
        let ids = [
            auth.login_with_password(login).into_request().1.operation,
            auth.verify_otp(verify).into_request().1.operation,
            auth.refresh_token(refresh).into_request().1.operation,
            auth.change_password(change).into_request().1.operation,
            auth.reset_password(reset).into_request().1.operation,
            auth.get_anonymous_token().into_request().1.operation,
            auth.logout().into_request().1.operation,
        ];
        assert_eq!(token_operations().operations().collect::<Vec<_>>(), ids);
    }

    #[test]
    fn readers_take_the_pair_out_of_the_content() {
        let ops = token_operations();
        let body = br#"{"message":"ok","success":true,"content":{"access_token":"a","refresh_token":"r"}}"#;
        let read = ops.reader("refresh-token").expect("refresh-token");
        assert_eq!(read(body).unwrap(), Some(Tokens::new("a", "r")));
        // a login response without its tokens is an error (the session keeps its own)
        let read = ops.reader("login-with-password").expect("login");
        assert!(read(br#"{"message":"ok","success":true,"content":{}}"#).is_err());
        // a logout response without tokens still ends the signed-in session
        let read = ops.reader("logout").expect("logout");
        assert_eq!(read(br#"{"message":"ok","success":true}"#).unwrap(), None);
    }
}
