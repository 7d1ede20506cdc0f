//! The `Server` enum: the spec's `servers`, their variables as fields.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::docs;
use crate::emit::rust::doc_attrs;
use crate::model::{Model, Server};
use crate::names::{self, NameSet};

/// Variant names of the servers: a one-word description (`Production.`), else the first label
/// of the host (`staging` of `staging.example.com`; `Local` for an IP address or `localhost`),
/// else `Server<n>`; unique.
pub fn server_names(servers: &[Server]) -> Vec<String> {
    let mut taken = NameSet::with_taken(["Custom"]);
    servers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let word = s
                .description
                .as_deref()
                .map(|d| d.trim().trim_end_matches('.'))
                .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_alphanumeric()));
            let host = s
                .url
                .split("://")
                .nth(1)
                .unwrap_or_default()
                .split(['/', ':'])
                .next()
                .unwrap_or_default();
            let label = host.split('.').next().unwrap_or_default();
            let name = if let Some(word) = word {
                names::type_name(word)
            } else if host == "localhost"
                || host.starts_with('[')
                || host
                    .split('.')
                    .all(|p| p.chars().all(|c| c.is_ascii_digit()))
                    && !host.is_empty()
            {
                "Local".to_owned()
            } else if !label.is_empty() && !label.contains('{') {
                names::type_name(label)
            } else {
                format!("Server{}", i + 1)
            };
            taken.take(&name)
        })
        .collect()
}

/// Rust names of a server's variables.
fn variable_names(s: &Server) -> Vec<String> {
    let mut taken = NameSet::default();
    s.variables
        .iter()
        .map(|v| taken.take(&names::field_name(&v.name)))
        .collect()
}

/// `Server::Production { store_id: "your-store-id".into() }`: the server with its defaults, as
/// code for docs.
pub fn example_expr(model: &Model, s: &Server) -> String {
    let i = model
        .servers
        .iter()
        .position(|x| x == s)
        .unwrap_or_default();
    let name = &server_names(&model.servers)[i];
    if s.variables.is_empty() {
        return format!("Server::{name}");
    }
    let fields: Vec<String> = s
        .variables
        .iter()
        .zip(variable_names(s))
        .map(|(v, n)| format!("{n}: {:?}.into()", v.default))
        .collect();
    format!("Server::{name} {{ {} }}", fields.join(", "))
}

/// The `Server` enum, its `url()` and its `Default` (the first server with its defaults).
pub fn server_enum(model: &Model) -> TokenStream {
    let names = server_names(&model.servers);
    let mut variants = Vec::new();
    let mut url_arms = Vec::new();
    for (s, name) in model.servers.iter().zip(&names) {
        let v = format_ident!("{}", name);
        let doc = doc_attrs(
            &docs::paragraphs([s.description.as_deref(), Some(&format!("`{}`", s.url))])
                .unwrap_or_default(),
        );
        let vars = variable_names(s);
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
                    .zip(variable_names(s))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn server(url: &str, description: Option<&str>) -> Server {
        Server {
            url: url.to_owned(),
            description: description.map(str::to_owned),
            variables: Vec::new(),
        }
    }

    #[test]
    fn names_from_descriptions_hosts_and_positions() {
        let servers = [
            server("https://prod.example.com/v1", Some("Production.")),
            server(
                "https://staging.example.com/v1",
                Some("The staging server."),
            ),
            server("http://127.0.0.1:8080", Some("A local server.")),
            server("http://localhost:8080", None),
            server("https://{region}.example.com", None),
            server("https://custom.example.com", None),
        ];
        assert_eq!(
            server_names(&servers),
            [
                "Production",
                "Staging",
                "Local",
                "Local2",
                "Server5",
                "Custom2"
            ]
        );
    }
}
