//! The operations tagged `Catalog`.

use super::App;

impl storefront_server::Catalog for App {}
