//! The one error type of the crate.

/// An error of a storage or auth operation. The HTTP layer maps each variant to a status:
/// `NotFound` 404, `Unauthorized` 401, `Forbidden` 403, `Conflict` 409, `BadRequest` 400,
/// `TooManyAttempts` 429, everything else 500.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The resource (named in the message) does not exist in this store.
    #[error("not found: {0}")]
    NotFound(String),
    /// Missing, invalid or expired credentials (token, password, OTP).
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// Valid credentials, but the action is not allowed (for example a deactivated account).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The resource already exists (email or phone taken, review already written, ...).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The input is invalid; the message says why.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// An OTP was tried too many times and is locked.
    #[error("too many attempts: {0}")]
    TooManyAttempts(String),
    /// A database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored JSON column could not be read or written.
    #[error("stored JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
    /// Any other internal failure (random source, password hashing, token signing, I/O).
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// A `BadRequest` with this message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest(message.into())
    }

    /// A `NotFound` naming what was not found.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }

    /// An `Unauthorized` with this message.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::Unauthorized(message.into())
    }

    /// The HTTP status for this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound(_) => 404,
            Self::Unauthorized(_) => 401,
            Self::Forbidden(_) => 403,
            Self::Conflict(_) => 409,
            Self::BadRequest(_) => 400,
            Self::TooManyAttempts(_) => 429,
            Self::Database(_) | Self::Migrate(_) | Self::Json(_) | Self::Internal(_) => 500,
        }
    }

    /// The message to show a client: the reason for 4xx errors, a generic text for 5xx ones
    /// (whose details belong in the server log only).
    pub fn public_message(&self) -> String {
        match self {
            Self::NotFound(m)
            | Self::Unauthorized(m)
            | Self::Forbidden(m)
            | Self::Conflict(m)
            | Self::BadRequest(m)
            | Self::TooManyAttempts(m) => m.clone(),
            _ => "internal server error".to_owned(),
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_public_messages() {
        assert_eq!(Error::not_found("product x").status(), 404);
        assert_eq!(Error::TooManyAttempts("locked".into()).status(), 429);
        let internal = Error::Internal("secret detail".into());
        assert_eq!(internal.status(), 500);
        assert_eq!(internal.public_message(), "internal server error");
        assert_eq!(
            Error::bad_request("limit too big").public_message(),
            "limit too big"
        );
    }
}
