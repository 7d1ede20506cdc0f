//! Small helpers: ids, random tokens, hashing, time.

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Fills `buf` from the operating system's CSPRNG.
pub fn random_bytes(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| Error::Internal(format!("random source: {e}")))
}

/// A random URL-safe token of `bytes` random bytes, hex encoded.
pub fn random_token(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    random_bytes(&mut buf)?;
    Ok(hex(&buf))
}

/// A new ULID (26 characters of Crockford base32: 48 bits of milliseconds, 80 random bits).
pub fn new_ulid() -> Result<String> {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut random = [0u8; 10];
    random_bytes(&mut random)?;
    let millis = u128::try_from(now_millis().max(0)).unwrap_or(0) & ((1u128 << 48) - 1);
    let mut value = millis << 80;
    for (i, byte) in random.iter().enumerate() {
        value |= u128::from(*byte) << (8 * (9 - i));
    }
    let mut out = [0u8; 26];
    for (i, slot) in out.iter_mut().enumerate() {
        let shift = 5 * (25 - i);
        *slot = ALPHABET[((value >> shift) & 0x1f) as usize];
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// SHA-256 of `value`, hex encoded. Used to store tokens and OTP codes without the secret itself.
pub fn sha256_hex(value: &str) -> String {
    hex(&Sha256::digest(value.as_bytes()))
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Now, as unix seconds.
pub fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Now, as unix milliseconds.
pub fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Unix seconds as an RFC 3339 string (`None` when out of range).
pub fn rfc3339(secs: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Unix seconds as a UTC date-time (the epoch when out of range).
pub fn datetime(secs: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// Rounds to 2 decimal places (money).
pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// A stored amount as the exact decimal it was written as (the shortest decimal that reads
/// back as the same `f64`: `19.99`, not `19.989999999999998`).
pub fn money(value: f64) -> rust_decimal::Decimal {
    value.to_string().parse().unwrap_or_default()
}

/// Rounds an amount to 2 decimal places, halves away from zero.
pub fn round_money(value: rust_decimal::Decimal) -> rust_decimal::Decimal {
    value.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulids_are_26_chars_and_unique() {
        let a = new_ulid().unwrap();
        let b = new_ulid().unwrap();
        assert_eq!(a.len(), 26);
        assert_ne!(a, b);
    }

    #[test]
    fn constant_time_eq_works() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
