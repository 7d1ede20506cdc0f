//! The server crate: one trait per tag and an axum router, over the server runtime.

use super::{Context, OutputFile};
use crate::error::Result;
use crate::model::Model;

/// The files of the server crate, under `<name>-server/`.
pub fn crate_files(_model: &Model, _ctx: &Context) -> Result<Vec<OutputFile>> {
    Ok(Vec::new())
}
