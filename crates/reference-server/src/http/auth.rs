//! The operations tagged `Auth`.

use super::App;

impl storefront_server::Auth for App {}
