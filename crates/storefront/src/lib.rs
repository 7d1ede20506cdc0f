//! The Commerce Engine Storefront API in Rust: the generated client, plus what the official SDK
//! adds by hand (a session layer: token storage, refresh, anonymous sessions).
//!
//! [`Storefront::builder`] gives a client whose requests carry the session's bearer token:
//! an anonymous session is started on the first call that needs one, the tokens are refreshed
//! (`/auth/refresh-token`) before the access token expires and when a `401` comes back (the
//! request is then sent once more), and [`Storefront::session`] tells who the user is, from the
//! access token's claims.
//!
//! ```no_run
//! use storefront::{Server, Storefront};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let storefront = Storefront::builder()
//!     .base_url(Server::Production { store_id: "my-store".into() }.url())
//!     .api_key("pk_live_...")
//!     .build()?;
//! // The first call starts an anonymous session.
//! let products = storefront.catalog().list_products().limit(20).await?;
//! println!("{} products", products.content.products.len());
//! println!("user {:?}, anonymous: {}", storefront.session().user_id().await, storefront.session().is_anonymous().await);
//! # Ok(())
//! # }
//! ```
//!
//! The generated client ([`client`]) and types ([`types`]) are re-exported; so is the runtime
//! ([`runtime`]), whose [`runtime::session`] module is what this crate plugs the Storefront
//! into.

#![warn(missing_docs)]

mod session;

pub use session::{Storefront, StorefrontBuilder, StorefrontRefresher};
pub use storefront_client as client;
pub use storefront_client::{runtime, types, Client, Error, RetryPolicy, Server};
