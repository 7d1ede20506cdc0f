//! Integration tests of the storage layer, security flows and seed data, each run against
//! SQLite and PostgreSQL (see `support`).

mod auth;
mod catalog;
mod db;
mod support;
