//! The Storefront's side of sessions: how to get tokens, and a client that uses them.

use std::sync::Arc;
use std::time::Duration;

use storefront_client::runtime::session::{
    ClaimNames, MemoryTokenStore, Refresher, Session, TokenStore, Tokens,
};
use storefront_client::runtime::{BoxError, BoxFuture, BuildError, ClientBuilder};
use storefront_client::types::RefreshTokenBody;
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
                .refresh_token(RefreshTokenBody {
                    refresh_token: refresh_token.to_owned(),
                })
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

/// Builds a [`Storefront`]: the client's settings, then the session's.
pub struct StorefrontBuilder {
    client: ClientBuilder<Client>,
    store: Option<Arc<dyn TokenStore>>,
    tokens: Option<Tokens>,
    margin: Option<Duration>,
    bootstrap: bool,
}

impl std::fmt::Debug for StorefrontBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorefrontBuilder")
            .field("client", &self.client)
            .field("tokens", &self.tokens)
            .field("margin", &self.margin)
            .field("bootstrap", &self.bootstrap)
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

    /// Builds the client and its session.
    pub fn build(self) -> Result<Storefront, BuildError> {
        let plain: Client = self.client.build()?;
        let mut session = Session::builder(StorefrontRefresher::new(plain.clone()))
            .claim_names(claim_names())
            .anonymous_bootstrap(self.bootstrap);
        match (self.store, self.tokens) {
            (Some(store), _) => session = session.shared_store(store),
            (None, Some(tokens)) => session = session.store(MemoryTokenStore::new(Some(tokens))),
            (None, None) => {}
        }
        if let Some(margin) = self.margin {
            session = session.refresh_margin(margin);
        }
        let session = session.build();
        let client = Client::from(plain.runtime().with_hook(session.hook()));
        Ok(Storefront { client, session })
    }
}

/// A Storefront client with a session: every call carries the session's token (see the crate
/// docs). Dereferences to the generated [`Client`]: `storefront.carts().create_cart(...)`.
#[derive(Debug, Clone)]
pub struct Storefront {
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
