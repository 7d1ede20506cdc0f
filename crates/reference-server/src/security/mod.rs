//! Security primitives: password hashing, JWTs, one-time passwords.

pub mod jwt;
pub mod otp;
pub mod password;
