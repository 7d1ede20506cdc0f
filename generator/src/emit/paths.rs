//! How generated code names what it uses: the types, their `support` module and the runtime
//! crate. One value for the client and the server emitters, so that code generated into a
//! crate of its own and code included into another (the fixture tests) differ only here.

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::{Error, Result};

/// The paths generated code uses for the types, their support module and the runtime.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The types (`storefront_types`, `super::types`, `crate::cases::pets`).
    pub types: TokenStream,
    /// `types` in doc links.
    pub types_doc: String,
    /// The types' `support` module.
    pub support: TokenStream,
    /// `support` in doc links.
    pub support_doc: String,
    /// The runtime crate (`client_runtime`, `server_runtime`).
    pub runtime: TokenStream,
    /// `runtime` in doc links.
    pub runtime_doc: String,
}

impl Paths {
    /// The paths of a client tag module: the types in `super::types`, the given support
    /// module, and `client_runtime`.
    pub fn client(support: TokenStream, support_doc: &str) -> Paths {
        Paths {
            types: quote!(super::types),
            types_doc: "super::types".to_owned(),
            support,
            support_doc: support_doc.to_owned(),
            runtime: quote!(client_runtime),
            runtime_doc: "client_runtime".to_owned(),
        }
    }

    /// The paths of server code, from their text (`crate::cases::pets`, `crate::support`),
    /// with `server_runtime`. An error when one is not a Rust path.
    pub fn server(types: &str, support: &str) -> Result<Paths> {
        Ok(Paths {
            types: parse(types)?,
            types_doc: types.to_owned(),
            support: parse(support)?,
            support_doc: support.to_owned(),
            runtime: quote!(server_runtime),
            runtime_doc: "server_runtime".to_owned(),
        })
    }
}

/// A Rust path from its text.
fn parse(path: &str) -> Result<TokenStream> {
    syn::parse_str::<syn::Path>(path)
        .map(|p| quote!(#p))
        .map_err(|e| Error::Emit {
            context: "paths".to_owned(),
            message: format!("`{path}`: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_paths_parse_their_text() {
        let p = Paths::server("crate::cases::pets", "crate::support").unwrap();
        assert_eq!(p.types.to_string(), "crate :: cases :: pets");
        assert_eq!(p.runtime.to_string(), "server_runtime");
        assert_eq!(p.support_doc, "crate::support");
    }

    #[test]
    fn a_path_that_is_not_rust_is_an_error() {
        let err = Paths::server("crate::1bad", "crate::support").unwrap_err();
        assert!(err.to_string().contains("crate::1bad"), "{err}");
    }
}
