//! The documented errors of an operation: its error enum (a variant per documented error
//! status, with its body), `status()`, `Display`, and the decoder that turns a status and body
//! into the success value, a documented error or "unexpected".

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{first_line, names, status_text, success_ty, ty, Names};
use crate::emit::rust::{doc_attrs, ident};
use crate::emit::Paths;
use crate::model::{FieldRepr, Model, Operation, Prim, Response, Status, TypeKind, TypeRef};

/// The error enum, its impls and the decoder.
pub(super) fn items(op: &Operation, model: &Model, paths: &Paths) -> TokenStream {
    let runtime = &paths.runtime;
    let Names {
        builder,
        error,
        decode,
        ..
    } = &names(op);
    let success = success_ty(op, paths);
    // the decoder
    let mut arms = Vec::new();
    arms.push(match op.success().and_then(|r| r.body.as_ref()) {
        Some(_) => quote!(200..=299 => #runtime::Outcome::Ok(#runtime::json(body)?),),
        None => quote!(200..=299 => #runtime::Outcome::Ok(()),),
    });
    let mut variants = Vec::new();
    let mut status_arms = Vec::new();
    let mut display_arms = Vec::new();
    let mut default_arm = None;
    for r in op.errors() {
        let v = variant(r, error, model, paths);
        variants.push(v.decl);
        status_arms.push(v.status);
        display_arms.push(v.display);
        if matches!(r.status, Status::Default) {
            default_arm = Some(v.decode);
        } else {
            arms.push(v.decode);
        }
    }
    arms.push(default_arm.unwrap_or_else(|| quote!(_ => #runtime::Outcome::Unexpected,)));
    let uses_body = op.errors().any(|r| r.body.is_some())
        || op.success().and_then(|r| r.body.as_ref()).is_some();
    let body_arg = if uses_body {
        quote!(body)
    } else {
        quote!(_body)
    };
    let error_doc = doc_attrs(&format!(
        "The documented errors of [`{}`]: one variant per documented error status, with its body.\n\n\
         Other statuses are [`Error::Unexpected`]({}::Error::Unexpected).",
        builder, paths.runtime_doc
    ));
    let status_fn = if variants.is_empty() {
        quote! {
            /// The status of the response.
            pub fn status(&self) -> u16 {
                match *self {}
            }
        }
    } else {
        quote! {
            /// The status of the response.
            pub fn status(&self) -> u16 {
                match self { #(#status_arms,)* }
            }
        }
    };
    let (display_f, display_body) = if variants.is_empty() {
        (quote!(_), quote!(match *self {}))
    } else {
        (quote!(f), quote!(match self { #(#display_arms,)* }))
    };

    quote! {
        #error_doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #error {
            #(#variants,)*
        }

        impl #error {
            #status_fn
        }

        impl std::fmt::Display for #error {
            fn fmt(&self, #display_f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #display_body
            }
        }

        impl std::error::Error for #error {}

        fn #decode(
            status: #runtime::StatusCode,
            #body_arg: &[u8],
        ) -> Result<#runtime::Outcome<#success, #error>, #runtime::DecodeError> {
            Ok(match status.as_u16() {
                #(#arms)*
            })
        }
    }
}

/// The pieces of one variant of the error enum.
struct ErrorVariant {
    /// Its declaration.
    decl: TokenStream,
    /// Its arm of `status()`.
    status: TokenStream,
    /// Its arm of `Display::fmt`.
    display: TokenStream,
    /// Its arm of the decoder.
    decode: TokenStream,
}

/// The variant of a documented error response: a tuple variant with the body for a fixed
/// status, a struct variant with the status (and the body) for a range or `default`.
fn variant(r: &Response, error: &Ident, model: &Model, paths: &Paths) -> ErrorVariant {
    let runtime = &paths.runtime;
    let v = ident(&r.status.variant_name());
    let body_ty = r.body.as_ref().map(|(_, t)| t);
    let doc = doc_attrs(&format!(
        "{}{}",
        status_text(r.status),
        r.doc
            .as_deref()
            .map(|d| format!(": {}", first_line(d)))
            .unwrap_or_default()
    ));
    let parse = if body_ty.is_some() {
        quote!(#runtime::json(body)?)
    } else {
        quote!()
    };
    if let Status::Code(c) = r.status {
        let c = proc_macro2::Literal::u16_unsuffixed(c);
        let show = error_display(body_ty, quote!(#c), quote!(body), model, runtime);
        return match body_ty {
            Some(t) => {
                let t = ty(t, paths);
                ErrorVariant {
                    decl: quote!(#doc #v(#t)),
                    status: quote!(#error::#v(_) => #c),
                    display: quote!(#error::#v(body) => #show),
                    decode: quote!(#c => #runtime::Outcome::Err(#error::#v(#parse)),),
                }
            }
            None => ErrorVariant {
                decl: quote!(#doc #v),
                status: quote!(#error::#v => #c),
                display: quote!(#error::#v => #show),
                decode: quote!(#c => #runtime::Outcome::Err(#error::#v),),
            },
        };
    }
    let (field, value, bind) = match body_ty {
        Some(t) => {
            let t = ty(t, paths);
            (
                quote!(, /// The body.
                body: #t),
                quote!(, body: #parse),
                quote!({ status, body }),
            )
        }
        None => (quote!(), quote!(), quote!({ status })),
    };
    let show = error_display(body_ty, quote!(*status), quote!(body), model, runtime);
    let binding = match r.status {
        Status::Range(x) => {
            let lo = proc_macro2::Literal::u16_unsuffixed(x * 100);
            let hi = proc_macro2::Literal::u16_unsuffixed(x * 100 + 99);
            quote!(status @ #lo..=#hi)
        }
        _ => quote!(status),
    };
    ErrorVariant {
        decl: quote!(#doc #v { /// The status.
            status: u16 #field }),
        status: quote!(#error::#v { status, .. } => *status),
        display: quote!(#error::#v #bind => #show),
        decode: quote!(#binding => #runtime::Outcome::Err(#error::#v { status #value }),),
    }
}

/// The `Display` of one error variant: `status: code: message` from the body when it has them.
fn error_display(
    body: Option<&TypeRef>,
    status: TokenStream,
    bind: TokenStream,
    model: &Model,
    runtime: &TokenStream,
) -> TokenStream {
    let fields = body.and_then(|t| match t {
        TypeRef::Named(n) => match model.types.get(n).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => Some(&s.fields),
            _ => None,
        },
        _ => None,
    });
    let get = |name: &str| -> TokenStream {
        let field = fields.and_then(|fs| {
            fs.iter()
                .find(|f| f.json_name == name && f.ty == TypeRef::Prim(Prim::String))
        });
        match field {
            None => quote!(None),
            Some(f) => {
                let id = ident(&f.name);
                match f.repr {
                    FieldRepr::Plain | FieldRepr::Defaulted => quote!(Some(#bind.#id.as_str())),
                    FieldRepr::Nullable | FieldRepr::Optional => quote!(#bind.#id.as_deref()),
                    FieldRepr::OptionalNullable => {
                        quote!(#bind.#id.as_ref().and_then(|v| v.as_deref()))
                    }
                }
            }
        }
    };
    let code = get("code");
    let message = get("message");
    quote!(#runtime::write_api_error(f, #status, #code, #message))
}
