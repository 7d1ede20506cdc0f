#![warn(missing_docs)]
//! Reference backend of the Commerce Engine Storefront API: its storage layer, security
//! primitives and demo data. The HTTP handlers (the generated server traits) call into this
//! library; it has no HTTP code itself.
//!
//! | module | what it is |
//! |---|---|
//! | [`config`] | the clap [`Config`](config::Config) (flags and `STOREFRONT_*` variables) |
//! | [`db`] | [`Db`](db::Db): an `sqlx::AnyPool` on SQLite or PostgreSQL, embedded migrations |
//! | [`store`] | repositories, one module per area; every function takes the store id |
//! | [`security`] | Argon2id passwords, HS256 JWTs, OTP codes and senders |
//! | [`auth`] | [`AuthService`](auth::AuthService): the auth flows over the repositories |
//! | [`seed`] | the deterministic demo store |
//! | [`error`] | [`Error`](error::Error), which the HTTP layer maps to statuses |
//! | [`http`] | [`App`](http::App): the generated server traits over all of the above, the router and its layers |
//! | [`util`] | ids (ULIDs), random tokens, hashing, time |
//!
//! All state is in the database (no caches), so several instances can share one PostgreSQL
//! database: the JWT secret, the API key, OTPs and refresh tokens included.
//!
//! ```no_run
//! use reference_server::{auth::AuthService, config::Config, db::Db, seed, store::catalog};
//! # async fn example(config: Config) -> reference_server::error::Result<()> {
//! let db = Db::connect(&config.database_url).await?; // connects and migrates
//! let seeded = seed::seed(&db, &config.store_id, config.api_key.as_deref()).await?;
//! println!("api key: {}", seeded.api_key);
//! let auth = AuthService::from_config(db.clone(), &config).await?;
//! let session = auth.anonymous_session("demo").await?; // get-anonymous-token
//! let claims = auth.authenticate("demo", &session.access_token)?;
//! let page = catalog::list_products(&db, "demo", &catalog::ProductQuery::default()).await?;
//! # let _ = (claims, page);
//! # Ok(())
//! # }
//! ```

pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod security;
pub mod seed;
pub mod store;
pub mod util;
