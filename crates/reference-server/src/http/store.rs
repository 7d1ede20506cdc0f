//! The operations tagged `Store`.

use super::App;

impl storefront_server::Store for App {}
