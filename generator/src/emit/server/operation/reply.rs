//! The reply enum of an operation (a variant per documented status, with its body and
//! headers, and `Error`), its header structs, its constructors in the API's envelope, and its
//! `IntoResponse`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{type_doc, Names};
use crate::emit::rust::{doc_attrs, ident, type_tokens};
use crate::emit::Paths;
use crate::model::{
    BodyKind, FieldRepr, Model, Operation, Response, ResponseHeader, Status, TypeRef,
};

/// A variant of a reply enum.
struct Variant<'a> {
    name: Ident,
    status: Status,
    body: Option<&'a TypeRef>,
    /// How the body is sent, and its media type.
    encoding: (BodyKind, &'a str),
    headers: Option<(Ident, &'a [ResponseHeader])>,
    doc: String,
}

/// The reply's items, and what the trait method's doc says of the replies.
pub(super) struct Reply {
    /// The reply enum, its header structs, constructors and impls.
    pub tokens: TokenStream,
    /// The success variant, for docs.
    pub success_doc: Option<String>,
    /// The documented errors, for docs.
    pub errors_doc: Vec<String>,
}

/// The reply of `op`.
pub(super) fn items(model: &Model, op: &Operation, names: &Names, paths: &Paths) -> Reply {
    let rt = &paths.runtime;
    let Names {
        reply: reply_name,
        method_link,
        ..
    } = names;
    let mut variants = Vec::new();
    for r in op.responses.iter().filter(|r| !r.envelope_error) {
        let name = format_ident!("{}", r.status.variant_name());
        let headers = (!r.headers.is_empty()).then(|| {
            (
                format_ident!("{}{}Headers", op.type_name, r.status.variant_name()),
                r.headers.as_slice(),
            )
        });
        let mut doc = format!("`{}`", r.status.key());
        if let Some(d) = &r.doc {
            doc.push_str(&format!(": {d}"));
        }
        variants.push(Variant {
            name,
            status: r.status,
            body: r.body.as_ref().map(|(_, t)| t),
            encoding: (
                r.kind,
                r.body
                    .as_ref()
                    .map_or("application/json", |(ct, _)| ct.as_str()),
            ),
            headers,
            doc,
        });
    }
    let mut header_structs = Vec::new();
    let variant_decls: Vec<TokenStream> = variants
        .iter()
        .map(|v| {
            let mut payload = Vec::new();
            if !matches!(v.status, Status::Code(_)) {
                payload.push(quote!(u16));
            }
            if let Some(t) = v.body {
                payload.push(super::body_type(t, paths));
            }
            if let Some((h, list)) = &v.headers {
                payload.push(quote!(#h));
                header_structs.push(headers_struct(h, list, reply_name, &v.name));
            }
            let mut doc = v.doc.clone();
            let shape = match (&v.status, v.body.is_some(), v.headers.is_some()) {
                (Status::Code(_), _, _) => "",
                (_, true, _) | (_, _, true) => "\n\nThe status first (the spec gives a range).",
                _ => "\n\nThe status (the spec gives a range).",
            };
            doc.push_str(shape);
            let doc = doc_attrs(&doc);
            let name = &v.name;
            if payload.is_empty() {
                quote!(#doc #name,)
            } else {
                quote!(#doc #name(#(#payload),*),)
            }
        })
        .collect();
    let arms = variants.iter().map(|v| reply_arm(v, paths));
    let with_body = |r: &Response| {
        format!(
            "`{}` ({}){}",
            r.status.variant_name(),
            r.status.key(),
            r.body
                .as_ref()
                .map(|(_, t)| format!(" with {}", type_doc(t, paths)))
                .unwrap_or_default()
        )
    };
    let success = op.success().map(with_body);
    let errors_doc: Vec<String> = op
        .errors()
        .map(|r| {
            if r.envelope_error {
                return match r.status {
                    Status::Code(_) => format!(
                        "`{}` ({}, through `{reply_name}::{}`)",
                        r.status.variant_name(),
                        r.status.key(),
                        constructor_name(r.status)
                    ),
                    _ => format!("{} (the error envelope)", r.status.key()),
                };
            }
            with_body(r)
        })
        .collect();
    let reply_doc = doc_attrs(&format!(
        "The reply of {method_link}: one variant per documented status, each with its typed \
         body, and `Error` for any other error (with the error envelope){}.",
        if op.responses.iter().any(|r| r.envelope_error) {
            ", which also answers the documented errors in the error envelope (see the \
             constructors)"
        } else {
            ""
        }
    ));
    let must_use = format!("the reply of `{}` must be returned", op.fn_name);
    let error_doc = if model.server.strict {
        " Any other error: the error envelope with its status."
    } else {
        " Any other error: the error envelope with its status (the default answers 501)."
    };
    let error_doc = quote!(#[doc = #error_doc]);

    let constructors = constructors(op, reply_name, paths);
    let tokens = quote! {
        #reply_doc
        #[derive(Clone, Debug, PartialEq)]
        #[must_use = #must_use]
        #[non_exhaustive]
        pub enum #reply_name {
            #(#variant_decls)*
            #error_doc
            Error(#rt::ErrorResponse),
        }

        #(#header_structs)*

        #constructors

        impl From<#rt::ErrorResponse> for #reply_name {
            fn from(error: #rt::ErrorResponse) -> Self {
                Self::Error(error)
            }
        }

        impl #rt::axum::response::IntoResponse for #reply_name {
            fn into_response(self) -> #rt::axum::response::Response {
                match self {
                    #(#arms)*
                    Self::Error(error) => error.into_response(),
                }
            }
        }
    };
    Reply {
        tokens,
        success_doc: success,
        errors_doc,
    }
}

fn headers_struct(
    name: &Ident,
    headers: &[ResponseHeader],
    reply: &Ident,
    variant: &Ident,
) -> TokenStream {
    let fields = headers.iter().map(|h| {
        let f = ident(&h.rust_name);
        let t = type_tokens(&h.ty, &TokenStream::new());
        let t = if h.required { t } else { quote!(Option<#t>) };
        let mut doc = h.doc.clone().unwrap_or_else(|| format!("`{}`.", h.name));
        doc.push_str(&format!("\n\nThe `{}` header.", h.name));
        let doc = doc_attrs(&doc);
        quote!(#doc pub #f: #t,)
    });
    let derives = if headers.iter().all(|h| !h.required) {
        quote!(#[derive(Clone, Debug, Default, PartialEq)])
    } else {
        quote!(#[derive(Clone, Debug, PartialEq)])
    };
    let doc = format!(" The response headers of [`{reply}::{variant}`].");
    quote! {
        #[doc = #doc]
        #derives
        pub struct #name {
            #(#fields)*
        }
    }
}

fn reply_arm(v: &Variant<'_>, paths: &Paths) -> TokenStream {
    let rt = &paths.runtime;
    let name = &v.name;
    let mut bindings = Vec::new();
    let status = match v.status {
        Status::Code(c) => {
            let c = proc_macro2::Literal::u16_unsuffixed(c);
            quote!(#c)
        }
        _ => {
            bindings.push(quote!(status));
            quote!(status)
        }
    };
    let respond = match v.body {
        Some(_) => {
            bindings.push(quote!(body));
            match v.encoding {
                (BodyKind::Text, media_type) => quote!(#rt::raw(#status, #media_type, body)),
                (BodyKind::Binary, media_type) => quote!(#rt::raw(#status, #media_type, body)),
                _ => quote!(#rt::json(#status, &body)),
            }
        }
        None => quote!(#rt::empty(#status)),
    };
    let Some((_, headers)) = &v.headers else {
        return if bindings.is_empty() {
            quote!(Self::#name => #respond,)
        } else {
            quote!(Self::#name(#(#bindings),*) => #respond,)
        };
    };
    bindings.push(quote!(headers));
    let sets = headers.iter().map(|h| {
        let f = ident(&h.rust_name);
        let wire = h.name.as_str();
        if h.required {
            quote!(#rt::set_header(&mut response, #wire, headers.#f);)
        } else {
            quote! {
                if let Some(value) = headers.#f {
                    #rt::set_header(&mut response, #wire, value);
                }
            }
        }
    });
    quote! {
        Self::#name(#(#bindings),*) => {
            let mut response = #respond;
            #(#sets)*
            response
        }
    }
}

/// The constructor of a reply for an error status answered with the error envelope
/// (`not_found`).
fn constructor_name(status: Status) -> String {
    heck::ToSnakeCase::to_snake_case(status.variant_name().as_str())
}

/// The reply's constructors in the API's envelope: `ok(content)` and `ok_with_message` for
/// the success body, one per documented error status answered with the error envelope.
fn constructors(op: &Operation, reply: &Ident, paths: &Paths) -> TokenStream {
    let rt = &paths.runtime;
    let types = &paths.types;
    let mut items = Vec::new();
    if let (Some(env), Some(success)) = (&op.envelope, op.success()) {
        let body = format_ident!("{}", env.body);
        let variant = format_ident!("{}", success.status.variant_name());
        let wrap = |value: TokenStream, optional: bool| {
            if optional {
                quote!(Some(#value))
            } else {
                value
            }
        };
        let message_field = ident(&env.message.0);
        let message = wrap(quote!(message.into()), env.message.1);
        let success_field = ident(&env.success.0);
        let success_value = wrap(quote!(true), env.success.1);
        let others = env.others.iter().map(|f| {
            let f = ident(f);
            quote!(#f: None,)
        });
        let mut content_value = quote!();
        let (param, content_init, arg, content_doc): (TokenStream, TokenStream, TokenStream, &str) =
            match &env.content {
                Some(c) => {
                    let field = ident(&c.field);
                    let ty = type_tokens(&c.ty, types);
                    let value = if c.boxed {
                        quote!(Box::new(content))
                    } else {
                        quote!(content)
                    };
                    let value = match c.repr {
                        FieldRepr::Plain | FieldRepr::Defaulted
                            if !c.boxed && c.field == "content" =>
                        {
                            quote!()
                        }
                        FieldRepr::Plain | FieldRepr::Defaulted => value,
                        FieldRepr::Nullable | FieldRepr::Optional => quote!(Some(#value)),
                        FieldRepr::OptionalNullable => quote!(Some(Some(#value))),
                    };
                    let init = if value.is_empty() {
                        content_value = quote!(content);
                        quote!(#field,)
                    } else {
                        content_value = value.clone();
                        quote!(#field: #value,)
                    };
                    (
                        quote!(content: #ty),
                        init,
                        quote!(, content),
                        " with `content`",
                    )
                }
                None => (quote!(), quote!(), quote!(), ""),
            };
        let build = match &env.constructor {
            None => quote! {
                #types::#body {
                    #message_field: #message,
                    #success_field: #success_value,
                    #content_init
                    #(#others)*
                }
            },
            // `#[non_exhaustive]`: `new()` with its arguments, then the other fields
            Some(arguments) => {
                let mut values: Vec<(String, TokenStream)> = vec![
                    (env.message.0.clone(), message.clone()),
                    (env.success.0.clone(), success_value.clone()),
                ];
                if let Some(c) = &env.content {
                    values.push((c.field.clone(), content_value.clone()));
                }
                let args = arguments.iter().map(|a| {
                    let value = values.iter().find(|(n, _)| n == a).map(|(_, v)| v.clone());
                    value.unwrap_or_else(|| quote!(None))
                });
                let sets: Vec<TokenStream> = values
                    .iter()
                    .filter(|(n, _)| !arguments.contains(n))
                    .map(|(n, v)| {
                        let n = ident(n);
                        quote!(body.#n = #v;)
                    })
                    .collect();
                // without arguments, `Default` (derived, or the `new()` of defaults)
                let start = if arguments.is_empty() {
                    quote!(<#types::#body as Default>::default())
                } else {
                    quote!(#types::#body::new(#(#args),*))
                };
                if sets.is_empty() {
                    start
                } else {
                    quote! {{
                        let mut body = #start;
                        #(#sets)*
                        body
                    }}
                }
            }
        };
        let ok_message = env.ok_message.as_str();
        let ok_doc = format!(
            " `{}`{content_doc} in the envelope, with the message `{ok_message}` and `success: true`.",
            success.status.key()
        );
        let with_doc = format!(
            " `{}`{content_doc} in the envelope, with `message`.",
            success.status.key()
        );
        items.push(quote! {
            #[doc = #ok_doc]
            pub fn ok(#param) -> Self {
                Self::ok_with_message(#ok_message #arg)
            }

            #[doc = #with_doc]
            pub fn ok_with_message(message: impl Into<String>, #param) -> Self {
                Self::#variant(#build)
            }
        });
    }
    for r in op.errors().filter(|r| r.envelope_error) {
        let Status::Code(code) = r.status else {
            continue;
        };
        let name = format_ident!("{}", constructor_name(r.status));
        if name == "ok" || name == "ok_with_message" {
            continue;
        }
        let error_code =
            heck::ToShoutySnakeCase::to_shouty_snake_case(r.status.variant_name().as_str());
        let mut doc = format!("`{code}` with the error envelope (code `{error_code}`)");
        match &r.doc {
            Some(d) => doc.push_str(&format!(": {d}")),
            None => doc.push('.'),
        }
        let doc = doc_attrs(&doc);
        let code = proc_macro2::Literal::u16_unsuffixed(code);
        items.push(quote! {
            #doc
            pub fn #name(message: impl Into<String>) -> Self {
                Self::Error(#rt::ErrorResponse::new(#code, #error_code, message))
            }
        });
    }
    if items.is_empty() {
        return quote!();
    }
    let doc = format!(" Replies of [`{reply}`] in the API's envelope.");
    quote! {
        #[doc = #doc]
        impl #reply {
            #(#items)*
        }
    }
}
