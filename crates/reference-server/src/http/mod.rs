//! The HTTP layer: the generated server traits of `storefront-server`, implemented over the
//! storage and auth services, and the router with its tower layers.
//!
//! One module per tag (`auth`, `catalog`, `store`, `helpers`); `errors` maps the crate's
//! [`Error`](crate::error::Error) to the error envelope; `principal` is what a verified
//! credential says; `service` builds the router (API, `/healthz`, `/metrics`, layers).

mod auth;
mod catalog;
mod errors;
mod helpers;
mod metrics;
mod principal;
mod service;
mod store;

pub use principal::Principal;
pub use service::{router, serve};

use std::sync::Arc;

use crate::auth::AuthService;
use crate::config::Config;
use crate::db::Db;

/// The backend: every trait of the tags this server implements, over one database.
///
/// Cheap to clone (everything behind `Arc`s or pools); holds no state of its own, so several
/// instances on one PostgreSQL database serve the same sessions and data.
#[derive(Clone)]
pub struct App {
    pub(crate) db: Db,
    pub(crate) auth: Arc<AuthService>,
    pub(crate) config: Arc<Config>,
}

impl App {
    /// The backend over `db` (migrated and seeded) with `config`: reads or creates the shared
    /// JWT secret.
    pub async fn new(db: Db, config: Config) -> crate::error::Result<App> {
        let auth = AuthService::from_config(db.clone(), &config).await?;
        Ok(App {
            db,
            auth: Arc::new(auth),
            config: Arc::new(config),
        })
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The auth service.
    pub fn auth(&self) -> &AuthService {
        &self.auth
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }
}
