//! The client crate: one method per operation, grouped by tag, over the client runtime.

use super::{Context, OutputFile};
use crate::error::Result;
use crate::model::Model;

/// The files of the client crate, under `<name>-client/`.
pub fn crate_files(_model: &Model, _ctx: &Context) -> Result<Vec<OutputFile>> {
    Ok(Vec::new())
}
