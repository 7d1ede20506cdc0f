//! Integration tests of the storage layer, security flows and seed data, each run against
//! SQLite and PostgreSQL (see `support`).

mod api_auth;
mod api_catalog;
mod api_service;
mod auth;
mod catalog;
mod db;
mod server;
mod support;
