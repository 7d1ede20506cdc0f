//! The `Server` enum: the spec's `servers`, their variables as fields.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::docs;
use crate::emit::rust::doc_attrs;
use crate::model::{Model, Server};

/// `Server::Production { store_id: "your-store-id".into() }`: the server with its defaults, as
/// code for docs.
pub fn example_expr(model: &Model, s: &Server) -> String {
    let i = model
        .servers
        .iter()
        .position(|x| x == s)
        .unwrap_or_default();
    let name = &model.servers[i].rust_name;
    if s.variables.is_empty() {
        return format!("Server::{name}");
    }
    let fields: Vec<String> = s
        .variables
        .iter()
        .zip(s.variables.iter().map(|v| v.rust_name.clone()))
        .map(|(v, n)| format!("{n}: {:?}.into()", v.default))
        .collect();
    format!("Server::{name} {{ {} }}", fields.join(", "))
}

/// The `Server` enum, its `url()` and its `Default` (the first server with its defaults).
pub fn server_enum(model: &Model) -> TokenStream {
    let names: Vec<&str> = model.servers.iter().map(|s| s.rust_name.as_str()).collect();
    let mut variants = Vec::new();
    let mut url_arms = Vec::new();
    for (s, name) in model.servers.iter().zip(&names) {
        let v = format_ident!("{}", name);
        let doc = doc_attrs(
            &docs::paragraphs([s.description.as_deref(), Some(&format!("`{}`", s.url))])
                .unwrap_or_default(),
        );
        let vars: Vec<String> = s.variables.iter().map(|v| v.rust_name.clone()).collect();
        let mut template = s.url.replace('{', "{{").replace('}', "}}");
        for (var, rust) in s.variables.iter().zip(&vars) {
            template = template.replace(&format!("{{{{{}}}}}", var.name), &format!("{{{rust}}}"));
        }
        if vars.is_empty() {
            variants.push(quote!(#doc #v));
            let url = &s.url;
            url_arms.push(quote!(Server::#v => #url.to_owned()));
        } else {
            let fields = s.variables.iter().zip(&vars).map(|(var, rust)| {
                let id = format_ident!("{}", rust);
                let mut text = var
                    .description
                    .clone()
                    .unwrap_or_else(|| format!("`{}`.", var.name));
                text.push_str(&format!("\n\nDefault: `{}`.", var.default));
                if !var.values.is_empty() {
                    let values: Vec<String> = var.values.iter().map(|v| format!("`{v}`")).collect();
                    text.push_str(&format!(" One of {}.", values.join(", ")));
                }
                let doc = doc_attrs(&docs::sanitize(&text));
                quote!(#doc #id: String)
            });
            variants.push(quote!(#doc #v { #(#fields),* }));
            let ids: Vec<_> = vars.iter().map(|r| format_ident!("{}", r)).collect();
            url_arms.push(quote!(Server::#v { #(#ids),* } => format!(#template)));
        }
    }
    let default = match model.servers.first().zip(names.first()) {
        None => quote!(),
        Some((s, name)) => {
            let v = format_ident!("{}", name);
            let body = if s.variables.is_empty() {
                quote!(Server::#v)
            } else {
                let fields = s
                    .variables
                    .iter()
                    .zip(s.variables.iter().map(|v| v.rust_name.clone()))
                    .map(|(var, rust)| {
                        let id = format_ident!("{}", rust);
                        let d = &var.default;
                        quote!(#id: #d.to_owned())
                    });
                quote!(Server::#v { #(#fields),* })
            };
            quote! {
                impl Default for Server {
                    /// The first server of the spec, with its variables' defaults.
                    fn default() -> Self {
                        #body
                    }
                }
            }
        }
    };
    quote! {
        /// The servers of the API (its `servers`); [`Server::url`] gives the base URL.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Server {
            #(#variants,)*
            /// Any other base URL.
            Custom(String),
        }

        impl Server {
            /// The base URL.
            pub fn url(&self) -> String {
                match self {
                    #(#url_arms,)*
                    Server::Custom(url) => url.clone(),
                }
            }
        }

        #default
    }
}
