//! Command-line and environment configuration.

use std::path::PathBuf;
use std::time::Duration;

/// Whether the server runs for development (OTP debug mode: codes may be returned and logged)
/// or production (codes are never logged nor returned).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// OTP debug mode on.
    Development,
    /// OTP debug mode off; OTP codes never appear in logs.
    Production,
}

/// The reference server's configuration. Every flag can also be set by an environment variable
/// with the `STOREFRONT_` prefix (for example `STOREFRONT_DATABASE_URL`).
#[derive(Clone, clap::Parser)]
#[command(
    name = "reference-server",
    version,
    about = "Reference backend of the Storefront API"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "STOREFRONT_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Database URL: `sqlite://FILE?mode=rwc`, `sqlite::memory:` or `postgres://...`.
    #[arg(
        long,
        env = "STOREFRONT_DATABASE_URL",
        default_value = "sqlite://reference-server.db?mode=rwc"
    )]
    pub database_url: String,
    /// Id of the store that the demo data is seeded into.
    #[arg(long, env = "STOREFRONT_STORE_ID", default_value = "demo")]
    pub store_id: String,
    /// API key of the seeded store; by default generated once and kept in the database.
    #[arg(long, env = "STOREFRONT_API_KEY")]
    pub api_key: Option<String>,
    /// Secret that signs JWTs (HS256); by default generated once and kept in the database, so that
    /// several instances on one database share it.
    #[arg(long, env = "STOREFRONT_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// `development` (OTP debug mode) or `production`.
    #[arg(long, env = "STOREFRONT_MODE", value_enum, default_value_t = Mode::Development)]
    pub mode: Mode,
    /// File that receives one JSON line per OTP sent (for tests and local development).
    #[arg(long, env = "STOREFRONT_OTP_OUTBOX")]
    pub otp_outbox: Option<PathBuf>,
    /// Access token lifetime in seconds.
    #[arg(long, env = "STOREFRONT_ACCESS_TOKEN_TTL", default_value_t = 3600)]
    pub access_token_ttl_secs: u64,
    /// Refresh token lifetime in seconds (default 30 days).
    #[arg(long, env = "STOREFRONT_REFRESH_TOKEN_TTL", default_value_t = 30 * 24 * 3600)]
    pub refresh_token_ttl_secs: u64,
    /// OTP lifetime in seconds (default 10 minutes).
    #[arg(long, env = "STOREFRONT_OTP_TTL", default_value_t = 600)]
    pub otp_ttl_secs: u64,
    /// How many wrong codes lock an OTP.
    #[arg(long, env = "STOREFRONT_OTP_MAX_ATTEMPTS", default_value_t = 5)]
    pub otp_max_attempts: u32,
}

impl Config {
    /// Access token lifetime.
    pub fn access_token_ttl(&self) -> Duration {
        Duration::from_secs(self.access_token_ttl_secs)
    }

    /// Refresh token lifetime.
    pub fn refresh_token_ttl(&self) -> Duration {
        Duration::from_secs(self.refresh_token_ttl_secs)
    }

    /// OTP lifetime.
    pub fn otp_ttl(&self) -> Duration {
        Duration::from_secs(self.otp_ttl_secs)
    }

    /// Whether OTP debug mode is on (development mode).
    pub fn otp_debug(&self) -> bool {
        self.mode == Mode::Development
    }
}

impl std::fmt::Debug for Config {
    /// Secrets (API key, JWT secret) are redacted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("database_url", &self.database_url)
            .field("store_id", &self.store_id)
            .field("api_key", &redacted(&self.api_key))
            .field("jwt_secret", &redacted(&self.jwt_secret))
            .field("mode", &self.mode)
            .field("otp_outbox", &self.otp_outbox)
            .field("access_token_ttl_secs", &self.access_token_ttl_secs)
            .field("refresh_token_ttl_secs", &self.refresh_token_ttl_secs)
            .field("otp_ttl_secs", &self.otp_ttl_secs)
            .field("otp_max_attempts", &self.otp_max_attempts)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser as _;

    #[test]
    fn defaults() {
        let config = Config::try_parse_from(["reference-server"]).unwrap();
        assert_eq!(config.addr, "127.0.0.1:8080");
        assert_eq!(config.store_id, "demo");
        assert_eq!(config.mode, Mode::Development);
        assert_eq!(config.access_token_ttl(), Duration::from_secs(3600));
        assert_eq!(config.refresh_token_ttl(), Duration::from_secs(30 * 86400));
        assert_eq!(config.otp_ttl(), Duration::from_secs(600));
        assert_eq!(config.otp_max_attempts, 5);
    }

    #[test]
    fn debug_redacts_secrets() {
        let config = Config::try_parse_from([
            "reference-server",
            "--jwt-secret",
            "s3cret",
            "--api-key",
            "k3y",
        ])
        .unwrap();
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("k3y"),
            "{shown}"
        );
    }

    #[test]
    fn flags() {
        let config = Config::try_parse_from([
            "reference-server",
            "--mode",
            "production",
            "--database-url",
            "sqlite::memory:",
        ])
        .unwrap();
        assert_eq!(config.mode, Mode::Production);
        assert!(!config.otp_debug());
        assert_eq!(config.database_url, "sqlite::memory:");
    }
}
