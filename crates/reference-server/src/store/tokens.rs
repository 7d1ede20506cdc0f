//! Refresh tokens: stored hashed, rotated on use; a rotated token used again revokes its family.

use sqlx::Row as _;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::util;

/// A refresh token as stored (never the token itself: its SHA-256).
#[derive(Clone, Debug, PartialEq)]
pub struct RefreshTokenRecord {
    /// The token's unique id (`jti` claim).
    pub jti: String,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// Store of the user.
    pub store_id: String,
    /// The user the token signs in.
    pub user_id: String,
    /// Tokens rotated from one login share a family; reuse revokes the whole family.
    pub family_id: String,
    /// The anonymous user id the session started as.
    pub anonymous_id: Option<String>,
    /// Unix seconds.
    pub expires_at: i64,
    /// When it was exchanged for a new token.
    pub rotated_at: Option<i64>,
    /// The `jti` of the token it was exchanged for.
    pub replaced_by: Option<String>,
    /// When it was revoked (logout, password change, reuse).
    pub revoked_at: Option<i64>,
}

/// Stores a new refresh token.
pub async fn insert(db: &Db, token: &RefreshTokenRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO refresh_tokens (jti, token_hash, store_id, user_id, family_id, anonymous_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&token.jti)
    .bind(&token.token_hash)
    .bind(&token.store_id)
    .bind(&token.user_id)
    .bind(&token.family_id)
    .bind(&token.anonymous_id)
    .bind(util::now_secs())
    .bind(token.expires_at)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The token with this `jti` in the store, if any.
pub async fn find(db: &Db, store_id: &str, jti: &str) -> Result<Option<RefreshTokenRecord>> {
    let row = sqlx::query(
        "SELECT jti, token_hash, store_id, user_id, family_id, anonymous_id, expires_at, rotated_at, replaced_by, revoked_at \
         FROM refresh_tokens WHERE store_id = $1 AND jti = $2",
    )
    .bind(store_id)
    .bind(jti)
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| {
        Ok(RefreshTokenRecord {
            jti: row.try_get("jti")?,
            token_hash: row.try_get("token_hash")?,
            store_id: row.try_get("store_id")?,
            user_id: row.try_get("user_id")?,
            family_id: row.try_get("family_id")?,
            anonymous_id: row.try_get("anonymous_id")?,
            expires_at: row.try_get("expires_at")?,
            rotated_at: row.try_get("rotated_at")?,
            replaced_by: row.try_get("replaced_by")?,
            revoked_at: row.try_get("revoked_at")?,
        })
    })
    .transpose()
}

/// Marks `jti` as rotated into `replaced_by`, atomically: `Unauthorized` when another request
/// rotated or revoked it first (so that one refresh token yields at most one successor).
pub async fn mark_rotated(db: &Db, store_id: &str, jti: &str, replaced_by: &str) -> Result<()> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET rotated_at = $1, replaced_by = $2 \
         WHERE store_id = $3 AND jti = $4 AND rotated_at IS NULL AND revoked_at IS NULL",
    )
    .bind(util::now_secs())
    .bind(replaced_by)
    .bind(store_id)
    .bind(jti)
    .execute(db.pool())
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(Error::unauthorized("refresh token already used"))
    }
}

/// Revokes every token of a family (reuse detected).
pub async fn revoke_family(db: &Db, store_id: &str, family_id: &str) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $1 WHERE store_id = $2 AND family_id = $3 AND revoked_at IS NULL",
    )
    .bind(util::now_secs())
    .bind(store_id)
    .bind(family_id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected())
}

/// Revokes every token of a user (logout, password change, deactivation, login).
pub async fn revoke_user(db: &Db, store_id: &str, user_id: &str) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $1 WHERE store_id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(util::now_secs())
    .bind(store_id)
    .bind(user_id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected())
}

/// Deletes tokens that expired before `before` (unix seconds); returns how many.
pub async fn delete_expired(db: &Db, before: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM refresh_tokens WHERE expires_at < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}
