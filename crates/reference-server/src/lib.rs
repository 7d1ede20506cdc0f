#![warn(missing_docs)]
//! Reference backend of the Commerce Engine Storefront API: its storage layer, security
//! primitives and demo data.
pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod security;
pub mod seed;
pub mod store;
pub mod util;
