//! One operation of the client: its request builder (`builder`), its error enum and response
//! decoder (`errors`) and, for lists, its pagination (`list`); and the method of its tag group
//! that starts the builder. This file holds what the three share: the inputs of an operation
//! and how types are named.

mod builder;
mod errors;
mod list;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::docs;
use crate::emit::rust::{doc_attrs, ident, prim_tokens};
use crate::emit::Paths;
use crate::model::{Model, Operation, Param, Prim, SecuritySchemeKind, Status, TypeRef};

/// The Rust type of a reference, named types in the types crate.
pub fn ty(t: &TypeRef, paths: &Paths) -> TokenStream {
    match t {
        TypeRef::Named(n) => {
            let n = format_ident!("{}", n);
            let types = &paths.types;
            quote!(#types::#n)
        }
        TypeRef::Prim(Prim::Binary) => {
            let support = &paths.support;
            quote!(#support::FilePart)
        }
        TypeRef::Prim(p) => prim_tokens(*p),
        TypeRef::External(e) => crate::emit::rust::external_tokens(e),
        TypeRef::Vec(inner) => {
            let inner = ty(inner, paths);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = ty(inner, paths);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = ty(inner, paths);
            quote!(Option<#inner>)
        }
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Bytes => {
            let runtime = &paths.runtime;
            quote!(#runtime::Bytes)
        }
    }
}

/// How a type is named in docs: `` [`Cart`](storefront_types::Cart) `` or `` `i64` ``.
fn ty_doc(t: &TypeRef, paths: &Paths) -> String {
    match t {
        TypeRef::Named(n) => format!("[`{n}`]({}::{n})", paths.types_doc),
        TypeRef::Vec(inner) => format!("list of {}", ty_doc(inner, paths)),
        TypeRef::Map(inner) => format!("map of {}", ty_doc(inner, paths)),
        TypeRef::Nullable(inner) => format!("{} or null", ty_doc(inner, paths)),
        TypeRef::Prim(Prim::Binary) => format!("[`FilePart`]({}::FilePart)", paths.support_doc),
        other => format!("`{}`", ty(other, paths).to_string().replace(' ', "")),
    }
}

/// The credentials an operation accepts, as runtime `Auth` values, deduplicated.
fn auth(op: &Operation, model: &Model, paths: &Paths) -> Vec<TokenStream> {
    let runtime = &paths.runtime;
    let mut out: Vec<&str> = Vec::new();
    for name in op.security.iter().flatten() {
        let Some(scheme) = model.security_schemes.iter().find(|s| &s.name == name) else {
            continue;
        };
        let a = match scheme.kind {
            SecuritySchemeKind::Bearer | SecuritySchemeKind::OAuth2 => "Bearer",
            SecuritySchemeKind::Basic => "Basic",
            SecuritySchemeKind::ApiKey { .. } => "ApiKey",
        };
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out.iter()
        .map(|a| {
            let a = ident(a);
            quote!(#runtime::Auth::#a)
        })
        .collect()
}

/// The type of a successful call's value.
fn success_ty(op: &Operation, paths: &Paths) -> TokenStream {
    match op.success().and_then(|r| r.body.as_ref()) {
        Some((_, t)) => ty(t, paths),
        None => quote!(()),
    }
}

/// Names of the builder, error enum and decoder of an operation.
pub struct Names {
    pub builder: proc_macro2::Ident,
    pub error: proc_macro2::Ident,
    pub decode: proc_macro2::Ident,
    pub method: proc_macro2::Ident,
}

pub fn names(op: &Operation) -> Names {
    Names {
        builder: format_ident!("{}", op.type_name),
        error: format_ident!("{}Error", op.type_name),
        decode: format_ident!("decode_{}", op.fn_name),
        method: format_ident!("{}", op.fn_name),
    }
}

/// A required input: a parameter or the body.
pub(super) struct Input<'a> {
    /// Rust name.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
    /// Its doc.
    pub doc: Option<String>,
    /// `None`: the body.
    pub param: Option<&'a Param>,
}

/// The required inputs (builder arguments) or the optional ones (setters): parameters in spec
/// order, then the body.
fn inputs(op: &Operation, required: bool) -> Vec<Input<'_>> {
    let mut out: Vec<Input> = op
        .params
        .iter()
        .filter(|p| p.required == required)
        .map(|p| Input {
            name: p.rust_name.clone(),
            ty: p.ty.clone(),
            doc: p.doc.clone(),
            param: Some(p),
        })
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required == required) {
        out.push(Input {
            name: BODY_FIELD.to_owned(),
            ty: body.ty.clone(),
            doc: body.doc.clone(),
            param: None,
        });
    }
    out
}

/// The arguments of an operation's group method, in order.
pub(super) fn required_inputs(op: &Operation) -> Vec<Input<'_>> {
    inputs(op, true)
}

fn optional_inputs(op: &Operation) -> Vec<Input<'_>> {
    inputs(op, false)
}

/// The builder field of the body. No parameter has this name: the model keeps it free
/// (`model/operations.rs` names parameters with `body` taken).
const BODY_FIELD: &str = "body";

/// Names a builder's own methods take; optional inputs with these names get a `set_` prefix.
const BUILDER_METHODS: &[&str] = &[
    "send",
    "send_with_metadata",
    "timeout",
    "operation_timeout",
    "header",
    "retry",
    "into_future",
    "into_pages",
    "into_stream",
    "into_request",
    "clone",
    "fmt",
];

fn setter_name(name: &str) -> String {
    if BUILDER_METHODS.contains(&name) {
        format!("set_{name}")
    } else {
        name.to_owned()
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

fn status_text(status: Status) -> String {
    match status {
        Status::Code(c) => format!("`{c}`"),
        Status::Range(r) => format!("`{r}XX`"),
        Status::Default => "any other status".to_owned(),
    }
}

/// Everything of one operation: builder, `IntoFuture`, error enum, decoder (+ list helpers).
pub fn operation_items(op: &Operation, model: &Model, paths: &Paths) -> TokenStream {
    let builder = builder::items(op, model, paths);
    let errors = errors::items(op, model, paths);
    let list_fns = op
        .list
        .as_ref()
        .map(|l| list::accessors(op, l, paths))
        .unwrap_or_default();
    quote! {
        #builder
        #errors
        #list_fns
    }
}

/// The method of the tag group that starts the builder.
pub fn group_method(op: &Operation, paths: &Paths) -> TokenStream {
    let n = names(op);
    let Names {
        builder, method, ..
    } = &n;
    let required = required_inputs(op);
    let optional = optional_inputs(op);
    let is_list = |i: &Input| matches!(i.ty, TypeRef::Vec(_)) && i.param.is_some();
    let args = required.iter().map(|i| {
        let id = ident(&i.name);
        match &i.ty {
            TypeRef::Vec(item) if is_list(i) => {
                let item = ty(item, paths);
                quote!(#id: impl IntoIterator<Item = impl Into<#item>>)
            }
            t => {
                let t = ty(t, paths);
                quote!(#id: impl Into<#t>)
            }
        }
    });
    let inits = required
        .iter()
        .map(|i| {
            let id = ident(&i.name);
            if is_list(i) {
                quote!(#id: #id.into_iter().map(Into::into).collect())
            } else {
                quote!(#id: #id.into())
            }
        })
        .chain(optional.iter().map(|i| {
            let id = ident(&i.name);
            quote!(#id: None)
        }));
    let summary = op
        .summary
        .as_deref()
        .map(docs::sanitize)
        .unwrap_or_else(|| format!("`{} {}`", op.method, op.path));
    let doc = doc_attrs(&format!(
        "{summary}\n\nSee [`{builder}`] for the inputs, the result and the errors."
    ));
    let deprecated = if op.deprecated {
        quote!(#[deprecated = "deprecated in the API spec"])
    } else {
        quote!()
    };
    quote! {
        #doc
        #deprecated
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder {
                client: self.client.clone(),
                #(#inits,)*
                options: Default::default(),
            }
        }
    }
}
