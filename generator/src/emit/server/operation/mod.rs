//! One operation of a server crate: its typed request (`request`), its reply and the reply's
//! constructors (`reply`), its trait method with the 501 default (`method`), and the handler
//! that turns an HTTP request into the request, calls the method and turns the reply into a
//! response (`handler`).

mod handler;
mod method;
mod reply;
mod request;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::multipart::Multiparts;
use super::validate::Validation;
use crate::emit::rust::ident;
use crate::emit::Paths;
use crate::error::Result;
use crate::model::tags::Tag;
use crate::model::{AuthKind, Model, Operation, TypeRef};

/// The tokens of one operation.
pub(super) struct OperationTokens {
    /// The trait method.
    pub method: TokenStream,
    /// The request struct, the reply enum and the handler.
    pub items: TokenStream,
}

/// The names of an operation's items, and how its docs refer to it.
struct Names {
    /// `{Op}Request`.
    request: Ident,
    /// `{Op}Reply`.
    reply: Ident,
    /// The trait method.
    method: Ident,
    /// `handle_{op}`.
    handler: Ident,
    /// The tag's trait.
    trait_name: Ident,
    /// `` [`Trait::method`] `` in docs.
    method_link: String,
    /// `` `GET /path` `` in docs.
    endpoint: String,
}

impl Names {
    fn new(op: &Operation, tag: &Tag) -> Names {
        Names {
            request: format_ident!("{}Request", op.type_name),
            reply: format_ident!("{}Reply", op.type_name),
            method: ident(&op.fn_name),
            handler: format_ident!("handle_{}", op.fn_name),
            trait_name: ident(&tag.trait_name),
            method_link: format!("[`{}::{}`]", tag.trait_name, op.fn_name),
            endpoint: format!("`{} {}`", op.method, op.path),
        }
    }
}

/// The trait method and the items of one operation.
pub(super) fn emit(
    model: &Model,
    op: &Operation,
    tag: &Tag,
    paths: &Paths,
    validation: &Validation,
    multiparts: &Multiparts,
) -> Result<OperationTokens> {
    let names = Names::new(op, tag);
    let request = request::items(op, &names, paths);
    let reply = reply::items(model, op, &names, paths);
    let method = method::item(model, op, &names, paths, &request.inputs_doc, &reply);
    // an operation no route leads to has no handler (its method stays, answering nothing)
    let handler = if model.server.unrouted.contains(&op.id) {
        TokenStream::new()
    } else {
        handler::item(model, op, &names, paths, validation, multiparts)?
    };
    let (request, reply) = (request.tokens, reply.tokens);
    let items = quote! {
        #request

        #reply

        #handler
    };
    Ok(OperationTokens { method, items })
}

/// The Rust type of a body in server code: bytes are the runtime's `Bytes`.
fn body_type(ty: &TypeRef, paths: &Paths) -> TokenStream {
    match ty {
        TypeRef::Bytes => {
            let rt = &paths.runtime;
            quote!(#rt::Bytes)
        }
        other => crate::emit::rust::type_tokens(other, &paths.types),
    }
}

/// A type as doc text: a link for named types.
fn type_doc(ty: &TypeRef, paths: &Paths) -> String {
    match ty {
        TypeRef::Named(n) => format!("[`{n}`]({}::{n})", paths.types_doc),
        TypeRef::Vec(inner) => format!("an array of {}", type_doc(inner, paths)),
        TypeRef::Map(inner) => format!("a map of {}", type_doc(inner, paths)),
        TypeRef::Nullable(inner) => format!("{} or null", type_doc(inner, paths)),
        TypeRef::Bytes => "bytes".to_owned(),
        TypeRef::Json => "any JSON value".to_owned(),
        TypeRef::JsonObject => "a JSON object".to_owned(),
        TypeRef::Prim(p) => format!("`{}`", crate::emit::rust::prim_tokens(*p)).replace(' ', ""),
        TypeRef::External(e) => format!("`{}`", e.rust),
    }
}

/// The type of the request context's `auth` for `op`, with `principal` as the principal type.
fn auth_type(op: &Operation, principal: TokenStream, paths: &Paths) -> TokenStream {
    let rt = &paths.runtime;
    match op.auth() {
        AuthKind::None => quote!(()),
        AuthKind::One(_) => quote!(#rt::Verified<#principal>),
        AuthKind::Alternatives => quote!(#rt::Credentials<#principal>),
        AuthKind::OptionalOne(_) => quote!(Option<#rt::Verified<#principal>>),
        AuthKind::Optional => quote!(Option<#rt::Credentials<#principal>>),
    }
}
