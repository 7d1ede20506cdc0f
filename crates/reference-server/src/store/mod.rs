//! The repository layer: one module per area, async functions on [`Db`](crate::db::Db).
//!
//! Every function takes the store id explicitly and every query is scoped by it, so one
//! store's data is never visible from another.

pub mod catalog;
pub mod commerce;
pub mod geo;
pub mod otps;
pub mod preferences;
pub mod reviews;
pub mod stores;
pub mod tokens;
pub mod users;
