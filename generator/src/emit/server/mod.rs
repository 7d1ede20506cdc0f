//! The server crate: one trait per tag and an axum router, over the server runtime.
//!
//! Layout of a generated server crate (`<name>-server`):
//!
//! - `lib.rs`: crate docs, the tag modules, `router(backend)` / `router_with(backend, config)`
//!   (every route under the base path, 404 and 405 fallbacks in the error envelope);
//! - `<tag>.rs`, one per tag: the trait (one method per operation, each with a 501 default),
//!   each operation's `{Op}Request` and `{Op}Reply`, and its handler (parameters, security,
//!   body, validation, then the trait method) — see `operation.rs`;
//! - `internal.rs`: what handlers share: security schemes, multipart builders
//!   (`multipart.rs`) and the validation of request types (`validate.rs`).

mod multipart;
mod operation;
mod validate;

use std::collections::BTreeSet;
use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{doc_attrs, format_file, ident, Rustfmt};
use super::{templates, Context, OutputFile, Paths};
use crate::error::{Error, Result};
use crate::model::tags::Tag;
use crate::model::{Model, SecuritySchemeKind};

/// The pieces of a server crate, before they are laid out as files or as one source.
struct Pieces {
    /// Items of `lib.rs` after the module declarations.
    lib: TokenStream,
    /// Tag modules: name and contents (with inner docs).
    modules: Vec<(String, TokenStream)>,
    /// The private `internal` module's contents, if it has any.
    internal: Option<TokenStream>,
}

fn first_unsupported(model: &Model) -> Result<()> {
    match model.server.unsupported.first() {
        Some((pointer, construct)) => Err(Error::unsupported(pointer, construct.clone())),
        None => Ok(()),
    }
}

/// The pieces of the crate; `features`: each tag behind the Cargo feature of its module name.
fn pieces(model: &Model, paths: &Paths, features: bool) -> Result<Pieces> {
    first_unsupported(model)?;
    let validation = validate::Validation::of(model);
    let multiparts = multipart::Multiparts::of(model)?;
    let mut used_schemes: BTreeSet<&str> = BTreeSet::new();
    for op in &model.operations {
        used_schemes.extend(op.security.iter().flatten().map(String::as_str));
    }
    let mut modules = Vec::new();
    for tag in &model.tags {
        modules.push((
            tag.module.clone(),
            tag_module(model, tag, paths, &validation, &multiparts)?,
        ));
    }
    let internal =
        internal_module(model, &used_schemes, &validation, &multiparts, paths).map(|tokens| {
            if features && !model.tags.is_empty() {
                let names = model.tags.iter().map(|t| t.module.as_str());
                quote! {
                    // items used only by the handlers of tags whose features are off
                    #![cfg_attr(not(all(#(feature = #names),*)), allow(dead_code))]
                    #tokens
                }
            } else {
                tokens
            }
        });
    Ok(Pieces {
        lib: lib_items(model, features, paths),
        modules,
        internal,
    })
}

fn tag_module(
    model: &Model,
    tag: &Tag,
    paths: &Paths,
    validation: &validate::Validation,
    multiparts: &multipart::Multiparts,
) -> Result<TokenStream> {
    let rt = &paths.runtime;
    let trait_name = ident(&tag.trait_name);
    let module_doc = format!(
        " The operations tagged `{}`: the [`{}`] trait, its [`router`], and each operation's \
         request and reply.",
        tag.name, tag.trait_name
    );
    let rt_doc = &paths.runtime_doc;
    let defaults = if model.server.strict {
        "Every method must be implemented (the crate was generated with `strict`): a\n\
         forgotten operation is a compile error."
            .to_owned()
    } else {
        format!(
            "Every method has a default that answers 501 with the error envelope (through\n\
             [`{rt_doc}::Backend::not_implemented`]), so that a backend implements the\n\
             operations it serves and nothing else."
        )
    };
    let trait_doc = doc_attrs(&format!(
        "The operations tagged `{}`, one method per operation.\n\n{defaults} Implement the \
         methods with `async fn`; each returns `Result<{{Op}}Reply, Self::Error>`, so `?` \
         works on the backend's errors ([`{rt_doc}::IntoErrorResponse`]).",
        tag.name
    ));
    let mut methods = Vec::new();
    let mut items = Vec::new();
    for &i in &tag.operations {
        let op = &model.operations[i];
        let parts = operation::emit(model, op, tag, paths, validation, multiparts)?;
        methods.push(parts.method);
        items.push(parts.items);
    }
    let router = tag_router(model, tag, paths);
    Ok(quote! {
        #![doc = #module_doc]
        #![allow(clippy::large_enum_variant)]

        #trait_doc
        pub trait #trait_name: #rt::Backend {
            #(#methods)*
        }

        #router

        #(#items)*
    })
}

/// The `router` function of a tag module: the routes of its operations.
fn tag_router(model: &Model, tag: &Tag, paths: &Paths) -> TokenStream {
    let rt = &paths.runtime;
    let trait_name = ident(&tag.trait_name);
    let mut methods_used = BTreeSet::new();
    let routes: Vec<TokenStream> = model
        .server
        .routes
        .iter()
        .filter_map(|route| {
            let ops: Vec<usize> = route
                .operations
                .iter()
                .copied()
                .filter(|i| tag.operations.contains(i))
                .collect();
            if ops.is_empty() {
                return None;
            }
            let path = route.path.as_str();
            let handlers = ops.iter().enumerate().map(|(n, &i)| {
                let op = &model.operations[i];
                let method = format_ident!("{}", op.method.to_ascii_lowercase());
                let handler = format_ident!("handle_{}", op.fn_name);
                if n == 0 {
                    // the first method is the `axum::routing` function; the others, methods
                    methods_used.insert(op.method.to_ascii_lowercase());
                    quote!(#method(#handler::<B>))
                } else {
                    quote!(.#method(#handler::<B>))
                }
            });
            let handlers: Vec<TokenStream> = handlers.collect();
            Some(quote!(.route(#path, #(#handlers)*)))
        })
        .collect();
    let methods: Vec<_> = methods_used
        .iter()
        .map(|m| format_ident!("{}", m))
        .collect();
    let use_methods =
        (!methods.is_empty()).then(|| quote!(use #rt::axum::routing::{#(#methods),*};));
    let doc = doc_attrs(&format!(
        "The routes of the operations tagged `{}`, answered by `backend`, under\n\
         [`BASE_PATH`](super::BASE_PATH).\n\n\
         Merge the routers of several tags (implemented by one type or by several) with\n\
         [`Routes`](super::Routes), which also adds the 404 and 405 answers in the error envelope.",
        tag.name
    ));
    quote! {
        #doc
        pub fn router<B: #trait_name>(
            backend: std::sync::Arc<B>,
            config: #rt::Config,
        ) -> #rt::axum::Router {
            #use_methods
            let shared = std::sync::Arc::new(#rt::Shared { backend, config });
            #rt::axum::Router::new()
                #(#routes)*
                .with_state(shared)
        }
    }
}

fn internal_module(
    model: &Model,
    used_schemes: &BTreeSet<&str>,
    validation: &validate::Validation,
    multiparts: &multipart::Multiparts,
    paths: &Paths,
) -> Option<TokenStream> {
    let rt = &paths.runtime;
    let mut items = Vec::new();
    if !model.operations.is_empty() {
        let vars = &model.server.base_variables;
        items.push(quote! {
            /// The variables of the base path, which go to the request context.
            pub(crate) const BASE_VARIABLES: &[&str] = &[#(#vars),*];
        });
    }
    for scheme in &model.security_schemes {
        if !used_schemes.contains(scheme.name.as_str()) {
            continue;
        }
        let Some((_, const_name)) = model
            .server
            .scheme_consts
            .iter()
            .find(|(n, _)| *n == scheme.name)
        else {
            continue;
        };
        let const_name = ident(const_name);
        let name = scheme.name.as_str();
        let value = match &scheme.kind {
            SecuritySchemeKind::Bearer | SecuritySchemeKind::OAuth2 => {
                quote!(#rt::Scheme::Bearer { name: #name })
            }
            SecuritySchemeKind::Basic => quote!(#rt::Scheme::Basic { name: #name }),
            SecuritySchemeKind::ApiKey {
                location,
                name: key,
            } => {
                let location = match location {
                    crate::model::ParamLocation::Query => quote!(Query),
                    crate::model::ParamLocation::Cookie => quote!(Cookie),
                    _ => quote!(Header),
                };
                quote!(#rt::Scheme::ApiKey {
                    name: #name,
                    location: #rt::KeyLocation::#location,
                    key: #key,
                })
            }
        };
        let doc = doc_attrs(&match &scheme.description {
            Some(d) => format!("`{name}`: {}", crate::docs::sanitize(d)),
            None => format!("`{name}`."),
        });
        items.push(quote! {
            #doc
            pub(crate) const #const_name: #rt::Scheme = #value;
        });
    }
    items.extend(multiparts.items(model, paths));
    items.extend(validation.items(model, paths));
    if items.is_empty() {
        return None;
    }
    Some(quote! {
        #![doc = " What the handlers share: security schemes, multipart builders, validation."]
        #(#items)*
    })
}

/// `#[cfg(feature = "<module>")]` when tags are Cargo features.
fn tag_cfg(tag: &Tag, features: bool) -> TokenStream {
    if features {
        let f = tag.module.as_str();
        quote!(#[cfg(feature = #f)])
    } else {
        quote!()
    }
}

/// `#[cfg(all(feature = ...))]` over every tag, when tags are Cargo features.
fn all_tags_cfg(model: &Model, features: bool) -> TokenStream {
    if !features || model.tags.is_empty() {
        return quote!();
    }
    let names = model.tags.iter().map(|t| t.module.as_str());
    quote!(#[cfg(all(#(feature = #names),*))])
}

fn lib_items(model: &Model, features: bool, paths: &Paths) -> TokenStream {
    let rt = &paths.runtime;
    let tags = &model.tags;
    let trait_paths: Vec<TokenStream> = tags
        .iter()
        .map(|t| {
            let m = ident(&t.module);
            let tr = ident(&t.trait_name);
            quote!(#m::#tr)
        })
        .collect();
    let bounds = if trait_paths.is_empty() {
        quote!(#rt::Backend)
    } else {
        quote!(#(#trait_paths)+*)
    };
    let base_path = model.server.base_path.as_str();
    let base_doc = if base_path.is_empty() {
        " The path every route lives under: empty, the spec's server URL has no path.".to_owned()
    } else {
        " The path every route lives under (from the first server URL of the spec).".to_owned()
    };
    let trait_list: Vec<String> = tags
        .iter()
        .map(|t| format!("[`{}`]", t.trait_name))
        .collect();
    let router_doc = doc_attrs(&format!(
        "A router serving every operation of the API under [`BASE_PATH`], answered by `backend`.\n\n\
         `backend` implements {}{}{}. Unknown paths answer 404 and unsupported\n\
         methods 405, both with the error envelope. Add any tower layers with `Router::layer`;\n\
         to serve some tags only, or tags implemented by different types, use [`Routes`].",
        if trait_list.is_empty() {
            format!("[`{}::Backend`]", paths.runtime_doc)
        } else {
            trait_list.join(", ")
        },
        if trait_list.is_empty() {
            String::new()
        } else {
            format!(" and [`{}::Backend`]", paths.runtime_doc)
        },
        if model.server.strict {
            ""
        } else {
            " (each with defaults that answer 501, so an empty\n`impl` serves none of its operations)"
        },
    ));
    let all_cfg = all_tags_cfg(model, features);
    let reexports = tags.iter().map(|t| {
        let m = ident(&t.module);
        let tr = ident(&t.trait_name);
        let cfg = tag_cfg(t, features);
        quote!(#cfg pub use #m::#tr;)
    });
    let builder_methods = tags.iter().map(|t| {
        let m = ident(&t.module);
        let tr = ident(&t.trait_name);
        let cfg = tag_cfg(t, features);
        let doc = format!(
            " Serves the operations tagged `{}` with `backend` ([`{}`]).",
            t.name, t.trait_name
        );
        quote! {
            #cfg
            #[doc = #doc]
            pub fn #m<B: #m::#tr>(mut self, backend: std::sync::Arc<B>) -> Self {
                self.router = self.router.merge(#m::router(backend, self.config.clone()));
                self
            }
        }
    });
    let router_calls = tags.iter().map(|t| {
        let m = ident(&t.module);
        quote!(.#m(std::sync::Arc::clone(&backend)))
    });
    let variables = server_variables(model, paths);
    let operation_infos = model.server.routes.iter().flat_map(|route| {
        route.operations.iter().map(|&i| {
            let op = &model.operations[i];
            let id = op.id.as_str();
            let method = op.method.as_str();
            let path = route.path.as_str();
            let tag = tags
                .iter()
                .find(|t| t.operations.contains(&i))
                .map(|t| t.module.as_str())
                .unwrap_or_default();
            quote!(#rt::OperationInfo { id: #id, method: #method, route: #path, tag: #tag },)
        })
    });
    let prelude_traits = tags.iter().map(|t| {
        let tr = ident(&t.trait_name);
        let cfg = tag_cfg(t, features);
        quote!(#cfg pub use super::#tr as _;)
    });
    let prelude_vars = (!model.server.base_variables.is_empty()).then(|| {
        quote!(
            pub use super::ServerVariables as _;
        )
    });
    quote! {
        #(#reexports)*

        pub use #rt::{
            AuthError, AuthRequest, Backend, Config, Credentials, ErrorResponse,
            IntoErrorResponse, OperationInfo, RequestContext, Verified,
        };

        #[doc = #base_doc]
        pub const BASE_PATH: &str = #base_path;

        /// Every operation with its method and route, in route order: to name an operation in
        /// a metrics or logging layer from axum's `MatchedPath` ([`server_runtime::OperationInfo::find`]).
        pub const OPERATIONS: &[#rt::OperationInfo] = &[#(#operation_infos)*];

        #variables

        /// The traits a backend implements and calls, to import with `use ...::prelude::*`.
        pub mod prelude {
            #(#prelude_traits)*
            #prelude_vars
            pub use #rt::Backend as _;
        }

        /// A router built from the routers of some tags, each answered by its own backend
        /// (one type may implement several tags: pass the same `Arc` to each).
        ///
        /// Tags not added are not routed (their paths answer 404); [`Routes::build`] adds the
        /// 404 and 405 answers in the error envelope.
        #[derive(Debug)]
        #[must_use = "call `build` to get the router"]
        pub struct Routes {
            router: #rt::axum::Router,
            config: #rt::Config,
        }

        impl Default for Routes {
            fn default() -> Self {
                Routes::with_config(#rt::Config::default())
            }
        }

        impl Routes {
            /// No routes yet, with the default limits.
            pub fn new() -> Self {
                Routes::with_config(#rt::Config::default())
            }

            /// No routes yet, with these limits (body sizes) for the tags added after.
            pub fn with_config(config: #rt::Config) -> Self {
                Routes {
                    router: #rt::axum::Router::new(),
                    config,
                }
            }

            #(#builder_methods)*

            /// Adds routes of your own (a health check, say).
            pub fn merge(mut self, router: #rt::axum::Router) -> Self {
                self.router = self.router.merge(router);
                self
            }

            /// The router: the routes added, then 404 for unknown paths and 405 for methods
            /// a path does not serve, in the error envelope.
            pub fn build(self) -> #rt::axum::Router {
                self.router
                    .fallback(#rt::not_found)
                    .method_not_allowed_fallback(#rt::method_not_allowed)
            }
        }

        #all_cfg
        #router_doc
        pub fn router<B>(backend: B) -> #rt::axum::Router
        where
            B: #bounds,
        {
            router_with(backend, #rt::Config::default())
        }

        #all_cfg
        /// [`router`] with other limits (body sizes).
        pub fn router_with<B>(backend: B, config: #rt::Config) -> #rt::axum::Router
        where
            B: #bounds,
        {
            let backend = std::sync::Arc::new(backend);
            Routes::with_config(config)
                #(#router_calls)*
                .build()
        }
    }
}

/// The `ServerVariables` trait: typed access to the base path's variables.
fn server_variables(model: &Model, paths: &Paths) -> TokenStream {
    let rt = &paths.runtime;
    let vars = &model.server.base_variables;
    if vars.is_empty() {
        return quote!();
    }
    let described = model.servers.first().map(|s| &s.variables);
    let decls = vars
        .iter()
        .zip(&model.server.base_variable_fns)
        .map(|(v, f)| {
            let f = ident(f);
            let description = described
                .and_then(|list| list.iter().find(|x| x.name == *v))
                .and_then(|x| x.description.clone());
            let doc = doc_attrs(&match description {
                Some(d) => format!("`{v}`: {}", crate::docs::sanitize(&d)),
                None => format!("The server variable `{v}`."),
            });
            quote!(#doc fn #f(&self) -> &str;)
        });
    let impls = |generics: TokenStream, receiver: TokenStream| {
        let fns = vars
            .iter()
            .zip(&model.server.base_variable_fns)
            .map(|(v, f)| {
                let f = ident(f);
                quote! {
                    fn #f(&self) -> &str {
                        self.server_variable(#v).unwrap_or_default()
                    }
                }
            });
        quote! {
            impl #generics ServerVariables for #receiver {
                #(#fns)*
            }
        }
    };
    let on_ctx = impls(quote!(<A>), quote!(#rt::RequestContext<A>));
    let on_auth = impls(quote!(), quote!(#rt::AuthRequest<'_>));
    let list = vars
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let doc = doc_attrs(&format!(
        "The variables of the base path ({list}), on an operation's request context and on a \
         credential's request (to check a credential against the store in the path, say)."
    ));
    quote! {
        #doc
        pub trait ServerVariables {
            #(#decls)*
        }

        #on_ctx

        #on_auth
    }
}

/// The files of the server crate, under `<name>-server/`.
pub fn crate_files(model: &Model, ctx: &Context) -> Result<Vec<OutputFile>> {
    let crate_name = ctx.server_crate();
    let types_crate = ctx.types_crate();
    let types_ident = types_crate.replace('-', "_");
    let paths = Paths::server(&types_ident, &format!("{types_ident}::support"))?;
    let dir = PathBuf::from(&crate_name);
    let pieces = pieces(model, &paths, true)?;
    let template_ctx = minijinja::context! {
        crate_name => crate_name,
        crate_ident => crate_name.replace('-', "_"),
        types_crate => types_crate,
        types_ident => types_ident,
        runtime_path => ctx.server_runtime_path,
        version => ctx.version,
        license => ctx.license,
        title => model.title,
        api_version => model.api_version,
        spec_path => ctx.spec_path,
        command => ctx.command,
        base_path => model.server.base_path,
        operations => model.operations.len(),
        tags => model.tags.iter().map(|t| minijinja::context! {
            name => t.name,
            module => t.module,
            trait_name => t.trait_name,
            operations => t.operations.len(),
        }).collect::<Vec<_>>(),
        first_tag => model.tags.first().map(|t| minijinja::context! {
            name => t.name,
            module => t.module,
            trait_name => t.trait_name,
        }),
        strict => model.server.strict,
        envelope => model.operations.iter().any(|o| o.envelope.is_some()),
        base_variables => model.server.base_variable_fns,
        other_tags => model.tags.iter().skip(1).map(|t| t.trait_name.clone()).collect::<Vec<_>>(),
        uses => minijinja::context! {
            chrono => model.uses.chrono,
            uuid => model.uses.uuid,
        },
    };
    let doc_lines = templates::crate_doc_lines("server/lib.md", &template_ctx)?;
    let module_decls = pieces
        .modules
        .iter()
        .zip(&model.tags)
        .map(|((name, _), tag)| {
            let name = ident(name);
            let cfg = tag_cfg(tag, true);
            quote!(#cfg pub mod #name;)
        });
    let internal_decl = pieces.internal.as_ref().map(|_| {
        quote!(
            mod internal;
        )
    });
    let lib_body = pieces.lib;
    let lib = quote! {
        #(#![doc = #doc_lines])*
        #![warn(missing_docs)]

        #(#module_decls)*
        #internal_decl

        #lib_body
    };
    let header = ctx.rust_header();
    let mut files = super::crate_skeleton(&dir, "server", &template_ctx, &header, lib)?;
    for (name, tokens) in pieces.modules {
        let file = format!("src/{name}.rs");
        files.push(OutputFile {
            path: dir.join(&file),
            contents: format_file(&header, tokens, &file, Rustfmt::Later)?,
        });
    }
    if let Some(internal) = pieces.internal {
        files.push(OutputFile {
            path: dir.join("src/internal.rs"),
            contents: format_file(&header, internal, "src/internal.rs", Rustfmt::Later)?,
        });
    }
    Ok(files)
}

/// The whole server crate of `model` as one source (modules inline), with the types at
/// `paths`: what the snapshot tests show and the fixture crate compiles.
pub fn source(model: &Model, paths: &Paths, rustfmt: Rustfmt) -> Result<String> {
    let pieces = pieces(model, paths, false)?;
    let modules = pieces.modules.iter().map(|(name, tokens)| {
        let name = ident(name);
        quote!(pub mod #name { #tokens })
    });
    let internal = pieces
        .internal
        .as_ref()
        .map(|tokens| quote!(mod internal { #tokens }));
    let lib = pieces.lib;
    format_file(
        "",
        quote! {
            #(#modules)*
            #internal
            #lib
        },
        "server source",
        rustfmt,
    )
}
