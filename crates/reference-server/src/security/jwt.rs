//! HS256 JWTs: access tokens carrying the session's claims, and refresh tokens identified by a
//! unique `jti` (stored hashed so that they can be rotated and revoked).

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// `token_type` of access tokens.
pub const ACCESS: &str = "access";
/// `token_type` of refresh tokens.
pub const REFRESH: &str = "refresh";

/// Claims of an access token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user id (ULID).
    pub ulid: String,
    /// Whether the user is anonymous.
    pub is_anonymous: bool,
    /// Whether the user is signed in.
    pub is_logged_in: bool,
    /// Customer id; only for signed-in users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// The store.
    pub store_id: String,
    /// The anonymous user id the session started as.
    pub anonymous_id: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Issued at, unix seconds.
    pub iat: i64,
    /// Expires at, unix seconds.
    pub exp: i64,
    /// Always [`ACCESS`].
    pub token_type: String,
}

/// Claims of a refresh token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefreshClaims {
    /// The user id (ULID).
    pub ulid: String,
    /// The store.
    pub store_id: String,
    /// Unique id of this token (the key of its `refresh_tokens` row).
    pub jti: String,
    /// Issued at, unix seconds.
    pub iat: i64,
    /// Expires at, unix seconds.
    pub exp: i64,
    /// Always [`REFRESH`].
    pub token_type: String,
}

/// Signing and verification keys for one secret.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys(<redacted>)")
    }
}

impl JwtKeys {
    /// Keys for this HS256 secret.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    fn sign<T: Serialize>(&self, claims: &T) -> Result<String> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| Error::Internal(format!("signing a token: {e}")))
    }

    fn verify<T: for<'de> Deserialize<'de>>(&self, token: &str) -> Result<T> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp"]);
        decode::<T>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    Error::unauthorized("token expired")
                }
                _ => Error::unauthorized("invalid token"),
            })
    }

    /// Signs access claims.
    pub fn sign_access(&self, claims: &AccessClaims) -> Result<String> {
        self.sign(claims)
    }

    /// Signs refresh claims.
    pub fn sign_refresh(&self, claims: &RefreshClaims) -> Result<String> {
        self.sign(claims)
    }

    /// Verifies an access token (signature, expiry, type); `Unauthorized` otherwise.
    pub fn verify_access(&self, token: &str) -> Result<AccessClaims> {
        let claims: AccessClaims = self.verify(token)?;
        if claims.token_type != ACCESS {
            return Err(Error::unauthorized("not an access token"));
        }
        Ok(claims)
    }

    /// Verifies a refresh token (signature, expiry, type); `Unauthorized` otherwise.
    pub fn verify_refresh(&self, token: &str) -> Result<RefreshClaims> {
        let claims: RefreshClaims = self.verify(token)?;
        if claims.token_type != REFRESH {
            return Err(Error::unauthorized("not a refresh token"));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::now_secs;

    fn access(exp: i64) -> AccessClaims {
        AccessClaims {
            ulid: "U1".into(),
            is_anonymous: true,
            is_logged_in: false,
            customer_id: None,
            store_id: "demo".into(),
            anonymous_id: Some("U1".into()),
            email: None,
            phone: None,
            first_name: None,
            last_name: None,
            iat: now_secs(),
            exp,
            token_type: ACCESS.into(),
        }
    }

    #[test]
    fn round_trip_and_claim_names() {
        let keys = JwtKeys::new(b"secret");
        let token = keys.sign_access(&access(now_secs() + 60)).unwrap();
        assert_eq!(keys.verify_access(&token).unwrap().ulid, "U1");
        // The payload carries exactly the documented claim names.
        let payload = token.split('.').nth(1).unwrap();
        let json = base64_url_decode(payload);
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let mut keys_seen: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
        keys_seen.sort();
        assert_eq!(
            keys_seen,
            [
                "anonymous_id",
                "email",
                "exp",
                "first_name",
                "iat",
                "is_anonymous",
                "is_logged_in",
                "last_name",
                "phone",
                "store_id",
                "token_type",
                "ulid"
            ]
        );
    }

    #[test]
    fn wrong_secret_expired_and_wrong_type_are_refused() {
        let keys = JwtKeys::new(b"secret");
        let token = keys.sign_access(&access(now_secs() + 60)).unwrap();
        assert!(matches!(
            JwtKeys::new(b"other").verify_access(&token),
            Err(Error::Unauthorized(_))
        ));
        let expired = keys.sign_access(&access(now_secs() - 10)).unwrap();
        assert!(matches!(
            keys.verify_access(&expired),
            Err(Error::Unauthorized(_))
        ));
        assert!(keys.verify_refresh(&token).is_err());
        assert!(keys.verify_access("garbage").is_err());
    }

    fn base64_url_decode(input: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = Vec::new();
        let mut buffer = 0u32;
        let mut bits = 0;
        for c in input.bytes() {
            let v = ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
            buffer = (buffer << 6) | v;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((buffer >> bits) as u8);
                buffer &= (1 << bits) - 1;
            }
        }
        out
    }
}
