//! Notification preferences per user.

use sqlx::Row as _;
use storefront_types::{NotificationChannelPreferences, NotificationPreferences};

use crate::db::Db;
use crate::error::{Error, Result};
use crate::util;

/// The preferences of a user who never set any: transactional messages on every channel,
/// promotional and newsletter messages off.
pub fn default_preferences() -> NotificationPreferences {
    let all = |on: bool| NotificationChannelPreferences::new(on, on, on);
    NotificationPreferences::new(all(true), all(false), all(false))
}

/// The stored preferences, if the user created them.
pub async fn find(
    db: &Db,
    store_id: &str,
    user_id: &str,
) -> Result<Option<NotificationPreferences>> {
    let row = sqlx::query(
        "SELECT preferences FROM notification_preferences WHERE store_id = $1 AND user_id = $2",
    )
    .bind(store_id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| {
        Ok(serde_json::from_str(
            &row.try_get::<String, _>("preferences")?,
        )?)
    })
    .transpose()
}

/// The stored preferences, or [`default_preferences`].
pub async fn get_or_default(
    db: &Db,
    store_id: &str,
    user_id: &str,
) -> Result<NotificationPreferences> {
    Ok(find(db, store_id, user_id)
        .await?
        .unwrap_or_else(default_preferences))
}

/// Creates the preferences (create-notification-preferences); `Conflict` when they exist.
pub async fn create(
    db: &Db,
    store_id: &str,
    user_id: &str,
    preferences: &NotificationPreferences,
) -> Result<NotificationPreferences> {
    let now = util::now_secs();
    sqlx::query(
        "INSERT INTO notification_preferences (store_id, user_id, preferences, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(store_id)
    .bind(user_id)
    .bind(serde_json::to_string(preferences)?)
    .bind(now)
    .execute(db.pool())
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            Error::Conflict("notification preferences exist".into())
        }
        _ => Error::Database(e),
    })?;
    Ok(preferences.clone())
}

/// Replaces the preferences, creating them when missing (update-notification-preferences).
pub async fn upsert(
    db: &Db,
    store_id: &str,
    user_id: &str,
    preferences: &NotificationPreferences,
) -> Result<NotificationPreferences> {
    let now = util::now_secs();
    sqlx::query(
        "INSERT INTO notification_preferences (store_id, user_id, preferences, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (store_id, user_id) \
         DO UPDATE SET preferences = excluded.preferences, updated_at = excluded.updated_at",
    )
    .bind(store_id)
    .bind(user_id)
    .bind(serde_json::to_string(preferences)?)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(preferences.clone())
}
