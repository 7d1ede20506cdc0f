//! The client crate: one method per operation, grouped by tag, over the client runtime.
//!
//! `client.carts().create_cart(body)` gives a builder (`operation.rs`): required inputs are the
//! method's arguments, optional ones the builder's methods, and `.send().await` (or `.await`)
//! sends it through `client-runtime`, which owns transport, retries, hooks and errors. Each tag
//! is a module and a Cargo feature.

mod conformance;
mod operation;
mod servers;

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::Rustfmt;
use super::{rust, templates, Context, OutputFile, Paths};
use crate::error::Result;
use crate::model::tags::Tag;
use crate::model::{Model, Operation, ParamLocation, Prim, SecuritySchemeKind, TypeRef};

/// `1 operation`, `2 operations`.
fn count(n: usize) -> String {
    if n == 1 {
        "1 operation".to_owned()
    } else {
        format!("{n} operations")
    }
}

/// The operations of a tag, in spec order.
fn operations<'a>(tag: &'a Tag, model: &'a Model) -> impl Iterator<Item = &'a Operation> + 'a {
    tag.operations.iter().map(|&i| &model.operations[i])
}

/// The items of a tag's module: the group and every operation.
fn tag_module(tag: &Tag, model: &Model, paths: &Paths) -> TokenStream {
    let group = format_ident!("{}", tag.group);
    let methods = operations(tag, model).map(|op| operation::group_method(op, paths));
    let items = operations(tag, model).map(|op| operation::operation_items(op, model, paths));
    let doc = rust::doc_attrs(&format!(
        "The operations tagged `{}` ({}), from [`Client::{}`](super::Client::{}).",
        tag.name,
        count(tag.operations.len()),
        tag.module,
        tag.module
    ));
    let module_doc = format!(
        " The operations tagged `{}`: their builders and errors.",
        tag.name
    );
    quote! {
        #![doc = #module_doc]

        #doc
        #[derive(Debug, Clone, Copy)]
        pub struct #group<'a> {
            pub(crate) client: &'a client_runtime::Client,
        }

        impl #group<'_> {
            #(#methods)*
        }

        #(#items)*
    }
}

/// The API key's place, from the first API key scheme of the spec.
fn api_key_setting(model: &Model) -> TokenStream {
    for s in &model.security_schemes {
        if let SecuritySchemeKind::ApiKey { location, name } = &s.kind {
            return match location {
                ParamLocation::Query => quote!(.api_key_query(#name)),
                _ => quote!(.api_key_header(#name)),
            };
        }
    }
    quote!()
}

/// The client root: `Client`, `Server`, and the tag accessors.
fn root_items(model: &Model, tags: &[Tag], features: bool, crate_name: &str) -> TokenStream {
    let accessors = tags.iter().map(|t| {
        let module = format_ident!("{}", t.module);
        let group = format_ident!("{}", t.group);
        let feature = &t.module;
        let cfg = if features {
            quote!(#[cfg(feature = #feature)])
        } else {
            quote!()
        };
        let doc = rust::doc_attrs(&format!(
            "The operations tagged `{}` ({}).",
            t.name,
            count(t.operations.len())
        ));
        quote! {
            #cfg
            #doc
            pub fn #module(&self) -> #module::#group<'_> {
                #module::#group { client: &self.client }
            }
        }
    });
    let api_key = api_key_setting(model);
    let base_url = if model.servers.is_empty() {
        quote!()
    } else {
        quote!(.base_url(Server::default().url()))
    };
    let user_agent = format!("{crate_name}/");
    let servers = servers::server_enum(model);
    let title = &model.title;
    let client_doc = rust::doc_attrs(&format!(
        "A client of the {title}: one method per tag, each giving the tag's operations.\n\n\
         Cheap to clone: clones share one connection pool. Build one with [`Client::builder`]."
    ));
    quote! {
        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            client: client_runtime::Client,
        }

        impl From<client_runtime::Client> for Client {
            fn from(client: client_runtime::Client) -> Self {
                Client { client }
            }
        }

        impl Client {
            /// A builder with the spec's first server (and its default variables) as base URL
            /// and the spec's API key header; set the base URL ([`Server::url`]), the
            /// credentials, timeouts, retries and hooks, then `build()`.
            pub fn builder() -> client_runtime::ClientBuilder<Client> {
                client_runtime::ClientBuilder::new()
                    #base_url
                    #api_key
                    .user_agent(concat!(#user_agent, env!("CARGO_PKG_VERSION")))
            }

            /// The runtime client underneath (for hooks and sessions).
            pub fn runtime(&self) -> &client_runtime::Client {
                &self.client
            }

            #(#accessors)*
        }

        #servers
    }
}

/// Whether any parameter uses a type from `chrono` or `uuid`.
fn param_uses(model: &Model) -> (bool, bool) {
    fn has(t: &TypeRef, p: &[Prim]) -> bool {
        match t {
            TypeRef::Prim(x) => p.contains(x),
            TypeRef::Vec(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => has(i, p),
            _ => false,
        }
    }
    let params = || model.operations.iter().flat_map(|o| &o.params);
    (
        params().any(|p| has(&p.ty, &[Prim::DateTime, Prim::Date])),
        params().any(|p| has(&p.ty, &[Prim::Uuid])),
    )
}

/// The quick-start of the crate docs: a call of the first list operation that needs no input,
/// else of the first operation that needs none.
fn example(model: &Model, tags: &[Tag]) -> Option<minijinja::Value> {
    let candidates = || {
        tags.iter()
            .flat_map(|t| operations(t, model).map(move |op| (t, op)))
            .filter(|(_, op)| {
                !op.deprecated
                    && !op.params.iter().any(|p| p.required)
                    && !op.body.as_ref().is_some_and(|b| b.required)
            })
    };
    let is_list = |op: &Operation| op.list.is_some();
    let (tag, op) = candidates()
        .find(|(_, op)| is_list(op))
        .or_else(|| candidates().next())?;
    Some(minijinja::context! {
        module => tag.module,
        method => op.fn_name,
        list => is_list(op),
    })
}

/// The files of the client crate, under `<name>-client/`.
pub fn crate_files(model: &Model, ctx: &Context) -> Result<Vec<OutputFile>> {
    let crate_name = ctx.client_crate();
    let crate_ident = crate_name.replace('-', "_");
    let types_ident = format_ident!("{}", ctx.types_crate().replace('-', "_"));
    let dir = PathBuf::from(&crate_name);
    let tags = &model.tags;
    let paths = Paths::client(quote!(super::types::support), "crate::types::support");
    let (chrono, uuid) = param_uses(model);
    let features: Vec<minijinja::Value> = tags
        .iter()
        .map(|t| {
            minijinja::context! {
                name => t.module,
                tag => t.name,
                operations => count(t.operations.len()),
                number => t.operations.len(),
            }
        })
        .collect();
    let first_server = model
        .servers
        .first()
        .map(|s| servers::example_expr(model, s));
    let template_ctx = minijinja::context! {
        crate_name => crate_name,
        crate_ident => crate_ident,
        types_crate => ctx.types_crate(),
        types_ident => types_ident.to_string(),
        version => ctx.version,
        license => ctx.license,
        title => model.title,
        api_version => model.api_version,
        spec_path => ctx.spec_path,
        command => ctx.command,
        runtime_path => ctx.client_runtime_path,
        features => features,
        operations => model.operations.len(),
        lists => model.operations.iter().filter(|o| o.list.is_some()).count(),
        uses => minijinja::context! { chrono => chrono, uuid => uuid },
        example => example(model, tags),
        server => first_server,
    };
    let doc_lines = templates::crate_doc_lines("client/lib.md", &template_ctx)?;
    let modules = tags.iter().map(|t| {
        let module = format_ident!("{}", t.module);
        let feature = &t.module;
        quote! {
            #[cfg(feature = #feature)]
            pub mod #module;
        }
    });
    let root = root_items(model, tags, true, &crate_name);
    let lib = quote! {
        #(#![doc = #doc_lines])*
        #![warn(missing_docs)]

        pub use client_runtime as runtime;
        pub use client_runtime::{ApiError, Error, RequestOptions, ResponseValue, RetryPolicy};
        pub use #types_ident as types;

        #(#modules)*

        #root
    };
    let header = ctx.rust_header();
    let mut files = super::crate_skeleton(&dir, "client", &template_ctx, &header, lib)?;
    files.push(OutputFile {
        path: dir.join("tests/conformance.rs"),
        contents: rust::format_file(
            &header,
            conformance::test_file(model, &crate_ident, &ctx.spec_path),
            "tests/conformance.rs",
            Rustfmt::Later,
        )?,
    });
    for tag in tags {
        let file = format!("src/{}.rs", tag.module);
        files.push(OutputFile {
            path: dir.join(&file),
            contents: rust::format_file(
                &header,
                tag_module(tag, model, &paths),
                &file,
                Rustfmt::Later,
            )?,
        });
    }
    Ok(files)
}

/// The client of `model` as one Rust source (tag modules inline, no Cargo features): what the
/// snapshot tests show and the fixture crate compiles. It expects `types` (the types) and
/// `support` (their support module) in scope where it is included, and the `client_runtime`
/// crate.
pub fn client_source(model: &Model, rustfmt: Rustfmt) -> Result<String> {
    let tags = &model.tags;
    let paths = Paths::client(quote!(super::support), "super::support");
    let modules = tags.iter().map(|t| {
        let module = format_ident!("{}", t.module);
        let items = tag_module(t, model, &paths);
        quote! {
            pub mod #module {
                #items
            }
        }
    });
    let root = root_items(model, tags, false, "client");
    rust::format_file(
        "",
        quote! {
            #(#modules)*

            #root
        },
        "client source",
        rustfmt,
    )
}
