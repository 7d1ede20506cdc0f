//! Stores (tenants), their API keys and configuration, and global settings.

use sqlx::Row as _;
use storefront_types::StoreConfig;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::util;

/// A store as kept in the `stores` table. Its `Debug` leaves out the API key.
#[derive(Clone, PartialEq)]
pub struct StoreRecord {
    /// The store id (the `{store_id}` of the API's base URL).
    pub id: String,
    /// Display name.
    pub name: String,
    /// The store's API key (`X-Api-Key`).
    pub api_key: String,
    /// The storefront configuration returned by get-config.
    pub config: StoreConfig,
}

/// Creates a store. `Conflict` when the id or the API key is taken.
pub async fn create_store(db: &Db, store: &StoreRecord) -> Result<()> {
    if find_store(db, &store.id).await?.is_some() {
        return Err(Error::Conflict(format!("store {} exists", store.id)));
    }
    let config = serde_json::to_string(&store.config)?;
    sqlx::query(
        "INSERT INTO stores (id, name, api_key, config, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&store.id)
    .bind(&store.name)
    .bind(&store.api_key)
    .bind(config)
    .bind(util::now_secs())
    .execute(db.pool())
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            Error::Conflict("store id or API key taken".into())
        }
        _ => Error::Database(e),
    })?;
    Ok(())
}

/// The store with this id, if any.
pub async fn find_store(db: &Db, store_id: &str) -> Result<Option<StoreRecord>> {
    let row = sqlx::query("SELECT id, name, api_key, config FROM stores WHERE id = $1")
        .bind(store_id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|row| {
        Ok(StoreRecord {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            api_key: row.try_get("api_key")?,
            config: serde_json::from_str(&row.try_get::<String, _>("config")?)?,
        })
    })
    .transpose()
}

/// The store with this id; `NotFound` when there is none (check-store).
pub async fn get_store(db: &Db, store_id: &str) -> Result<StoreRecord> {
    find_store(db, store_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("store {store_id}")))
}

/// The store's configuration (get-config).
pub async fn get_config(db: &Db, store_id: &str) -> Result<StoreConfig> {
    Ok(get_store(db, store_id).await?.config)
}

/// Checks an `X-Api-Key` against the store's key in constant time: `Unauthorized` when it
/// does not match, `NotFound` when the store does not exist.
pub async fn verify_api_key(db: &Db, store_id: &str, api_key: &str) -> Result<()> {
    let store = get_store(db, store_id).await?;
    if util::constant_time_eq(&store.api_key, api_key) {
        Ok(())
    } else {
        Err(Error::unauthorized("invalid API key"))
    }
}

/// Replaces the store's API key (used when `--api-key` is given).
pub async fn set_api_key(db: &Db, store_id: &str, api_key: &str) -> Result<()> {
    let done = sqlx::query("UPDATE stores SET api_key = $1 WHERE id = $2")
        .bind(api_key)
        .bind(store_id)
        .execute(db.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found(format!("store {store_id}")));
    }
    Ok(())
}

/// How many stores exist.
pub async fn count_stores(db: &Db) -> Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM stores")
        .fetch_one(db.pool())
        .await?
        .try_get("n")?)
}

/// A global setting.
pub async fn get_setting(db: &Db, key: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get("value")).transpose()?)
}

/// The setting `key`; when it is missing, stores `make()` first. Safe when several instances
/// race: the first insert wins and every instance returns the stored value.
pub async fn get_or_init_setting(
    db: &Db,
    key: &str,
    make: impl FnOnce() -> Result<String>,
) -> Result<String> {
    if let Some(value) = get_setting(db, key).await? {
        return Ok(value);
    }
    let value = make()?;
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .bind(&value)
        .execute(db.pool())
        .await?;
    get_setting(db, key)
        .await?
        .ok_or_else(|| Error::Internal(format!("setting {key} vanished")))
}

/// Sets a global setting, replacing any previous value.
pub async fn set_setting(db: &Db, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The JWT signing secret: `configured` when given, else the stored one,
/// else a new random one that is stored for every other instance.
pub async fn jwt_secret(db: &Db, configured: Option<&str>) -> Result<String> {
    match configured {
        Some(secret) => Ok(secret.to_owned()),
        None => get_or_init_setting(db, "jwt_secret", || util::random_token(32)).await,
    }
}

/// A plain store configuration: brand `name`, Indian rupees, no KYC, no customer groups,
/// short terms of service and refund policy.
pub fn basic_config(name: &str) -> StoreConfig {
    use std::collections::BTreeMap;
    use storefront_types::{Brand, Currency, StoreTemplate, StoreTemplateContentType};
    let template = |id: &str, title: &str, content: &str| {
        StoreTemplate::new(
            id,
            title,
            Some(title.to_owned()),
            StoreTemplateContentType::Markdown,
            content,
        )
    };
    let mut config = StoreConfig::new(
        Brand::new(name, None, BTreeMap::new()),
        Currency::new("Indian Rupee", "INR", "₹"),
        Vec::new(), // customer_groups
        Vec::new(), // kyc_documents
        Vec::new(), // analytics_providers
        Vec::new(), // payment_providers
        template("tos", "Terms of service", "Use this store kindly."),
        template("refunds", "Refund policy", "Returns within 30 days."),
    );
    config.is_kyc_enabled = false;
    config.is_customer_group_enabled = false;
    config
}

impl std::fmt::Debug for StoreRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreRecord")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}
