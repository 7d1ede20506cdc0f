//! One-time passwords: 6-digit codes from the OS CSPRNG, and the senders that deliver them.
//!
//! Storage, expiry, attempts and single use are in [`crate::store::otps`]; the flows that use
//! them are in [`crate::auth`].

use std::io::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::util;

/// Number of digits of a code.
pub const CODE_DIGITS: usize = 6;

/// A new uniformly random 6-digit code (leading zeros kept).
pub fn generate_code() -> Result<String> {
    // Rejection sampling: values at or above the largest multiple of 10^6 would bias the result.
    const RANGE: u32 = 1_000_000;
    const LIMIT: u32 = u32::MAX - (u32::MAX % RANGE);
    loop {
        let mut buf = [0u8; 4];
        util::random_bytes(&mut buf)?;
        let value = u32::from_le_bytes(buf);
        if value < LIMIT {
            return Ok(format!("{:06}", value % RANGE));
        }
    }
}

/// The stored hash of `code` for the OTP with this id (the SHA-256 of the otp_token), so that
/// equal codes of different OTPs hash differently.
pub fn hash_code(otp_id: &str, code: &str) -> String {
    util::sha256_hex(&format!("{otp_id}:{code}"))
}

/// Whether `code` looks like a code at all (6 ASCII digits).
pub fn is_well_formed(code: &str) -> bool {
    code.len() == CODE_DIGITS && code.bytes().all(|b| b.is_ascii_digit())
}

/// An OTP to deliver.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OtpMessage {
    /// `email`, `sms` or `whatsapp`.
    pub channel: String,
    /// Email address or phone number.
    pub destination: String,
    /// The code.
    pub code: String,
    /// What the code is for (`login`, `register`, ...).
    pub action: String,
    /// When it was sent, RFC 3339.
    pub at: String,
}

/// Delivers OTPs. Implementations must not log the code outside development mode.
pub trait OtpSender: Send + Sync + std::fmt::Debug {
    /// Delivers one OTP.
    fn send(&self, message: &OtpMessage) -> Result<()>;
}

/// Logs each OTP with `tracing`; the code itself only when `debug` (development mode) is on.
#[derive(Clone, Debug)]
pub struct LogSender {
    /// Whether the code may be logged.
    pub debug: bool,
}

impl OtpSender for LogSender {
    fn send(&self, message: &OtpMessage) -> Result<()> {
        if self.debug {
            tracing::info!(
                channel = %message.channel,
                destination = %message.destination,
                action = %message.action,
                code = %message.code,
                "OTP sent (development mode)"
            );
        } else {
            tracing::info!(
                channel = %message.channel,
                action = %message.action,
                "OTP sent"
            );
        }
        Ok(())
    }
}

/// Appends one JSON line per OTP, `{"channel","destination","code","action","at"}`, to a file
/// (for end-to-end tests and local development).
#[derive(Clone, Debug)]
pub struct OutboxSender {
    /// The file; created when missing.
    pub path: PathBuf,
}

impl OtpSender for OutboxSender {
    fn send(&self, message: &OtpMessage) -> Result<()> {
        let mut line = serde_json::to_string(message)?;
        line.push('\n');
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| Error::Internal(format!("opening the OTP outbox: {e}")))?;
        // One write of the whole line: appends of one small buffer do not interleave.
        file.write_all(line.as_bytes())
            .map_err(|e| Error::Internal(format!("writing the OTP outbox: {e}")))
    }
}

/// Sends through several senders in turn (for example log and outbox).
#[derive(Debug)]
pub struct FanOutSender(pub Vec<Box<dyn OtpSender>>);

impl OtpSender for FanOutSender {
    fn send(&self, message: &OtpMessage) -> Result<()> {
        self.0.iter().try_for_each(|sender| sender.send(message))
    }
}

/// Keeps every OTP in memory (for tests of the flows that need the code).
#[derive(Debug, Default)]
pub struct MemorySender {
    messages: std::sync::Mutex<Vec<OtpMessage>>,
}

impl MemorySender {
    /// Every OTP sent so far, oldest first.
    pub fn messages(&self) -> Vec<OtpMessage> {
        self.messages.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// The code of the latest OTP sent to `destination`.
    pub fn last_code(&self, destination: &str) -> Option<String> {
        self.messages()
            .into_iter()
            .rev()
            .find(|m| m.destination == destination)
            .map(|m| m.code)
    }
}

impl OtpSender for MemorySender {
    fn send(&self, message: &OtpMessage) -> Result<()> {
        self.messages
            .lock()
            .map_err(|_| Error::Internal("OTP memory poisoned".into()))?
            .push(message.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: std::collections::HashSet<_> =
            (0..50).map(|_| generate_code().unwrap()).collect();
        assert!(codes.iter().all(|c| is_well_formed(c)));
        assert!(codes.len() > 40);
    }

    #[test]
    fn hash_depends_on_id_and_code() {
        assert_ne!(hash_code("a", "123456"), hash_code("b", "123456"));
        assert_ne!(hash_code("a", "123456"), hash_code("a", "123457"));
        assert!(!is_well_formed("12345"));
        assert!(!is_well_formed("12345a"));
    }

    #[test]
    fn outbox_writes_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let sender = OutboxSender {
            path: dir.path().join("outbox.jsonl"),
        };
        for code in ["000001", "000002"] {
            sender
                .send(&OtpMessage {
                    channel: "email".into(),
                    destination: "a@example.com".into(),
                    code: code.into(),
                    action: "login".into(),
                    at: "2026-01-01T00:00:00Z".into(),
                })
                .unwrap();
        }
        let text = std::fs::read_to_string(&sender.path).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["code"], "000002");
        assert_eq!(lines[0]["channel"], "email");
        assert!(lines[0]["at"].is_string());
    }
}
