//! The Commerce Engine Storefront API in Rust: the generated client, plus what the official SDK
//! adds by hand (a session layer: token storage, refresh, anonymous sessions, logins).
//!
//! [`Storefront::builder`] gives a client whose requests carry the session's bearer token:
//!
//! - an anonymous session is started on the first call that needs one;
//! - the tokens that operations return replace the session's ([`token_operations`]: a login
//!   with a password, `verify-otp` after an OTP login, a password change or reset, a refresh,
//!   and a logout, which hands back a new anonymous session), so the next call is made as the
//!   user the server now sees, with nothing to copy by hand;
//! - the tokens are refreshed (`/auth/refresh-token`) before the access token expires and when
//!   a `401` comes back (the request is then sent once more);
//! - every change of the tokens is kept in the [`TokenStore`] (memory unless set) and reported
//!   to [`StorefrontBuilder::on_tokens_changed`], to persist them, say;
//! - [`Storefront::session`] tells who the user is, from the access token's claims.
//!
//! ```no_run
//! use std::time::Duration;
//! use storefront::types::{LoginWithPasswordBody, LoginWithPasswordBodyVariant1};
//! use storefront::{Server, Storefront};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let storefront = Storefront::builder()
//!     .base_url(Server::Production { store_id: "my-store".into() }.url())
//!     .api_key("pk_live_...")
//!     .operation_timeout(Duration::from_secs(10)) // the whole call, retries included
//!     .on_tokens_changed(|change| println!("tokens changed: {:?}", change.reason))
//!     .build()?;
//! // The first call that needs a token starts an anonymous session.
//! let products = storefront.catalog().list_products().limit(20).await?;
//! println!("{} products", products.content.products.len());
//!
//! // Log in: the session keeps the user's tokens by itself.
//! storefront
//!     .auth()
//!     .login_with_password(LoginWithPasswordBody::Variant1(Box::new(
//!         LoginWithPasswordBodyVariant1::new("ann@example.com", "correct horse battery staple"),
//!     )))
//!     .await?;
//! let user_id = storefront.session().user_id().await.expect("signed in");
//! // ... so this call is made as Ann.
//! let me = storefront.auth().get_user_detail(&user_id).await?;
//! println!("hello {:?}", me.content.user.first_name);
//!
//! // Log out: the session holds the new anonymous session's tokens.
//! storefront.auth().logout().await?;
//! assert!(storefront.session().is_anonymous().await);
//! # Ok(())
//! # }
//! ```
//!
//! # One client, many users
//!
//! A server that calls the API for its visitors (server-side rendering, a backend for a
//! frontend) keeps one [`Storefront`] and makes a client per visitor with
//! [`Storefront::for_user`]: the same connection pool and settings, a session of its own.
//!
//! ```no_run
//! use storefront::{BoxError, Storefront, Tokens};
//!
//! // in a request handler of the application's server
//! async fn handle(
//!     storefront: &Storefront,
//!     cookie: Option<Tokens>,
//! ) -> Result<Option<Tokens>, BoxError> {
//!     let user = storefront.for_user(cookie); // `None`: a new visitor, anonymous on first need
//!     let wishlist = user.wishlist().get_wishlist("user-id").await?;
//!     println!("{} products", wishlist.content.products.len());
//!     // the tokens may have been refreshed (or started): hand them back to the browser
//!     user.session().tokens().await
//! }
//! ```
//!
//! [`Storefront::for_user_with`] takes a [`TokenStore`] of the application's (cookies, a
//! database) and a callback of its own.
//!
//! # Timeouts
//!
//! Each attempt of a call has a timeout (30 s unless set with `.client(|c| c.timeout(..))`, or
//! per request with `.timeout(..)`); a call that is retried (with backoff, honouring
//! `Retry-After`) can last much longer. The operation timeout bounds the whole call:
//! [`StorefrontBuilder::operation_timeout`], or [`Storefront::with_operation_timeout`] for some
//! calls; when it runs out the call ends with [`Error::OperationTimeout`].
//!
//! The generated client ([`client`]) and types ([`types`]) are re-exported; so is the runtime
//! ([`runtime`]), whose [`runtime::session`] module is what this crate plugs the Storefront
//! into, and the items of it that an application uses.

#![warn(missing_docs)]

mod session;

pub use session::{
    claim_names, token_operations, Storefront, StorefrontBuilder, StorefrontRefresher,
};
pub use storefront_client as client;
pub use storefront_client::runtime::session::{
    Claims, MemoryTokenStore, Session, SessionBuilder, TokenChange, TokenChangeReason, TokenStore,
    Tokens,
};
pub use storefront_client::runtime::{BoxError, BoxFuture};
pub use storefront_client::{
    runtime, types, ApiError, Client, Error, RequestOptions, ResponseValue, RetryPolicy, Server,
};
