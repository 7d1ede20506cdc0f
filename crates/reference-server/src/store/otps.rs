//! One-time passwords as stored: the code hashed, with attempts, expiry and single use.

use sqlx::Row as _;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::util;

/// An OTP as stored. `id` is the SHA-256 of the `otp_token` handed to the client; the code is
/// kept only as a SHA-256 keyed by that token.
#[derive(Clone, Debug, PartialEq)]
pub struct OtpRecord {
    /// SHA-256 of the otp_token.
    pub id: String,
    /// Store.
    pub store_id: String,
    /// `email`, `sms` or `whatsapp`.
    pub channel: String,
    /// Normalised email or phone the code was sent to.
    pub destination: String,
    /// Hash of the code (see [`crate::security::otp::hash_code`]).
    pub code_hash: String,
    /// `login`, `register`, `reset-password`, `verify-email`, ...
    pub action: String,
    /// The user that asked for it (session user), if any.
    pub user_id: Option<String>,
    /// Wrong codes tried so far.
    pub attempts: i64,
    /// Wrong codes that lock it.
    pub max_attempts: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// When it was used; a used OTP never verifies again.
    pub used_at: Option<i64>,
    /// JSON with what the action needs (pending registration data, target user id).
    pub payload: serde_json::Value,
}

/// Stores an OTP.
pub async fn insert(db: &Db, otp: &OtpRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO otps (id, store_id, channel, destination, code_hash, action, user_id, attempts, max_attempts, \
         created_at, expires_at, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&otp.id)
    .bind(&otp.store_id)
    .bind(&otp.channel)
    .bind(&otp.destination)
    .bind(&otp.code_hash)
    .bind(&otp.action)
    .bind(&otp.user_id)
    .bind(otp.attempts)
    .bind(otp.max_attempts)
    .bind(util::now_secs())
    .bind(otp.expires_at)
    .bind(serde_json::to_string(&otp.payload)?)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The OTP with this id in the store, if any.
pub async fn find(db: &Db, store_id: &str, id: &str) -> Result<Option<OtpRecord>> {
    let row = sqlx::query(
        "SELECT id, store_id, channel, destination, code_hash, action, user_id, attempts, max_attempts, expires_at, \
         used_at, payload FROM otps WHERE store_id = $1 AND id = $2",
    )
    .bind(store_id)
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| {
        Ok(OtpRecord {
            id: row.try_get("id")?,
            store_id: row.try_get("store_id")?,
            channel: row.try_get("channel")?,
            destination: row.try_get("destination")?,
            code_hash: row.try_get("code_hash")?,
            action: row.try_get("action")?,
            user_id: row.try_get("user_id")?,
            attempts: row.try_get("attempts")?,
            max_attempts: row.try_get("max_attempts")?,
            expires_at: row.try_get("expires_at")?,
            used_at: row.try_get("used_at")?,
            payload: serde_json::from_str(&row.try_get::<String, _>("payload")?)?,
        })
    })
    .transpose()
}

/// Counts one wrong attempt, atomically; returns the attempts after it.
pub async fn record_failure(db: &Db, store_id: &str, id: &str) -> Result<i64> {
    sqlx::query("UPDATE otps SET attempts = attempts + 1 WHERE store_id = $1 AND id = $2")
        .bind(store_id)
        .bind(id)
        .execute(db.pool())
        .await?;
    let row = sqlx::query("SELECT attempts FROM otps WHERE store_id = $1 AND id = $2")
        .bind(store_id)
        .bind(id)
        .fetch_one(db.pool())
        .await?;
    Ok(row.try_get("attempts")?)
}

/// Marks the OTP used, atomically: `Unauthorized` when it was used, locked or expired in the
/// meantime, so that a code verifies at most once even with concurrent requests.
pub async fn consume(db: &Db, store_id: &str, id: &str) -> Result<()> {
    let now = util::now_secs();
    let done = sqlx::query(
        "UPDATE otps SET used_at = $1 WHERE store_id = $2 AND id = $3 AND used_at IS NULL \
         AND attempts < max_attempts AND expires_at > $1",
    )
    .bind(now)
    .bind(store_id)
    .bind(id)
    .execute(db.pool())
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(Error::unauthorized("OTP already used or expired"))
    }
}

/// Deletes OTPs that expired before `before` (unix seconds); returns how many.
pub async fn delete_expired(db: &Db, before: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM otps WHERE expires_at < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}
