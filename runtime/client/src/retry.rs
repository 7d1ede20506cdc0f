//! Retry policy: when to retry, and how long to wait.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

/// When and how requests are retried.
///
/// - Idempotent requests (every method but `POST` and `PATCH`) are retried after connection
///   errors, timeouts and other transport failures, and on `429` and `5xx` (but `501` and
///   `505`, which do not go away).
/// - Other requests are retried only when they cannot have reached the server (the
///   connection failed) and on `429` and `503`, which say the request was not processed.
///
/// The wait before retry *n* (1-based) is random in `[0, min(max_backoff, initial_backoff *
/// 2^(n-1))]` ("full jitter"), or the response's `Retry-After` (seconds or an HTTP date) when
/// it has one; a `Retry-After` longer than `max_retry_after` ends the retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1: no retries).
    pub max_attempts: u32,
    /// Upper bound of the first wait.
    pub initial_backoff: Duration,
    /// Cap of every wait computed by backoff.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a longer one is not waited for.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Sets the number of attempts (the first included).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets the first backoff bound and the cap.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// Sets the longest `Retry-After` honoured.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Whether a response with `status` is worth retrying.
    pub fn retry_status(status: StatusCode, idempotent: bool) -> bool {
        match status.as_u16() {
            429 | 503 => true,
            501 | 505 => false,
            500..=599 => idempotent,
            _ => false,
        }
    }

    /// The backoff bound before retry `retry` (1-based), before jitter.
    pub fn backoff_bound(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// The wait before retry `retry` (1-based): random up to [`RetryPolicy::backoff_bound`].
    pub fn backoff_delay(&self, retry: u32) -> Duration {
        let bound = self.backoff_bound(retry).as_nanos() as u64;
        if bound == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random_u64() % (bound + 1))
    }
}

/// A random number from the standard library's per-process hash keys (no extra crate).
fn random_u64() -> u64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.finish()
}

/// The `Retry-After` of a response: delay-seconds or an HTTP date (`None` if absent or bad).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_secs(1));
        assert_eq!(p.backoff_bound(1), Duration::from_millis(100));
        assert_eq!(p.backoff_bound(2), Duration::from_millis(200));
        assert_eq!(p.backoff_bound(4), Duration::from_millis(800));
        assert_eq!(p.backoff_bound(5), Duration::from_secs(1));
        assert_eq!(p.backoff_bound(60), Duration::from_secs(1));
        for retry in 1..10 {
            assert!(p.backoff_delay(retry) <= p.backoff_bound(retry));
        }
    }

    #[test]
    fn retryable_statuses() {
        let s = |c| StatusCode::from_u16(c).unwrap();
        assert!(RetryPolicy::retry_status(s(503), false));
        assert!(RetryPolicy::retry_status(s(429), false));
        assert!(!RetryPolicy::retry_status(s(500), false));
        assert!(RetryPolicy::retry_status(s(500), true));
        assert!(RetryPolicy::retry_status(s(502), true));
        assert!(!RetryPolicy::retry_status(s(501), true));
        assert!(!RetryPolicy::retry_status(s(400), true));
        assert!(!RetryPolicy::retry_status(s(404), true));
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let mut h = HeaderMap::new();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(retry_after(&h, now), None);
        h.insert(http::header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(12));
        h.insert(http::header::RETRY_AFTER, later.parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(12)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(12));
        h.insert(http::header::RETRY_AFTER, past.parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert(http::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h, now), None);
    }
}
