//! The Commerce Engine Storefront API in Rust: the generated client, plus what the official SDK
//! adds by hand (a session layer: token storage, refresh, anonymous sessions).
