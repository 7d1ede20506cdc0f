//! The operations tagged `Helpers`.

use super::App;

impl storefront_server::Helpers for App {}
